"""The progress engine's one read: where every target of a plan stands at the end of a month.

`progress_report()` loads a plan's allocations and figures for a year in a fixed number of queries
(independent of the number of regions and targets), rolls county figures up into their city and city
figures into the province, and evaluates each cell with the pure arithmetic of `targets/engine/arithmetic.py`.
The grid, dashboards, circulars and the API all read progress from here.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q

from plans.models import Plan, Region
from targets.engine.arithmetic import (
    Progress,
    carried_forward,
    classify_schedule,
    completion_rate,
    cumulative_value,
    evaluate,
    latest_value,
    rank,
    sum_or_none,
)
from targets.engine.arithmetic import cumulative_before as _cumulative_before
from targets.engine.kinds import MILESTONE, MILESTONE_STATUS_DONE, MILESTONE_STATUS_IN_PROGRESS, RATIO, STOCK
from targets.engine.rows import Cell, MonthMap, ProgressRow, TargetRow
from targets.engine.status import Status
from targets.models import Allocation, MonthlyFigure, Target


@dataclass
class ProgressReport:
    plan: Plan
    year: int
    month: int
    region: Region  # the region whose children are compared (the plan region by default)
    targets: list[TargetRow]
    regions: list[Region]  # the peers being ranked
    cells: dict[tuple[int, int], Cell]  # (target_id, region_id)
    totals: dict[int, Cell]  # target_id → the whole region
    # The data version of each peer the report was read at (region id → version), set by
    # targets/report_cache.py: which peers' cells a later build of the same report may reuse.
    peer_versions: dict[int, str] = field(default_factory=dict)

    def cell(self, target_id: int, region_id: int) -> Cell | None:
        return self.cells.get((target_id, region_id))

    def target_cells(self, target_id: int) -> list[Cell]:
        """Cells of one target in rank order, regions without a task last."""
        cells = [self.cells[(target_id, r.id)] for r in self.regions if (target_id, r.id) in self.cells]
        return sorted(cells, key=lambda c: (c.rank is None, c.rank or 0))

    def region_cells(self, region_id: int) -> list[Cell]:
        return [self.cells[(t.id, region_id)] for t in self.targets if (t.id, region_id) in self.cells]

    def region_name(self, region_id: int | None) -> str:
        if region_id is None or region_id == self.region.id:
            return self.region.name
        return next((r.name for r in self.regions if r.id == region_id), "")

    def total_row(self, target: TargetRow) -> ProgressRow:
        """The target over the whole region viewed."""
        return ProgressRow.of(target, self.totals[target.id], self.region.name)

    def ranked_rows(self, target: TargetRow) -> list[ProgressRow]:
        """The target's regions in rank order (regions without a task are not listed)."""
        return [ProgressRow.of(target, c, self.region_name(c.region_id)) for c in self.target_cells(target.id)]

    def region_row(self, target: TargetRow, region_id: int) -> ProgressRow | None:
        cell = self.cell(target.id, region_id)
        return None if cell is None else ProgressRow.of(target, cell, self.region_name(region_id))

    def series(self, target: TargetRow, cell: Cell) -> list[tuple[int, Progress]]:
        """Where `cell` stood at the end of each month of the year up to the report's month, from the figures
        already loaded (no query): trends and sparklines read this, nobody re-spells month - 1."""
        first = self.plan.first_month(self.year)
        return [
            (m, evaluate_target(self.plan, self.year, m, target, cell.progress.target, cell.monthly, None))
            for m in range(first, self.month + 1)
        ]

    def status_counts(self) -> dict[str, int]:
        counts: dict[str, int] = defaultdict(int)
        for cell in self.totals.values():
            counts[cell.progress.status.value] += 1
        return dict(counts)


