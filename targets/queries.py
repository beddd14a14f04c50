"""The progress engine's reads: one place that says where every target stands.

`progress_report()` loads a plan's allocations and figures for a year in a fixed number of queries
(independent of the number of regions and targets), rolls county figures up into their city and city
figures into the province, and evaluates each cell with the pure arithmetic in `targets/progress.py`.
The grid, dashboards, circulars and the API all read progress from here.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q

from plans.models import KeyTask, Plan, Region
from targets import progress
from targets.models import Allocation, MonthlyFigure, Submission, Target

MonthMap = dict[int, Decimal | None]


@dataclass(frozen=True)
class TargetRow:
    id: int
    code: str  # "3-2": key task 3, target 2
    key_task_number: int
    key_task_title: str
    number: int
    name: str
    unit: str
    kind: str
    kind_label: str
    period: str | None
    qualifier: str
    display_value: str
    higher_is_better: bool
    due_month: int | None
    lead_department: str
    is_reported: bool
    value: Decimal | None
    yearly_value: Decimal | None  # the document's target for one year (a whole-plan target split evenly)


@dataclass
class Cell:
    """One target for one holder (a region, or the plan region as a whole)."""

    target_id: int
    region_id: int | None
    progress: progress.Progress
    allocation_id: int | None = None
    rank: int | None = None
    previous_rank: int | None = None
    remark: str = ""
    monthly: MonthMap = field(default_factory=dict)

    @property
    def rank_change(self) -> int | None:
        return progress.rank_change(self.previous_rank, self.rank)


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

    def cell(self, target_id: int, region_id: int) -> Cell | None:
        return self.cells.get((target_id, region_id))

    def target_cells(self, target_id: int) -> list[Cell]:
        """Cells of one target in rank order, regions without a task last."""
        cells = [self.cells[(target_id, r.id)] for r in self.regions if (target_id, r.id) in self.cells]
        return sorted(cells, key=lambda c: (c.rank is None, c.rank or 0))

    def region_cells(self, region_id: int) -> list[Cell]:
        return [self.cells[(t.id, region_id)] for t in self.targets if (t.id, region_id) in self.cells]

    def status_counts(self) -> dict[str, int]:
        counts: dict[str, int] = defaultdict(int)
        for cell in self.totals.values():
            counts[cell.progress.status.value] += 1
        return dict(counts)


def targets_of(plan: Plan) -> list[TargetRow]:
    """The plan's targets in document order (1 query)."""
    rows = (
        Target.objects.filter(key_task__plan=plan)
        .select_related("key_task")
        .prefetch_related("key_task__department_links__department")
        .order_by("key_task__number", "number")
    )
    plan_years = len(plan.years)
    return [_target_row(t, plan_years) for t in rows]


def _target_row(t: Target, plan_years: int) -> TargetRow:
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
        yearly_value=t.yearly_share(plan_years),
    )


def peer_regions(plan: Plan, region: Region | None = None) -> list[Region]:
    """The regions ranked against each other: the children of `region` (the plan region by default)."""
    parent = region or plan.region
    children = list(Region.objects.filter(parent=parent).order_by("sort_order", "code"))
    return children or [parent]


def progress_report(
    plan: Plan, year: int, month: int, *, region: Region | None = None, today: dt.date | None = None
) -> ProgressReport:
    """Where every target of `plan` stands at the end of `month`, for the children of `region`.

    Reads only the peers' own allocations and figures plus the rollups of what lies below them, so the cost
    does not depend on how many counties there are. Queries: targets (2), regions (1), allocations (1),
    figures (1), rollups (1) — constant in the number of regions and targets.
    """
    parent = region or plan.region
    peers = peer_regions(plan, parent)
    holders = [r.id for r in peers] + [parent.id]
    targets = targets_of(plan)
    target_ids = [t.id for t in targets]
    allocations = list(  # by target ids rather than a join to the plan, so the region indexes are used
        Allocation.objects.filter(target_id__in=target_ids, year=year)
        .filter(Q(region_id__in=holders) | Q(region__isnull=True))
        .values("id", "target_id", "region_id", "value", "department_id")
    )
    figures = _figures_by_allocation([a["id"] for a in allocations], month)
    rollups = _rollups(target_ids, year, month, [r.id for r in peers])
    builder = _ReportBuilder(plan, year, month, parent, peers, targets, allocations, figures, rollups, today)
    return builder.build()


