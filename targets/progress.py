"""The arithmetic of progress: cumulative figures, completion and schedule rates, status and rank.

Pure functions over numbers, no database and no models: `targets/queries.py` loads the figures and calls
`evaluate()` for every cell the product shows. Rates are percentages kept at full precision; rounding happens
only when they are formatted (`targets/formatting.py`).

Formulas (see DOMAIN.md):
- 完成率 = cumulative ÷ target * 100 (lower-is-better targets: target ÷ cumulative * 100).
- 序时进度 = months elapsed ÷ months until the due month * 100, capped at 100.
- 序时差 = 完成率 - 序时进度, in percentage points.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import TypeVar

# The values of Target.Kind and Target.Period, repeated here so this module needs no Django.
FLOW = "flow"
COUNT = "count"
STOCK = "stock"
RATIO = "ratio"
MILESTONE = "milestone"
KINDS = (FLOW, COUNT, STOCK, RATIO, MILESTONE)
QUARTER = "quarter"

# The values of MonthlyFigure.MilestoneStatus.
MILESTONE_STATUS_DONE = "done"
MILESTONE_STATUS_IN_PROGRESS = "in_progress"

HUNDRED = Decimal(100)
DEFAULT_LAG_POINTS = Decimal(10)

K = TypeVar("K")


class Status(enum.StrEnum):
    """Where a target stands. Everything that shows a status reads its presentation from here: `label` (what
    people read), `css` (the Bootstrap colour on pages), `colour` (the family used in files: green, blue, amber,
    red, grey), `fill` (its hex shade in Word and Excel), `chart` (the bar colour), `hatch` (the Plotly pattern,
    readable without colour) and `mark` (a printable sign)."""

    DONE = "done"
    ON_TRACK = "on_track"
    LAGGING = "lagging"
    SEVERE = "severe"
    NOT_REPORTED = "not_reported"
    NOT_TRACKED = "not_tracked"
    NO_TASK = "no_task"
    MILESTONE_DONE = "milestone_done"
    MILESTONE_ON_TIME = "milestone_on_time"
    MILESTONE_OVERDUE = "milestone_overdue"
    MILESTONE_NOT_STARTED = "milestone_not_started"

    @property
    def label(self) -> str:
        return _PRESENTATION[self][0]

    @property
    def severity(self) -> int:
        """0 = nothing to worry about … 3 = needs attention; sort descending to list the worst first."""
        return _PRESENTATION[self][1]

    @property
    def css(self) -> str:
        return _PRESENTATION[self][2]

    @property
    def colour(self) -> str:
        return _CSS_FAMILY[self.css]

    @property
    def fill(self) -> str:
        return _FAMILY_FILL[self.colour]

    @property
    def chart(self) -> str:
        return CSS_CHART[self.css]

    @property
    def hatch(self) -> str:
        return _PRESENTATION[self][3]

    @property
    def mark(self) -> str:
        return _PRESENTATION[self][4]

    @property
    def is_milestone(self) -> bool:
        return self.value.startswith("milestone_")

    @property
    def meets_schedule(self) -> bool:
        """达到序时进度: done, on track, or a milestone done or still on time."""
        return self in _MEETS_SCHEDULE

    @property
    def is_tracked(self) -> bool:
        """Counted in a month's judgement: not 无任务 and not a target nobody reports monthly."""
        return self not in (Status.NO_TASK, Status.NOT_TRACKED)


# status → (label, severity, Bootstrap colour, Plotly hatch, printable mark)
_PRESENTATION = {
    Status.DONE: ("已完成", 0, "success", "", "✔"),
    Status.ON_TRACK: ("正常", 1, "primary", "", ""),
    Status.LAGGING: ("滞后", 2, "warning", "/", "◆"),
    Status.SEVERE: ("严重滞后", 3, "danger", "x", "▲"),
    Status.NOT_REPORTED: ("未报", 3, "secondary", ".", "○"),
    Status.NOT_TRACKED: ("不按月统计", 0, "light", "", ""),
    Status.NO_TASK: ("无任务", 0, "light", "", ""),
    Status.MILESTONE_DONE: ("已完成", 0, "success", "", "✔"),
    Status.MILESTONE_ON_TIME: ("推进中", 1, "primary", "", ""),
    Status.MILESTONE_OVERDUE: ("逾期", 3, "danger", "x", "▲"),
    Status.MILESTONE_NOT_STARTED: ("未启动", 1, "secondary", "", ""),
}
_CSS_FAMILY = {
    "success": "green",
    "primary": "blue",
    "warning": "amber",
    "danger": "red",
    "secondary": "grey",
    "light": "grey",
}
_FAMILY_FILL = {"green": "C6EFCE", "blue": "BDD7EE", "amber": "FFEB9C", "red": "FFC7CE", "grey": "E7E6E6"}
# Bootstrap colours as hex, so that charts, badges and table rows agree.
CSS_CHART = {
    "success": "#198754",
    "primary": "#0d6efd",
    "warning": "#ffc107",
    "danger": "#dc3545",
    "secondary": "#6c757d",
    "light": "#ced4da",
}