def targets_of(plan: Plan, year: int | None = None) -> list[TargetRow]:
    """The plan's targets in document order (1 query)."""
    rows = (
        Target.objects.filter(key_task__plan=plan)
        .annotate(has_range=Exists(Allocation.objects.filter(target=OuterRef("pk"), value_max__isnull=False)))
        .select_related("key_task", "assessment_set_by")
        .prefetch_related("key_task__department_links__department")
        .order_by("key_task__number", "number")
    )
    years = list(plan.years)
    index = years.index(year) if year in years else 0  # whole units split by largest remainder: years differ
    return [_target_row(t, len(years), index) for t in rows]


def _target_row(t: Target, plan_years: int, year_index: int = 0) -> TargetRow:
    leads = [link.department.name for link in t.key_task.department_links.all() if link.role == "lead"]
    return TargetRow(
        id=t.id,
        code=f"{t.key_task.number}-{t.number}",
        key_task_number=t.key_task.number,
        key_task_title=t.key_task.title,
        number=t.number,
        name=t.name,
        unit=t.unit,
        kind=t.kind,
        kind_label=t.get_kind_display(),
        period=t.period,
        qualifier=t.qualifier,
        display_value=t.display_value(),
        higher_is_better=t.higher_is_better,
        due_month=t.due_month,
        lead_department=leads[0] if leads else "",
        is_reported=t.is_reported,
        value=t.value,
        yearly_value=t.yearly_share(plan_years, year_index),
        assessment=t.assessment_statement if not t.is_reported else t.assessment,
        per_unit_level=t.per_unit_level if t.per_unit_level in Target.REGION_PER_UNIT_LEVELS else "",
        per_unit_label=t.get_per_unit_level_display() if t.per_unit_level else "",
        reading_note=t.reading_note,
        readings=tuple(t.readings or ()),
        has_range=getattr(t, "has_range", False),
    )


def peer_regions(plan: Plan, region: Region | None = None) -> list[Region]:
    """The regions ranked against each other: the children of `region` (the plan region by default)."""
    parent = region or plan.region
    children = list(Region.objects.filter(parent=parent).order_by("sort_order", "code"))
    return children or [parent]


# The cells of peers known unchanged since an earlier report of the same (plan, year, month, region):
# region id → target id → cell.
ReusedCells = Mapping[int, Mapping[int, "Cell"]]


def progress_report(
    plan: Plan,
    year: int,
    month: int,
    *,
    region: Region | None = None,
    reuse: ReusedCells | None = None,
    peers: list[Region] | None = None,
) -> ProgressReport:
    """Where every target of `plan` stands at the end of `month`, for the children of `region`.

    A pure function of (plan, month, data): nothing here reads the clock, so the report of a month says the
    same whenever it is built (milestones are judged as of the month's last day).

    Reads only the peers' own allocations and figures plus the rollups of what lies below them, so the cost
    does not depend on how many counties there are. Queries: targets (2), regions (1), allocations (1),
    figures (1), rollups (1) — constant in the number of regions and targets.

    `reuse`: the cells of peers whose data has not changed since an earlier report of the same (plan, year,
    month, region) (targets/report_cache.py knows which, from the data versions). Those peers are neither read
    nor evaluated again; the totals and ranks are, over every peer. The report is the same as a full build.
    `peers`: `peer_regions(plan, region)` when the caller has already read them.
    """
    parent = region or plan.region
    peers = peers if peers is not None else peer_regions(plan, parent)
    reuse = {} if reuse is None or peers == [parent] else reuse
    fresh = [r.id for r in peers if r.id not in reuse]
    holders = [*fresh, parent.id]
    targets = targets_of(plan, year)
    target_ids = [t.id for t in targets]
    allocations = list(  # by target ids rather than a join to the plan, so the region indexes are used
        Allocation.objects.filter(target_id__in=target_ids, year=year)
        .filter(Q(region_id__in=holders) | Q(region__isnull=True))
        .values("id", "target_id", "region_id", "value", "value_max", "department_id")
    )
    figures = _figures_by_allocation([a["id"] for a in allocations], month)
    rollups = _rollups(target_ids, year, month, fresh) if fresh else {}
    builder = _ReportBuilder(plan, year, month, parent, peers, targets, allocations, figures, rollups)
    return builder.build(reuse)