def _rollups(target_ids: list[int], year: int, month: int, region_ids: list[int]) -> dict[tuple[int, int], dict]:
    """(target, region) → {"value": allocated below, "monthly": {month: sum reported below}}."""
    from targets.models import Rollup

    result: dict[tuple[int, int], dict] = defaultdict(lambda: {"value": None, "monthly": {}})
    rows = Rollup.objects.filter(
        target_id__in=target_ids, year=year, region_id__in=region_ids, month__lte=month
    ).values_list("target_id", "region_id", "month", "value", "reported")
    for target_id, region_id, m, value, reported in rows:
        if reported <= 0:
            continue
        entry = result[(target_id, region_id)]
        if m == 0:
            entry["value"] = value
        else:
            entry["monthly"][m] = value
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
    def __init__(self, plan, year, month, parent, peers, targets, allocations, figures, rollups, today):
        self.plan, self.year, self.month, self.parent = plan, year, month, parent
        self.peers, self.targets, self.figures, self.rollups = peers, targets, figures, rollups
        self.today = today or dt.date.today()
        self.by_target: dict[int, list[dict]] = defaultdict(list)
        for a in allocations:
            self.by_target[a["target_id"]].append(a)

    def build(self) -> ProgressReport:
        cells: dict[tuple[int, int], Cell] = {}
        totals: dict[int, Cell] = {}
        for target in self.targets:
            for region in self.peers:
                cell = self._region_cell(target, region, self.month)
                if cell is not None:
                    cells[(target.id, region.id)] = cell
            totals[target.id] = self._total_cell(target, cells)
            self._rank(target, cells)
        return ProgressReport(
            self.plan, self.year, self.month, self.parent, self.targets, self.peers, cells, totals
        )

    def _own_allocation(self, target: TargetRow, region: Region) -> dict | None:
        return next((a for a in self.by_target[target.id] if a["region_id"] == region.id), None)

    def _region_cell(self, target: TargetRow, region: Region, month: int) -> Cell | None:
        own = (
            self._own_allocation(target, region)
            if region.id != self.parent.id or len(self.peers) == 1
            else None
        )
        below = self.rollups.get((target.id, region.id)) if (target.id, region.id) in self.rollups else None
        if own is None and below is None:
            return None
        value = own["value"] if own else below["value"]
        if below and below["monthly"]:
            cell = self._evaluate_monthly(target, value, below["monthly"], None)
            cell.remark = self._remark(own)
        else:
            cell = self._evaluate(target, value, [own] if own else [], month)
        cell.region_id = region.id
        cell.allocation_id = own["id"] if own else None
        return cell

    def _remark(self, own: dict | None) -> str:
        return self.figures.get(own["id"], {}).get("remark", "") if own else ""

    def _total_cell(self, target: TargetRow, cells: dict) -> Cell:
        peer_ids = {r.id for r in self.peers}
        rolled = [cells[(target.id, r.id)] for r in self.peers if (target.id, r.id) in cells]
        top = [a for a in self.by_target[target.id] if a["region_id"] in peer_ids]
        own = [a for a in self.by_target[target.id] if a["region_id"] == self.parent.id]
        departments = [a for a in self.by_target[target.id] if a["region_id"] is None]
        value = self._total_target(target, rolled, own)
        if rolled and self.peers != [self.parent]:
            monthly = _sum_monthly([c.monthly for c in rolled])
            milestone = None
            return self._evaluate_monthly(target, value, monthly, milestone)
        return self._evaluate(target, value, own or top or departments, self.month)

    def _total_target(self, target: TargetRow, rolled: list[Cell], own: list[dict]) -> Decimal | None:
        if self.parent.id == self.plan.region_id and target.yearly_value is not None:
            return target.yearly_value
        if own and own[0]["value"] is not None:
            return own[0]["value"]
        return progress.sum_or_none(c.progress.target for c in rolled)

    def _evaluate(self, target: TargetRow, value, allocations: list[dict], month: int) -> Cell:
        monthly = _sum_monthly([self.figures.get(a["id"], {}).get("monthly", {}) for a in allocations])
        milestone = next(
            (
                self.figures[a["id"]]["milestone"]
                for a in allocations
                if self.figures.get(a["id"], {}).get("milestone")
            ),
            None,
        )
        remark = " ".join(
            self.figures[a["id"]]["remark"]
            for a in allocations
            if self.figures.get(a["id"], {}).get("remark")
        )
        cell = self._evaluate_monthly(target, value, monthly, milestone)
        cell.remark = remark
        return cell

    def _evaluate_monthly(self, target: TargetRow, value, monthly: MonthMap, milestone) -> Cell:
        result = evaluate_target(
            self.plan, self.year, self.month, target, value, monthly, milestone, self.today
        )
        return Cell(target_id=target.id, region_id=None, progress=result, monthly=monthly)

    def _rank(self, target: TargetRow, cells: dict) -> None:
        mine = [cells[(target.id, r.id)] for r in self.peers if (target.id, r.id) in cells]
        current = progress.rank({c.region_id: _rank_value(c.progress) for c in mine})
        previous = (
            progress.rank({c.region_id: self._previous_rate(target, c) for c in mine})
            if self.month > 1
            else {}
        )
        for c in mine:
            c.rank = current.get(c.region_id)
            c.previous_rank = previous.get(c.region_id)

    def _previous_rate(self, target: TargetRow, cell: Cell) -> Decimal | None:
        before = {m: v for m, v in cell.monthly.items() if m < self.month}
        if not before:
            return None
        result = evaluate_target(
            self.plan, self.year, self.month - 1, target, cell.progress.target, before, None, self.today
        )
        return _rank_value(result)


