"""Entry basis (填报口径): figures typed as 1—N月累计 become the month's figure before anything is checked.

Figures are always stored per month (the engine sums them). A cumulative entry of a summed target is turned
into "the cumulative minus what is already recorded for the earlier months of its window": the year so far,
or the quarter so far for a per-quarter count (the window is the kind's, `targets.engine.kinds`), so a reporter
who types the quarter's cumulative of a per-quarter target is not read as a 核减:
- nothing recorded before (a first report in March): the month holds the whole cumulative and is marked
  含前期累计 (includes_prior), no January or February is invented;
- lower than what is recorded (核减): the month is negative, marked is_correction, and needs a remark.
Stock and ratio targets are month-end values on either basis; milestones have no number.

`month_from_cumulative` is pure; `entries_as_monthly` reads the earlier months and is called by
`figures_save` before its checks.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from decimal import Decimal

from targets.engine import spec


@dataclass(frozen=True)
class MonthFigure:
    value: Decimal | None
    includes_prior: bool = False
    is_correction: bool = False


def is_summed(kind: str, period: str | None = None) -> bool:
    return spec(kind, period).sums


def window_before(
    monthly: dict[int, Decimal | None], *, kind: str, period: str | None, month: int, start_month: int
) -> tuple[list[Decimal | None], bool]:
    """The recorded figures of the months before `month` in its cumulative window, and whether `month` opens
    the window (a first report of the window cannot include earlier months)."""
    first = spec(kind, period).window_start(month, start_month)
    return [monthly[m] for m in sorted(monthly) if first <= m < month], month == first


def month_from_cumulative(
    cumulative: Decimal | None, *, kind: str, before: list[Decimal | None], first_month: bool
) -> MonthFigure:
    """The month's figure for a cumulative typed in; `before` = the recorded figures of the earlier months."""
    if cumulative is None or not is_summed(kind):
        return MonthFigure(cumulative)
    recorded = [v for v in before if v is not None]
    if not recorded and not first_month:
        return MonthFigure(cumulative, includes_prior=True)
    value = cumulative - sum(recorded, Decimal(0))
    return MonthFigure(value, is_correction=value < 0)


def cumulative_through(value: Decimal | None, *, kind: str, before: list[Decimal | None]) -> Decimal | None:
    """What a cumulative grid shows for a stored month figure (the inverse of `month_from_cumulative`)."""
    if value is None or not is_summed(kind):
        return value
    return value + sum((v for v in before if v is not None), Decimal(0))


def entries_as_monthly(entries: list, allocations: dict, *, plan, year: int, month: int) -> list:
    """Convert the entries marked `cumulative` to month figures (one query for the earlier months).

    Raises ReportingError when a 核减 has no remark. Entries not marked, or of unknown allocations (refused by
    the checks that follow), pass unchanged.
    """
    from targets.errors import ReportingError
    from targets.models import MonthlyFigure

    marked = [e for e in entries if e.cumulative and e.allocation_id in allocations]
    if not marked:
        return entries
    before: dict[int, dict[int, Decimal | None]] = {}
    rows = MonthlyFigure.objects.filter(allocation_id__in=[e.allocation_id for e in marked], month__lt=month)
    for allocation_id, m, value in rows.values_list("allocation_id", "month", "value"):
        before.setdefault(allocation_id, {})[m] = value
    start = plan.first_month(year)
    converted, errors = [], []
    for entry in entries:
        if entry not in marked:
            converted.append(entry)
            continue
        target = allocations[entry.allocation_id].target
        kind = spec(target.kind, target.period)
        earlier, first = window_before(
            before.get(entry.allocation_id, {}), kind=target.kind, period=target.period, month=month, start_month=start
        )
        figure = month_from_cumulative(entry.value, kind=kind.kind, before=earlier, first_month=first)
        if figure.is_correction and not entry.remark.strip():
            errors.append(
                f"“{target.name}”：{kind.window_words(month, start)}{entry.value.normalize():f}低于此前已报累计，"
                "属于核减，请在备注中说明原因后再保存"
            )
        original = month_from_cumulative(entry.original_value, kind=kind.kind, before=earlier, first_month=first)
        converted.append(
            dataclasses.replace(
                entry,
                value=figure.value,
                includes_prior=figure.includes_prior,
                is_correction=figure.is_correction,
                original_value=original.value,
                cumulative=False,
            )
        )
    if errors:
        raise ReportingError(errors)
    return converted


CUMULATIVE = "cumulative"  # plans.Plan.EntryBasis.CUMULATIVE


def row_is_cumulative(*, plan_basis: str, target_basis: str | None, kind: str) -> bool:
    """Whether a row is typed as 1—N月累计: the target's own 填报口径 when set, else the plan's; a milestone never."""
    basis = plan_basis if target_basis in (None, "") else target_basis
    return basis == CUMULATIVE and kind != "milestone"


def cumulative_target_ids(plan) -> frozenset[int]:
    """The plan's targets whose figures are typed as 1—N月累计, row by row (1 query)."""
    from targets.models import Target

    rows = Target.objects.filter(key_task__plan=plan).values_list("id", "entry_basis", "kind")
    return frozenset(
        pk for pk, basis, kind in rows if row_is_cumulative(plan_basis=plan.entry_basis, target_basis=basis, kind=kind)
    )