_MEETS_SCHEDULE = frozenset({Status.DONE, Status.ON_TRACK, Status.MILESTONE_DONE, Status.MILESTONE_ON_TIME})


@dataclass(frozen=True)
class Progress:
    """One target for one holder at the end of one month."""

    target: Decimal | None  # the target for the period evaluated (a quarter's for quarterly counts)
    this_month: Decimal | None  # 本月完成 (or the month-end value of a stock or ratio)
    cumulative: Decimal | None  # 累计完成; the latest value for stock and ratio targets
    completion_rate: Decimal | None  # 完成率, percent
    schedule_rate: Decimal | None  # 序时进度, percent
    schedule_gap: Decimal | None  # 序时差 = completion_rate - schedule_rate, points
    status: Status
    reported: bool  # a figure exists for the month
    schedule_target: Decimal | None = None  # 序时目标值 = target * schedule_rate

    @property
    def meets_schedule(self) -> bool:
        return self.status.meets_schedule


def schedule_rate(*, kind: str, month: int, due_month: int | None = None, start_month: int = 1) -> Decimal | None:
    """序时进度 in percent at the end of `month`, within [0, 100]; None for milestones.

    `kind` COUNT here means a per-quarter count: `evaluate()` treats counts of other periods as flows.
    """
    _check_kind(kind)
    _check_month(month)
    if kind == MILESTONE:
        return None
    if kind in (STOCK, RATIO):
        return HUNDRED
    if kind == COUNT:
        return _share(month - quarter_start(month) + 1, 3)
    return _share(month - start_month + 1, (due_month or 12) - start_month + 1)


def _share(elapsed: int, total: int) -> Decimal:
    if total <= 0:
        return HUNDRED
    elapsed = min(max(elapsed, 0), total)
    return Decimal(elapsed) * HUNDRED / Decimal(total)


def quarter_start(month: int) -> int:
    """The first month of the quarter `month` falls in: 1, 4, 7 or 10."""
    return (month - 1) // 3 * 3 + 1


def evaluate(
    *,
    kind: str,
    period: str | None,
    target: Decimal | None,
    figures: Mapping[int, Decimal | None],
    month: int,
    due_month: int | None = None,
    start_month: int = 1,
    higher_is_better: bool = True,
    lag_points: Decimal = DEFAULT_LAG_POINTS,
    milestone_status: str = "",
    milestone_date: dt.date | None = None,
    due_date: dt.date | None = None,
    as_of: dt.date | None = None,
    tracked: bool = True,
) -> Progress:
    """Where one target stands at the end of `month`.

    `figures` maps month → that month's value; a missing month (or None) was not reported (未报). `as_of` is
    the day a milestone is judged on: the end of the month viewed, never the real clock, so a month's answer
    stays the same whenever it is asked. `tracked` False: nobody reports the target monthly, so a missing
    figure is 不按月统计, not 未报.
    """
    if kind == MILESTONE:
        result = _evaluate_milestone(target, milestone_status, milestone_date, due_date, as_of)
        if not tracked and not result.reported:
            return replace(result, status=Status.NOT_TRACKED)
        return result
    kind = effective_kind(kind, period)
    cumulative = cumulative_value(kind=kind, figures=figures, month=month, start_month=start_month)
    schedule = schedule_rate(kind=kind, month=month, due_month=due_month, start_month=start_month)
    completion = completion_rate(cumulative, target, higher_is_better=higher_is_better)
    this_month = figures.get(month)
    return Progress(
        target=target,
        this_month=this_month,
        cumulative=cumulative,
        completion_rate=completion,
        schedule_rate=schedule,
        schedule_gap=None if completion is None else completion - schedule,
        status=_status(target, cumulative, completion, schedule, lag_points, tracked),
        reported=this_month is not None,
        schedule_target=None if target is None else target * schedule / HUNDRED,
    )