def evaluate_target(
    plan: Plan,
    year: int,
    month: int,
    target: TargetRow,
    value: Decimal | None,
    monthly: MonthMap,
    milestone: tuple | None,
    today: dt.date,
) -> progress.Progress:
    """The single call into the arithmetic: every completion rate the product shows comes from here."""
    status, date = milestone or ("", None)
    return progress.evaluate(
        kind=target.kind,
        period=target.period,
        target=value,
        figures={m: v for m, v in monthly.items() if m <= month},
        month=month,
        due_month=target.due_month,
        start_month=_start_month(plan, year),
        higher_is_better=target.higher_is_better,
        lag_points=plan.lag_threshold_points,
        milestone_status=status,
        milestone_date=date,
        due_date=_due_date(year, target.due_month),
        today=today,
    )


def _start_month(plan: Plan, year: int) -> int:
    return plan.start_date.month if plan.start_date.year == year else 1


def _rank_value(p: progress.Progress) -> Decimal | None:
    return p.completion_rate if p.reported or p.cumulative is not None else None


def _sum_monthly(maps: list[MonthMap]) -> MonthMap:
    months: dict[int, list] = defaultdict(list)
    for m in maps:
        for month, value in m.items():
            months[month].append(value)
    return {month: progress.sum_or_none(values) for month, values in sorted(months.items())}


def _due_date(year: int, due_month: int | None) -> dt.date:
    m = due_month or 12
    return dt.date(year, m, calendar.monthrange(year, m)[1])


def submissions_by_region(plan: Plan, year: int, month: int) -> dict[int, Submission]:
    return {s.region_id: s for s in Submission.objects.filter(plan=plan, year=year, month=month)}


def key_tasks_with_details(plan: Plan) -> list[KeyTask]:
    """The plan as the document reads: key tasks with departments, measures and targets (4 queries)."""
    return list(
        plan.key_tasks.order_by("number").prefetch_related(
            "department_links__department", "measures", "targets"
        )
    )


@dataclass(frozen=True)
class CompletenessRow:
    region: Region
    status: str  # submitted / approved / returned / draft / missing
    status_label: str
    submitted_at: dt.datetime | None
    on_time: bool | None
    submission_id: int | None