@dataclass
class _Below:
    """What the roll-ups say of the holders strictly below a region for one target."""

    value: Decimal | None = None  # the sum of their allocations
    holders: int = 0  # how many allocations below
    monthly: MonthMap = field(default_factory=dict)  # month → sum (stocks and ratios: carried forward)
    reported: dict[int, int] = field(default_factory=dict)  # month → how many figures make the sum


def _rollups(target_ids: list[int], year: int, month: int, region_ids: list[int]) -> dict[tuple[int, int], _Below]:
    from targets.models import Rollup

    result: dict[tuple[int, int], _Below] = {}
    rows = Rollup.objects.filter(
        target_id__in=target_ids, year=year, region_id__in=region_ids, month__lte=month
    ).values_list("target_id", "region_id", "month", "value", "reported")
    for target_id, region_id, m, value, reported in rows:
        if reported <= 0:
            continue
        entry = result.setdefault((target_id, region_id), _Below())
        if m == 0:
            entry.value, entry.holders = value, reported
        else:
            entry.monthly[m], entry.reported[m] = value, reported
    return result


def _figures_by_allocation(allocation_ids: list[int], month: int) -> dict[int, dict]:
    result: dict[int, dict] = defaultdict(lambda: {"monthly": {}, "milestone": None, "remark": ""})
    rows = (
        MonthlyFigure.objects.filter(allocation_id__in=allocation_ids, month__lte=month)
        .values_list("allocation_id", "month", "value", "milestone_status", "milestone_date", "remark")
        .order_by("allocation_id", "month")
    )
    for allocation_id, m, value, status, date, remark in rows.iterator(chunk_size=5000):
        entry = result[allocation_id]
        entry["monthly"][m] = value
        if status:
            entry["milestone"] = (status, date)
        if m == month:
            entry["remark"] = remark
    return result