def effective_kind(kind: str, period: str | None) -> str:
    """Counts are per quarter only when the period says so; other counts add up like flows."""
    if kind == COUNT and period != QUARTER:
        return FLOW
    return kind


def cumulative_value(
    *, kind: str, figures: Mapping[int, Decimal | None], month: int, start_month: int = 1
) -> Decimal | None:
    """累计 at the end of `month`; None when nothing was reported in the window that counts."""
    _check_kind(kind)
    if kind in (STOCK, RATIO):
        return latest_value(figures, month)
    first = max(quarter_start(month), start_month) if kind == COUNT else start_month
    return sum_or_none(figures.get(m) for m in range(first, month + 1))


def cumulative_before(
    *, kind: str, period: str | None, figures: Mapping[int, Decimal | None], month: int, start_month: int = 1
) -> Decimal | None:
    """What already counts against the period's target before `month`'s own figure: the months of the same
    window (the year so far, or the quarter so far for a per-quarter count). The save-time checks use it, so
    a figure is judged with the same arithmetic the pages show."""
    kind = effective_kind(kind, period)
    if kind not in (FLOW, COUNT):
        return None
    first = max(quarter_start(month), start_month) if kind == COUNT else start_month
    return sum_or_none(figures.get(m) for m in range(first, month))


def carried_forward(figures: Mapping[int, Decimal | None], last_month: int = 12) -> dict[int, Decimal]:
    """A stock's (or ratio's) latest value standing in every month after it, up to `last_month`."""
    carried, latest = {}, None
    for m in range(1, last_month + 1):
        if figures.get(m) is not None:
            latest = figures[m]
        if latest is not None:
            carried[m] = latest
    return carried


def latest_value(figures: Mapping[int, Decimal | None], month: int) -> Decimal | None:
    """The value of `month`, or the latest reported before it."""
    months = [m for m, value in figures.items() if m <= month and value is not None]
    return figures[max(months)] if months else None


def completion_rate(
    cumulative: Decimal | None, target: Decimal | None, *, higher_is_better: bool = True
) -> Decimal | None:
    """完成率 in percent. None when there is nothing to divide: no figure, no target, a zero target
    (nothing to do, so it counts as done) or a zero figure against a lower-is-better target (met)."""
    if cumulative is None or target is None:
        return None
    if higher_is_better:
        return None if target == 0 else cumulative * HUNDRED / target
    return None if cumulative == 0 else target * HUNDRED / cumulative


def classify_schedule(completion: Decimal, schedule: Decimal | None, lag_points: Decimal) -> Status:
    """Met (≥ 100) → DONE; at or above schedule → ON_TRACK; ≤ `lag_points` below → LAGGING; else SEVERE."""
    if completion >= HUNDRED:
        return Status.DONE
    gap = completion - (HUNDRED if schedule is None else schedule)
    if gap >= 0:
        return Status.ON_TRACK
    if gap >= -lag_points:
        return Status.LAGGING
    return Status.SEVERE


def _status(
    target: Decimal | None,
    cumulative: Decimal | None,
    completion: Decimal | None,
    schedule: Decimal | None,
    lag_points: Decimal,
    tracked: bool = True,
) -> Status:
    if target is None:
        return Status.NO_TASK
    if cumulative is None:
        return Status.NOT_REPORTED if tracked else Status.NOT_TRACKED
    if completion is None:  # a zero target, or zero against a lower-is-better target: nothing left to do
        return Status.DONE
    return classify_schedule(completion, schedule, lag_points)


def classify_milestone(milestone_status: str, due_date: dt.date | None, as_of: dt.date | None) -> Status:
    """Done; otherwise overdue once `as_of` is past the due date; otherwise in progress or not started."""
    if milestone_status == MILESTONE_STATUS_DONE:
        return Status.MILESTONE_DONE
    if due_date is not None and as_of is not None and as_of > due_date:
        return Status.MILESTONE_OVERDUE
    if milestone_status == MILESTONE_STATUS_IN_PROGRESS:
        return Status.MILESTONE_ON_TIME
    return Status.MILESTONE_NOT_STARTED