@dataclass(frozen=True)
class Completeness:
    rows: list[CompletenessRow]
    expected: int
    submitted: int
    on_time: int

    @property
    def rate(self) -> Decimal | None:
        return Decimal(self.submitted * 100) / self.expected if self.expected else None

    @property
    def timely_rate(self) -> Decimal | None:
        return Decimal(self.on_time * 100) / self.expected if self.expected else None

    @property
    def missing(self) -> list[CompletenessRow]:
        return [r for r in self.rows if r.status in ("missing", "draft", "returned")]


def completeness(plan: Plan, year: int, month: int, user=None) -> Completeness:
    """Which reporting regions have submitted the month, on time or late (3 queries)."""
    from plans.scope import scope_for
    from targets.periods import submission_is_on_time

    peers = peer_regions(plan)
    holders = set(  # only the peers' own allocations: at national scale the plan-year has 100,000+
        Allocation.objects.for_plan(plan)
        .for_year(year)
        .filter(region_id__in=[r.id for r in peers])
        .values_list("region_id", flat=True)
        .distinct()
    )
    regions = [r for r in peers if r.id in holders] or [plan.region]
    if user is not None:
        scope = scope_for(user)
        regions = [r for r in regions if scope.covers(r) or (scope.region and scope.region.is_within(r))]
    subs = submissions_by_region(plan, year, month)
    rows = [_completeness_row(plan, r, subs.get(r.id), submission_is_on_time) for r in regions]
    submitted = [r for r in rows if r.status in ("submitted", "approved")]
    return Completeness(rows, len(rows), len(submitted), sum(1 for r in submitted if r.on_time))


def _completeness_row(plan, region, submission, on_time_fn) -> CompletenessRow:
    if submission is None:
        return CompletenessRow(region, "missing", "未报", None, None, None)
    submitted = submission.status in (Submission.Status.SUBMITTED, Submission.Status.APPROVED)
    return CompletenessRow(
        region,
        submission.status,
        submission.get_status_display(),
        submission.submitted_at,
        on_time_fn(plan, submission) if submitted else None,
        submission.id,
    )


def allocations_visible_to(user):
    return Allocation.objects.visible_to(user).select_related(
        "target", "region", "department", "target__key_task__plan"
    )


def figure_history(allocation: Allocation, month: int | None = None) -> list:
    from targets.models import AuditEntry

    entries = AuditEntry.objects.filter(allocation=allocation).select_related("user")
    if month:
        entries = entries.filter(month=month)
    return list(entries.order_by("-at", "-id")[:200])


def audit_search(q: str = "", plan_slug: str = ""):
    from targets.models import AuditEntry

    entries = AuditEntry.objects.select_related("user", "region", "target", "plan").order_by("-at", "-id")
    if plan_slug:
        entries = entries.filter(plan__slug=plan_slug)
    if q:
        entries = entries.filter(
            Q(remark__icontains=q)
            | Q(target__name__icontains=q)
            | Q(region__name__icontains=q)
            | Q(user__username__icontains=q)
            | Q(old_value__icontains=q)
            | Q(new_value__icontains=q)
        )
    return entries


def current_shares(target: Target | None, year: int) -> dict[int, Decimal | None]:
    if target is None:
        return {}
    return dict(
        Allocation.objects.filter(target=target, year=year, region__isnull=False).values_list(
            "region_id", "value"
        )
    )


# --- projected outcome (预计全年完成), issue 14 ---------------------------------------------------------------

ProjectionKey = tuple[int, int | None]  # (target_id, region_id); region None = the whole scope


def projections(plan: Plan, report: ProgressReport) -> dict[ProjectionKey, progress.Projection]:
    """Every cell's projected year-end outcome, from the report's own monthly figures.

    Flows follow last year's monthly profile where the plan ran last year (one more `progress_report`, a
    constant number of queries); otherwise the current pace.
    """
    last = _last_year_report(plan, report)
    start = _start_month(plan, report.year)
    result: dict[ProjectionKey, progress.Projection] = {}
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
    if target.kind == progress.MILESTONE:
        meets = cell.progress.status != progress.Status.MILESTONE_OVERDUE
        return progress.Projection(None, None, meets, progress.METHOD_MILESTONE)
    return progress.project(
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