class _ReportBuilder:
    """Evaluates every (target, peer) cell and each target's total by the rule of the target's kind:

    - flow / count: the sum of the holders below plus the region's own figures;
    - stock: every holder's latest value, carried forward and summed; holders who never reported are counted;
    - ratio: never a sum — the region's own value; without one, the peers' range is stated and nothing judged;
    - milestone: the region's own status; a total counts how many peers are done (N/M);
    - per-unit quota: each unit against the quota; the total against quota × units, with units reaching it;
      a quota given as a range (每个市1至2所) is judged unit by unit against its lower bound and its total
      invents no figure (“6/12个市达到下限”); without any unit's figure the total says 无数据.
    """

    def __init__(self, plan, year, month, parent, peers, targets, allocations, figures, rollups):
        self.plan, self.year, self.month, self.parent = plan, year, month, parent
        self.peers, self.targets, self.figures, self.rollups = peers, targets, figures, rollups
        self.by_target: dict[int, list[dict]] = defaultdict(list)
        for a in allocations:
            self.by_target[a["target_id"]].append(a)

    def build(self, reuse: ReusedCells) -> ProgressReport:
        cells: dict[tuple[int, int], Cell] = {}
        totals: dict[int, Cell] = {}
        for target in self.targets:
            for region in self.peers:
                if region.id in reuse:  # a copy: ranks are set anew below
                    found = reuse[region.id].get(target.id)
                    cell = None if found is None else replace(found, rank=None, previous_rank=None)
                else:
                    cell = self._region_cell(target, region)
                if cell is not None:
                    cells[(target.id, region.id)] = cell
            totals[target.id] = self._total_cell(target, cells)
            self._rank(target, cells)
        return ProgressReport(self.plan, self.year, self.month, self.parent, self.targets, self.peers, cells, totals)

    def _own_allocation(self, target: TargetRow, region: Region) -> dict | None:
        return next((a for a in self.by_target[target.id] if a["region_id"] == region.id), None)

    def _region_cell(self, target: TargetRow, region: Region) -> Cell | None:
        own = self._own_allocation(target, region) if region.id != self.parent.id or len(self.peers) == 1 else None
        below = self.rollups.get((target.id, region.id))
        if own is None and below is None:
            return None
        value = own["value"] if own else below.value
        cell = self._combine(target, value, [own] if own else [], below)
        if own and own["value_max"] is not None and not cell.note:
            cell.note = f"目标区间{_plain(own['value'])}—{_plain(own['value_max'])}{target.unit}，按下限判断"
        cell.region_id = region.id
        cell.allocation_id = own["id"] if own else None
        return cell

    def _combine(self, target: TargetRow, value, allocations: list[dict], below: _Below | None) -> Cell:
        """One holder's cell from its own allocations' figures and the roll-up of the holders below it."""
        own = _sum_monthly([self._monthly(a) for a in allocations])
        kind = target.effective_kind
        note, children, children_reported = "", None, None
        if kind == RATIO:
            monthly = own
            if below and below.monthly and latest_value(own, self.month) is None:
                note = f"本级未报；下级已报{below.reported.get(self.month, 0)}个"
        elif kind == STOCK:
            monthly = _sum_monthly([carried_forward(own, self.month), below.monthly if below else {}])
            if below:
                children = below.holders + len(allocations)
                children_reported = below.reported.get(self.month, 0) + sum(
                    1 for a in allocations if latest_value(self._monthly(a), self.month) is not None
                )
        else:
            monthly = _sum_monthly([own, below.monthly if below else {}])
        cell = self._evaluate_monthly(target, value, monthly, self._milestone(allocations))
        cell.remark = " ".join(r for r in (self._remark(a) for a in allocations) if r)
        cell.note, cell.children, cell.children_reported = note, children, children_reported
        return cell

    def _monthly(self, allocation: dict) -> MonthMap:
        return self.figures.get(allocation["id"], {}).get("monthly", {})

    def _remark(self, allocation: dict) -> str:
        return self.figures.get(allocation["id"], {}).get("remark", "")

    def _milestone(self, allocations: list[dict]) -> tuple | None:
        found = (self.figures.get(a["id"], {}).get("milestone") for a in allocations)
        return next((m for m in found if m), None)

    def _total_cell(self, target: TargetRow, cells: dict) -> Cell:
        rolled = [cells[(target.id, r.id)] for r in self.peers if (target.id, r.id) in cells]
        own = [a for a in self.by_target[target.id] if a["region_id"] == self.parent.id]
        if not rolled or self.peers == [self.parent]:
            peer_ids = {r.id for r in self.peers}
            top = [a for a in self.by_target[target.id] if a["region_id"] in peer_ids]
            departments = [a for a in self.by_target[target.id] if a["region_id"] is None]
            holders = own or top or departments
            value = self._total_target(target, rolled, own)
            return self._combine(target, value, holders, None)
        if target.per_unit_level and self._has_range(target):
            return self._per_unit_range_total(target, rolled)
        value = self._total_target(target, rolled, own)
        kind = target.effective_kind
        if kind == MILESTONE:
            return self._milestone_total(target, value, rolled, own)
        if kind == RATIO:
            return self._ratio_total(target, value, rolled, own)
        if kind == STOCK:
            monthly = _sum_monthly([carried_forward(c.monthly, self.month) for c in rolled])
        else:
            monthly = _sum_monthly([c.monthly for c in rolled])
        own_cell = self._combine(target, value, own, None) if own else None
        if own_cell is not None:
            monthly = _sum_monthly([monthly, own_cell.monthly])
        cell = self._evaluate_monthly(target, value, monthly, None)
        cell.remark = own_cell.remark if own_cell else ""
        if kind == STOCK:
            cell.children = len(rolled)
            cell.children_reported = sum(1 for c in rolled if c.progress.cumulative is not None)
        if target.per_unit_level:
            cell.children = len(rolled)
            cell.children_reported = sum(1 for c in rolled if c.progress.status == Status.DONE)
            cell.note = _per_unit_note(target, rolled, f"达到{target.per_unit_label}定额")
        return cell

    def _has_range(self, target: TargetRow) -> bool:
        """Known from the target, not from the allocations loaded: a rebuild loads only the changed peers'."""
        return target.has_range

    def _per_unit_range_total(self, target: TargetRow, rolled: list[Cell]) -> Cell:
        """每个市1至2所 over the cities: judged city by city against the lower bound; no total target is made
        up by summing lower bounds. The figures reported still add up (so many schools in all)."""
        carried = target.effective_kind == STOCK
        monthly = _sum_monthly([carried_forward(c.monthly, self.month) if carried else c.monthly for c in rolled])
        evaluated = self._evaluate_monthly(target, None, monthly, None)
        units = len(rolled)
        reached = sum(1 for c in rolled if c.progress.status == Status.DONE)
        reported = any(c.progress.cumulative is not None for c in rolled)
        if not reported:
            status = Status.NOT_REPORTED if target.is_reported else Status.NOT_TRACKED
        elif reached == units:
            status = Status.DONE
        elif not target.is_reported:
            status = Status.NOT_TRACKED
        else:  # judged by the share of units that reach their lower bound
            share = Decimal(reached) * 100 / units
            status = classify_schedule(share, evaluated.progress.schedule_rate, self.plan.lag_threshold_points)
        progress = replace(
            evaluated.progress,
            target=None,
            completion_rate=None,
            schedule_gap=None,
            schedule_target=None,
            status=status,
        )
        note = _per_unit_note(target, rolled, "达到下限")
        return Cell(target.id, None, progress, monthly=monthly, children=units, children_reported=reached, note=note)

    def _milestone_total(self, target: TargetRow, value, rolled: list[Cell], own: list[dict]) -> Cell:
        """A milestone over several regions: done when every one is; overdue past the due date otherwise."""
        if own and self._milestone(own):
            cell = self._combine(target, value, own, None)
        else:
            done = sum(1 for c in rolled if c.progress.status == Status.MILESTONE_DONE)
            started = any(c.progress.reported for c in rolled)
            status = MILESTONE_STATUS_DONE if done == len(rolled) else (MILESTONE_STATUS_IN_PROGRESS if started else "")
            cell = self._evaluate_monthly(target, value, {}, (status, None) if status else None)
        cell.children = len(rolled)
        cell.children_reported = sum(1 for c in rolled if c.progress.status == Status.MILESTONE_DONE)
        cell.note = f"{cell.children_reported}/{cell.children}已完成"
        return cell

    def _ratio_total(self, target: TargetRow, value, rolled: list[Cell], own: list[dict]) -> Cell:
        """A ratio is never summed: the region's own value, or, without one, the peers' range, unjudged."""
        cell = self._combine(target, value, own, None)
        values = [c.progress.cumulative for c in rolled if c.progress.cumulative is not None]
        cell.children, cell.children_reported = len(rolled), len(values)
        if cell.progress.cumulative is None and values:
            low, high = min(values), max(values)
            unit = target.unit or "%"
            cell.note = f"本级未报；各地{_plain(low)}{unit}—{_plain(high)}{unit}（{len(values)}/{len(rolled)}个已报）"
        return cell

    def _total_target(self, target: TargetRow, rolled: list[Cell], own: list[dict]) -> Decimal | None:
        if target.per_unit_level and rolled:
            return sum_or_none(c.progress.target for c in rolled)
        # a quota for each school or household (per_unit_label without a region level) is no plan-wide figure
        if self.parent.id == self.plan.region_id and target.yearly_value is not None and not target.per_unit_label:
            return target.yearly_value
        if own and own[0]["value"] is not None:
            return own[0]["value"]
        return sum_or_none(c.progress.target for c in rolled)

    def _evaluate_monthly(self, target: TargetRow, value, monthly: MonthMap, milestone) -> Cell:
        result = evaluate_target(self.plan, self.year, self.month, target, value, monthly, milestone)
        return Cell(target_id=target.id, region_id=None, progress=result, monthly=monthly)

    def _rank(self, target: TargetRow, cells: dict) -> None:
        mine = [cells[(target.id, r.id)] for r in self.peers if (target.id, r.id) in cells]
        current = rank({c.region_id: _rank_value(c.progress) for c in mine})
        previous = rank({c.region_id: self._previous_rate(target, c) for c in mine}) if self.month > 1 else {}
        for c in mine:
            c.rank = current.get(c.region_id)
            c.previous_rank = previous.get(c.region_id)

    def _previous_rate(self, target: TargetRow, cell: Cell) -> Decimal | None:
        """The completion rate at the end of the month before, for 位次变化: only the rate, none of the
        status arithmetic (at national scale this runs for every cell and was a quarter of a page)."""
        kind = target.effective_kind
        if kind == MILESTONE or not target.is_reported:
            return None
        cumulative = cumulative_value(
            kind=kind, figures=cell.monthly, month=self.month - 1, start_month=self.plan.first_month(self.year)
        )
        return completion_rate(cumulative, cell.progress.target, higher_is_better=target.higher_is_better)


