"""The progress engine: the one place that says where every target stands.

- `kinds`: what each kind of target means (its arithmetic, its labels);
- `arithmetic`: 完成率, 序时进度, 序时差, status and rank on plain values (no database);
- `status`: the Status and its presentation on pages and in files;
- `rows`: TargetRow, Cell and ProgressRow, the row every page, file and API answer formats;
- `report`: `progress_report()`, the one read (a fixed number of queries) that evaluates every cell;
- `projections`: the projected outcome (预计全年完成).

Callers import from this package; the modules import only plans.models and targets.models
(tests/test_architecture.py holds that).
"""

from targets.engine.arithmetic import (
    DEFAULT_LAG_POINTS,
    HUNDRED,
    Progress,
    carried_forward,
    classify_milestone,
    classify_schedule,
    completion_rate,
    cumulative_value,
    evaluate,
    latest_value,
    rank,
    rank_change,
    schedule_rate,
    sum_or_none,
)
from targets.engine.kinds import (
    COUNT,
    FLOW,
    KINDS,
    MILESTONE,
    MILESTONE_STATUS_DONE,
    MILESTONE_STATUS_IN_PROGRESS,
    QUARTER,
    RATIO,
    STOCK,
    completion_phrase,
    effective_kind,
    quarter_start,
    target_label,
)
from targets.engine.projections import (
    METHOD_LABELS,
    METHOD_LAST_YEAR,
    METHOD_MILESTONE,
    METHOD_PACE,
    METHOD_TREND,
    SHORTFALL_LABEL,
    Projection,
    ProjectionKey,
    project,
    project_flow,
    project_quarter,
    project_trend,
    projections,
)
from targets.engine.report import (
    ProgressReport,
    cumulative_before,
    evaluate_target,
    month_end,
    peer_regions,
    progress_report,
    targets_of,
)
from targets.engine.rows import NO_DEPARTMENT, Cell, MonthMap, ProgressRow, TargetRow
from targets.engine.status import CSS_CHART, Status

__all__ = [
    "COUNT",
    "CSS_CHART",
    "DEFAULT_LAG_POINTS",
    "FLOW",
    "HUNDRED",
    "KINDS",
    "METHOD_LABELS",
    "METHOD_LAST_YEAR",
    "METHOD_MILESTONE",
    "METHOD_PACE",
    "METHOD_TREND",
    "MILESTONE",
    "MILESTONE_STATUS_DONE",
    "MILESTONE_STATUS_IN_PROGRESS",
    "NO_DEPARTMENT",
    "QUARTER",
    "RATIO",
    "SHORTFALL_LABEL",
    "STOCK",
    "Cell",
    "MonthMap",
    "Progress",
    "ProgressReport",
    "ProgressRow",
    "Projection",
    "ProjectionKey",
    "Status",
    "TargetRow",
    "carried_forward",
    "classify_milestone",
    "classify_schedule",
    "completion_phrase",
    "completion_rate",
    "cumulative_before",
    "cumulative_value",
    "effective_kind",
    "evaluate",
    "evaluate_target",
    "latest_value",
    "month_end",
    "peer_regions",
    "progress_report",
    "project",
    "project_flow",
    "project_quarter",
    "project_trend",
    "projections",
    "quarter_start",
    "rank",
    "rank_change",
    "schedule_rate",
    "sum_or_none",
    "target_label",
    "targets_of",
]
