"""The arithmetic of progress: cumulative figures, completion and schedule rates, status and rank.

Pure functions over numbers, no database and no models: `targets/engine/report.py` loads the figures and calls
`evaluate()` for every cell the product shows. Rates are percentages kept at full precision; rounding happens
only when they are formatted (`targets/formatting.py`).

Formulas (see DOMAIN.md):
- 完成率 = cumulative ÷ target * 100 (lower-is-better targets: target ÷ cumulative * 100).
- 序时进度 = months elapsed ÷ months until the due month * 100, capped at 100.
- 序时差 = 完成率 - 序时进度, in percentage points.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import TypeVar

from targets.engine.kinds import (
    KINDS,
    MILESTONE,
    MILESTONE_STATUS_DONE,
    MILESTONE_STATUS_IN_PROGRESS,
    SPECS,
    WINDOW_LATEST,
    WINDOW_NONE,
    WINDOW_QUARTER,
    effective_kind,
    quarter_start,
    spec,
)
from targets.engine.status import Status

HUNDRED = Decimal(100)
DEFAULT_LAG_POINTS = Decimal(10)

K = TypeVar("K")


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

    `kind` is the effective kind (COUNT: a per-quarter count; `evaluate()` treats other counts as flows).
    """
    _check_kind(kind)
    _check_month(month)
    window = SPECS[kind].window
    if window == WINDOW_NONE:
        return None
    if window == WINDOW_LATEST:
        return HUNDRED
    if window == WINDOW_QUARTER:
        return _share(month - quarter_start(month) + 1, 3)
    return _share(month - start_month + 1, (due_month or 12) - start_month + 1)


def _share(elapsed: int, total: int) -> Decimal:
    if total <= 0:
        return HUNDRED
    elapsed = min(max(elapsed, 0), total)
    return Decimal(elapsed) * HUNDRED / Decimal(total)


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


def cumulative_value(
    *, kind: str, figures: Mapping[int, Decimal | None], month: int, start_month: int = 1
) -> Decimal | None:
    """累计 at the end of `month`; None when nothing was reported in the window that counts."""
    _check_kind(kind)
    meaning = SPECS[kind]
    if not meaning.sums:
        return latest_value(figures, month)
    first = meaning.window_start(month, start_month)
    return sum_or_none(figures.get(m) for m in range(first, month + 1))


def cumulative_before(
    *, kind: str, period: str | None, figures: Mapping[int, Decimal | None], month: int, start_month: int = 1
) -> Decimal | None:
    """What already counts against the period's target before `month`'s own figure: the months of the same
    window (the year so far, or the quarter so far for a per-quarter count). The save-time checks use it, so
    a figure is judged with the same arithmetic the pages show."""
    meaning = spec(kind, period)
    if not meaning.sums:
        return None
    first = meaning.window_start(month, start_month)
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