def _evaluate_milestone(
    target: Decimal | None,
    milestone_status: str,
    milestone_date: dt.date | None,
    due_date: dt.date | None,
    as_of: dt.date | None,
) -> Progress:
    return Progress(
        target=target,
        this_month=None,
        cumulative=None,
        completion_rate=None,
        schedule_rate=None,
        schedule_gap=None,
        status=classify_milestone(milestone_status, due_date, as_of),
        reported=bool(milestone_status) or milestone_date is not None,
    )


def rank(values: Mapping[K, Decimal | None]) -> dict[K, int | None]:
    """Competition ranking, highest value first (1, 2, 2, 4); None is unranked and listed last."""
    ordered = sorted((v for v in values.values() if v is not None), reverse=True)
    first_position: dict[Decimal, int] = {}
    for position, value in enumerate(ordered, start=1):
        first_position.setdefault(value, position)
    ranks = {key: None if value is None else first_position[value] for key, value in values.items()}
    return dict(sorted(ranks.items(), key=lambda item: (item[1] is None, item[1] or 0)))


def rank_change(previous: int | None, current: int | None) -> int | None:
    """位次变化: positive when the holder moved up (5th → 3rd is +2); None when either rank is missing."""
    if previous is None or current is None:
        return None
    return previous - current


def sum_or_none(values: Iterable[Decimal | None]) -> Decimal | None:
    """The sum of the values present; None when none is."""
    present = [v for v in values if v is not None]
    return sum(present, Decimal(0)) if present else None


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"unknown target kind: {kind!r}")


def _check_month(month: int) -> None:
    if not 1 <= month <= 12:
        raise ValueError(f"month out of range: {month!r}")


# =============================================================================================================
# Projected year-end outcome (预计全年完成). Issue 14; kept apart from the arithmetic above.
#
# - Flows: cumulative ÷ months elapsed × months in the year (up to the due month); where last year's monthly
#   figures exist, cumulative ÷ the share of last year's total that last year had reached by the same month.
# - Per-quarter counts: the same within the current quarter.
# - Stocks and ratios: the trend of recent values (least-squares line through the last reported months,
#   extended to the due month); one value alone is its own projection.
# - Milestones: done, or still on time (not past the due date) — or not.
# =============================================================================================================

SHORTFALL_LABEL = "按当前进度预计无法完成"
TREND_WINDOW = 3

METHOD_PACE = "pace"
METHOD_LAST_YEAR = "last_year"
METHOD_TREND = "trend"
METHOD_MILESTONE = "milestone"

METHOD_LABELS = {
    METHOD_PACE: "按当前月均进度推算：累计完成 ÷ 已过月数 × 全年月数",
    METHOD_LAST_YEAR: "按上年同期进度推算：累计完成 ÷ 上年同期累计占上年全年的比例",
    METHOD_TREND: "按近期走势推算：最近几个月数值的线性趋势延伸至年末",
    METHOD_MILESTONE: "按完成时限判断：已完成或尚未逾期视为可按时完成",
}


@dataclass(frozen=True)
class Projection:
    """Where one target is expected to stand at its due month (the year end by default)."""

    value: Decimal | None  # projected cumulative (flows) or value (stocks, ratios); None for milestones
    completion_rate: Decimal | None  # projected 完成率, percent
    will_meet: bool | None  # None: nothing to project from (no target or no figure)
    method: str

    @property
    def shortfall(self) -> bool:
        """按当前进度预计无法完成."""
        return self.will_meet is False

    @property
    def method_label(self) -> str:
        return METHOD_LABELS[self.method]


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
        return Projection(None, None, status != Status.MILESTONE_OVERDUE, METHOD_MILESTONE)
    kind = effective_kind(kind, period)
    if kind in (STOCK, RATIO):
        value, method = project_trend(figures=figures, month=month, due_month=due_month), METHOD_TREND
    elif kind == COUNT:
        value, method = project_quarter(figures=figures, month=month), METHOD_PACE
    else:
        value, method = project_flow(
            figures=figures, month=month, due_month=due_month, start_month=start_month, last_year=last_year
        )
    rate = completion_rate(value, target, higher_is_better=higher_is_better)
    return Projection(value, rate, _will_meet(value, target, higher_is_better), method)


def _will_meet(value: Decimal | None, target: Decimal | None, higher_is_better: bool) -> bool | None:
    if value is None or target is None:
        return None
    return value >= target if higher_is_better else value <= target