def evaluate_target(
    plan: Plan,
    year: int,
    month: int,
    target: TargetRow,
    value: Decimal | None,
    monthly: MonthMap,
    milestone: tuple | None,
) -> Progress:
    """The single call into the arithmetic: every completion rate the product shows comes from here.

    Judged as of the last day of `month`: the real date never enters.
    """
    status, date = milestone or ("", None)
    return evaluate(
        kind=target.kind,
        period=target.period,
        target=value,
        figures={m: v for m, v in monthly.items() if m <= month},
        month=month,
        due_month=target.due_month,
        start_month=plan.first_month(year),
        higher_is_better=target.higher_is_better,
        lag_points=plan.lag_threshold_points,
        milestone_status=status,
        milestone_date=date,
        due_date=_due_date(year, target.due_month),
        as_of=month_end(year, month),
        tracked=target.is_reported,
    )


def cumulative_before(plan: Plan, year: int, month: int, target: TargetRow, monthly: MonthMap) -> Decimal | None:
    """What already counts towards `month`'s period target before its own figure (the quarter so far for a
    per-quarter count): the grid, the template and the save checks all ask this."""
    return _cumulative_before(
        kind=target.kind, period=target.period, figures=monthly, month=month, start_month=plan.first_month(year)
    )


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _rank_value(p: Progress) -> Decimal | None:
    if not p.status.is_tracked:
        return None
    return p.completion_rate if p.reported or p.cumulative is not None else None


def _sum_monthly(maps: list[MonthMap]) -> MonthMap:
    months: dict[int, list] = defaultdict(list)
    for m in maps:
        for month, value in m.items():
            months[month].append(value)
    return {month: sum_or_none(values) for month, values in sorted(months.items())}


def _per_unit_note(target: TargetRow, rolled: list[Cell], reaching: str) -> str:
    """How many units reach their quota (“6/12个市达到下限”), or 无数据 when no unit has a figure: missing
    figures say nothing about the world."""
    if not any(c.progress.cumulative is not None for c in rolled):
        return "无数据"
    reached = sum(1 for c in rolled if c.progress.status == Status.DONE)
    units = target.per_unit_label[1:] if target.per_unit_label.startswith("每") else "个"  # 每个市 → 个市
    return f"{reached}/{len(rolled)}{units}{reaching}"


def _plain(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _due_date(year: int, due_month: int | None) -> dt.date:
    return month_end(year, due_month or 12)
