"""Projected outcome (预计全年完成): where each target is expected to stand at the end of its period, and never
a projection that contradicts the status.

- Flows: cumulative ÷ months elapsed × months to the due month; where last year's monthly figures exist,
  cumulative ÷ the share of last year's total that last year had reached by the same month.
- Per-quarter counts: the same within the current quarter, to the quarter's end (本季度预计).
- Stocks and ratios: the trend of recent values (least-squares line through the last reported months,
  extended to the due month); one value alone is its own projection.
- Milestones: done, or still on time (not past the due date) — or not.

Past a target's due month nothing is projected: the outcome is stated (已完成 / 逾期完成 / 逾期未完成). A target
already complete is never projected to fall short. Each projection states its own method and inputs
(`basis`: “按1—11月月均推算：43,400÷11×12”).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from plans.models import Plan
from targets.engine.arithmetic import (
    HUNDRED,
    _check_month,
    classify_milestone,
    completion_rate,
    cumulative_value,
    sum_or_none,
)
from targets.engine.kinds import COUNT, MILESTONE, PROJECT_TREND, SPECS, quarter_start, spec
from targets.engine.report import Cell, MonthMap, ProgressReport, TargetRow, progress_report
from targets.engine.status import Status

SHORTFALL_LABEL = "按当前进度预计无法完成"
TREND_WINDOW = 3

METHOD_PACE = "pace"
METHOD_LAST_YEAR = "last_year"
METHOD_TREND = "trend"
METHOD_MILESTONE = "milestone"

METHOD_LABELS = {
    METHOD_PACE: "按当前月均进度推算：累计完成 ÷ 已过月数 × 到期月数（每季度指标推算至季末）",
    METHOD_LAST_YEAR: "按上年同期进度推算：累计完成 ÷ 上年同期累计占上年全年的比例",
    METHOD_TREND: "按近期走势推算：最近几个月数值的线性趋势延伸至到期月份",
    METHOD_MILESTONE: "按完成时限判断：已完成或尚未逾期视为可按时完成",
}

# Past the due month: what happened, instead of a projection.
OUTCOME_DONE = "已完成"
OUTCOME_DONE_LATE = "逾期完成"
OUTCOME_MISSED = "逾期未完成"


@dataclass(frozen=True)
class Projection:
    """Where one target is expected to stand at the end of its period (its due month, or the quarter's end)."""

    value: Decimal | None  # projected cumulative (flows) or value (stocks, ratios); None for milestones
    completion_rate: Decimal | None  # projected 完成率, percent
    will_meet: bool | None  # None: nothing to project (no target, no figure, or past the due month)
    method: str
    label: str = ""  # how the figure is introduced: 预计全年完成 / 预计到期（10月底）完成 / 本季度预计
    basis: str = ""  # this projection's own method and inputs: 按1—11月月均推算：43,400÷11×12
    outcome: str = ""  # past the due month, no projection: 已完成 / 逾期完成 / 逾期未完成

    @property
    def shortfall(self) -> bool:
        """按当前进度预计无法完成."""
        return self.will_meet is False

    @property
    def method_label(self) -> str:
        return METHOD_LABELS[self.method]

    @property
    def short_label(self) -> str:
        """Before a projected rate in a list: 预计, or 本季度预计 for a per-quarter count."""
        return self.label if self.label == SPECS[COUNT].projection_label else "预计"

    @property
    def is_projected(self) -> bool:
        """A figure is projected (the due month is still ahead and there is something to project from)."""
        return not self.outcome and self.will_meet is not None


def project_flow(
    *,
    figures: Mapping[int, Decimal | None],
    month: int,
    due_month: int | None = None,
    start_month: int = 1,
    last_year: Mapping[int, Decimal | None] | None = None,
) -> tuple[Decimal | None, str]:
    """The projected cumulative at the due month, and the method used."""
    _check_month(month)
    end = due_month or 12
    cumulative = sum_or_none(figures.get(m) for m in range(start_month, month + 1))
    if cumulative is None:
        return None, METHOD_PACE
    if month >= end:
        return sum_or_none(figures.get(m) for m in range(start_month, end + 1)), METHOD_PACE
    share = _last_year_share(last_year, month, end, start_month)
    if share is not None:
        return cumulative / share, METHOD_LAST_YEAR
    elapsed = month - start_month + 1
    if elapsed <= 0:
        return None, METHOD_PACE
    return cumulative * Decimal(end - start_month + 1) / Decimal(elapsed), METHOD_PACE


def _last_year_share(
    last_year: Mapping[int, Decimal | None] | None, month: int, end: int, start_month: int
) -> Decimal | None:
    """The part of last year's total (start…end) reached by `month`; None unless every month was reported."""
    if not last_year:
        return None
    values = [last_year.get(m) for m in range(start_month, end + 1)]
    if any(v is None for v in values):
        return None
    total = sum(values, Decimal(0))
    reached = sum(values[: month - start_month + 1], Decimal(0))
    if total <= 0 or reached <= 0:
        return None
    return reached / total


def project_quarter(*, figures: Mapping[int, Decimal | None], month: int) -> Decimal | None:
    """A per-quarter count: the quarter's cumulative at its current pace to the quarter's end."""
    _check_month(month)
    first = quarter_start(month)
    cumulative = sum_or_none(figures.get(m) for m in range(first, month + 1))
    if cumulative is None:
        return None
    return cumulative * 3 / Decimal(month - first + 1)


def project_trend(
    *, figures: Mapping[int, Decimal | None], month: int, due_month: int | None = None, window: int = TREND_WINDOW
) -> Decimal | None:
    """A stock or ratio: the least-squares line through the last `window` reported months, at the due month."""
    _check_month(month)
    points = sorted((m, v) for m, v in figures.items() if m <= month and v is not None)[-window:]
    if not points:
        return None
    end = max(due_month or 12, points[-1][0])
    if len(points) == 1 or points[-1][0] >= end:
        return points[-1][1]
    mean_m = Decimal(sum(m for m, _ in points)) / len(points)
    mean_v = sum((v for _, v in points), Decimal(0)) / len(points)
    return mean_v + _slope(points) * (Decimal(end) - mean_m)


def _slope(points: list[tuple[int, Decimal]]) -> Decimal:
    n = Decimal(len(points))
    mean_m = Decimal(sum(m for m, _ in points)) / n
    mean_v = sum((v for _, v in points), Decimal(0)) / n
    num = sum(((Decimal(m) - mean_m) * (v - mean_v) for m, v in points), Decimal(0))
    den = sum(((Decimal(m) - mean_m) ** 2 for m, _ in points), Decimal(0))
    return num / den if den else Decimal(0)


def project(
    *,
    kind: str,
    period: str | None,
    target: Decimal | None,
    figures: Mapping[int, Decimal | None],
    month: int,
    due_month: int | None = None,
    start_month: int = 1,
    higher_is_better: bool = True,
    last_year: Mapping[int, Decimal | None] | None = None,
    milestone_status: str = "",
    due_date: dt.date | None = None,
    today: dt.date | None = None,
) -> Projection:
    """The projected outcome of one target for one holder (the same inputs as `evaluate`)."""
    if kind == MILESTONE:
        status = classify_milestone(milestone_status, due_date, today)
        meets = status != Status.MILESTONE_OVERDUE
        return Projection(None, None, meets, METHOD_MILESTONE, SPECS[MILESTONE].projection_label, _MILESTONE_BASIS)
    meaning = spec(kind, period)
    end = meaning.projection_end(month, due_month)
    if month > end:
        return _outcome(meaning.kind, target, figures, month, end, start_month, higher_is_better)
    if meaning.projection == PROJECT_TREND:
        value, method = project_trend(figures=figures, month=month, due_month=due_month), METHOD_TREND
    elif meaning.is_quarterly:
        value, method = project_quarter(figures=figures, month=month), METHOD_PACE
    else:
        value, method = project_flow(
            figures=figures, month=month, due_month=due_month, start_month=start_month, last_year=last_year
        )
    basis = _basis(meaning.kind, method, figures, month, end, start_month, last_year) if value is not None else ""
    now = cumulative_value(kind=meaning.kind, figures=figures, month=month, start_month=start_month)
    if _will_meet(now, target, higher_is_better) and not _will_meet(value, target, higher_is_better):
        value, basis = now, f"已达到目标（{month}月{_number(now)}），按已完成计"  # a falling trend undoes nothing
    rate = completion_rate(value, target, higher_is_better=higher_is_better)
    words = meaning.projection_words(due_month)
    return Projection(value, rate, _will_meet(value, target, higher_is_better), method, words, basis)


def _outcome(kind, target, figures, month, due, start_month, higher_is_better) -> Projection:
    """Past the due month: what happened by the due month and since, instead of a projection."""
    at_due = cumulative_value(kind=kind, figures=figures, month=due, start_month=start_month)
    now = cumulative_value(kind=kind, figures=figures, month=month, start_month=start_month)
    method = METHOD_TREND if not SPECS[kind].sums else METHOD_PACE
    if target is None or now is None:
        outcome = ""
    elif _will_meet(at_due, target, higher_is_better):
        outcome = OUTCOME_DONE
    elif _will_meet(now, target, higher_is_better):
        outcome = OUTCOME_DONE_LATE
    else:
        outcome = OUTCOME_MISSED
    return Projection(None, None, None, method, outcome=outcome)


_MILESTONE_BASIS = "按完成时限判断"


def _basis(kind, method, figures, month, end, start_month, last_year) -> str:
    """The projection's own method and inputs, in words a reader can recompute."""
    if method == METHOD_TREND:
        return _trend_basis(figures, month, end)
    first = SPECS[kind].window_start(month, start_month)
    cumulative = sum_or_none(figures.get(m) for m in range(first, month + 1)) or Decimal(0)
    if month >= end:
        return f"{_span(first, month)}累计：{_number(cumulative)}"
    if method == METHOD_LAST_YEAR:
        share = _last_year_share(last_year, month, end, start_month) or Decimal(1)
        percent = f"{share * HUNDRED:.1f}%"
        return (
            f"按上年同期进度推算：{_number(cumulative)}÷{percent}"
            f"（上年{_span(first, month)}完成占上年{_span(first, end)}的{percent}）"
        )
    elapsed, span = month - first + 1, end - first + 1
    return f"按{_span(first, month)}月均推算：{_number(cumulative)}÷{elapsed}×{span}"


def _trend_basis(figures, month: int, end: int) -> str:
    points = sorted((m, v) for m, v in figures.items() if m <= month and v is not None)[-TREND_WINDOW:]
    if len(points) == 1 or points[-1][0] >= end:
        m, v = points[-1]
        return f"取{m}月数值{_number(v)}"
    months = "、".join(f"{m}月" for m, _ in points)
    values = "、".join(_number(v) for _, v in points)
    return f"按{months}数值（{values}）的线性趋势推算至{end}月"


def _span(first: int, last: int) -> str:
    return f"{first}月" if first == last else f"{first}—{last}月"


def _number(value: Decimal) -> str:
    """A figure in a projection's basis: grouped, at most two decimals, no trailing zeros."""
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def _will_meet(value: Decimal | None, target: Decimal | None, higher_is_better: bool) -> bool | None:
    if value is None or target is None:
        return None
    return value >= target if higher_is_better else value <= target


ProjectionKey = tuple[int, int | None]  # (target_id, region_id); region None = the whole scope


def projections(plan: Plan, report: ProgressReport) -> dict[ProjectionKey, Projection]:
    """Every cell's projected year-end outcome, from the report's own monthly figures.

    Flows follow last year's monthly profile where the plan ran last year (one more `progress_report`, a
    constant number of queries); otherwise the current pace.
    """
    last = _last_year_report(plan, report)
    start = plan.first_month(report.year)
    result: dict[ProjectionKey, Projection] = {}
    for target in report.targets:
        holders = [(r.id, report.cell(target.id, r.id)) for r in report.regions]
        holders.append((None, report.totals.get(target.id)))
        for region_id, cell in holders:
            if cell is None:
                continue
            previous = _last_year_monthly(last, target.id, region_id)
            result[(target.id, region_id)] = _project_cell(target, cell, report.month, start, previous)
    return result


def _project_cell(target: TargetRow, cell: Cell, month: int, start: int, last_year: MonthMap | None):
    if target.kind == MILESTONE:
        meets = cell.progress.status != Status.MILESTONE_OVERDUE
        return Projection(None, None, meets, METHOD_MILESTONE, SPECS[MILESTONE].projection_label, _MILESTONE_BASIS)
    return project(
        kind=target.kind,
        period=target.period,
        target=cell.progress.target,
        figures=cell.monthly,
        month=month,
        due_month=target.due_month,
        start_month=start,
        higher_is_better=target.higher_is_better,
        last_year=last_year,
    )


def _last_year_report(plan: Plan, report: ProgressReport) -> ProgressReport | None:
    if plan.start_date.year >= report.year:
        return None
    return progress_report(plan, report.year - 1, 12, region=report.region)


def _last_year_monthly(last: ProgressReport | None, target_id: int, region_id: int | None) -> MonthMap | None:
    if last is None:
        return None
    cell = last.totals.get(target_id) if region_id is None else last.cell(target_id, region_id)
    return cell.monthly if cell is not None else None
