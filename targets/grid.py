"""The entry grid: one (plan, year, month, region) with every allocation that region reports on."""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.db.models import Q

from plans.models import Plan, Region
from skills_admin.lib import clock
from skills_admin.lib.versions import generation
from targets import checks
from targets.engine import MILESTONE, Progress, TargetRow, cumulative_before, evaluate_target, targets_of
from targets.models import Allocation, MonthlyFigure, Submission
from targets.periods import MonthState, month_state


@dataclass
class GridRow:
    allocation_id: int
    holder: str  # region or department name
    target: TargetRow
    target_value: Decimal | None
    cumulative_before: Decimal | None
    value: Decimal | None
    milestone_status: str
    milestone_date: dt.date | None
    remark: str
    progress: Progress
    history: list[Decimal | None] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    is_demo: bool = False
    flags: dict[str, bool] = field(default_factory=dict)  # 含前期累计 / 核减 marks of the month's figure, when set

    @property
    def is_milestone(self) -> bool:
        return self.target.kind == MILESTONE


@dataclass
class Grid:
    plan: Plan
    year: int
    month: int
    region: Region
    rows: list[GridRow]
    submission: Submission | None
    state: MonthState

    @property
    def version(self) -> int:
        return self.submission.version if self.submission else 0

    @property
    def status_label(self) -> str:
        return self.submission.get_status_display() if self.submission else "未填报"

    def row(self, allocation_id: int) -> GridRow | None:
        return next((r for r in self.rows if r.allocation_id == allocation_id), None)


def held_allocations(plan: Plan, year: int, region: Region):
    """Allocations a region reports on: its own, plus department shares when it is the plan's region."""
    holder = Q(region=region)
    if region.pk == plan.region_id:
        holder |= Q(region__isnull=True)
    return Allocation.objects.for_plan(plan).for_year(year).filter(holder)


def department_allocations(plan: Plan, year: int, department):
    """A department's shares of the plan (allocations held by the department, not by a region)."""
    return Allocation.objects.for_plan(plan).for_year(year).filter(department=department, region__isnull=True)


def department_grid_for(plan: Plan, year: int, month: int, department, *, today: dt.date | None = None) -> Grid:
    """The grid of one department's shares (the same rows and state as a region's grid, 5 queries)."""
    today = today or clock.today()
    targets = grid_targets(plan)
    allocations = list(department_allocations(plan, year, department).select_related("department", "region"))
    figures = _figures(allocations, month)
    submission = Submission.objects.filter(plan=plan, department=department, year=year, month=month).first()
    rows = [_row(plan, year, month, a, targets[a.target_id], figures.get(a.id, {})) for a in allocations]
    rows.sort(key=lambda r: (r.target.key_task_number, r.target.number, r.holder))
    state = month_state(plan, year, month, submission, today)
    return Grid(plan, year, month, plan.region, rows, submission, state)


def grid_for(plan: Plan, year: int, month: int, region: Region, *, today: dt.date | None = None) -> Grid:
    """Build the grid in 5 queries, whatever the number of targets."""
    today = today or clock.today()
    targets = grid_targets(plan)
    allocations = list(held_allocations(plan, year, region).select_related("department", "region"))
    figures = _figures(allocations, month)
    submission = Submission.objects.filter(plan=plan, region=region, year=year, month=month, department=None).first()
    rows = [_row(plan, year, month, a, targets[a.target_id], figures.get(a.id, {})) for a in allocations]
    rows.sort(key=lambda r: (r.target.key_task_number, r.target.number, r.holder))
    return Grid(plan, year, month, region, rows, submission, month_state(plan, year, month, submission, today))


_TARGETS: OrderedDict[tuple[int, str], dict[int, TargetRow]] = OrderedDict()
_TARGETS_LOCK = threading.Lock()
_TARGETS_SIZE = 32


def grid_targets(plan: Plan) -> dict[int, TargetRow]:
    """The plan's targets by id, read once per generation (plans, targets, key tasks and departments edited
    renew it: skills_admin/lib/versions.py) and kept in this worker: every grid GET and POST read and built
    them again, a quarter of building a grid. The grid reads what the targets say (name, unit, kind, basis,
    values), not `has_range`, which follows the allocations' ranges and is only the report's business."""
    key = (plan.pk, generation())
    with _TARGETS_LOCK:
        found = _TARGETS.get(key)
    if found is None:
        found = {t.id: t for t in targets_of(plan)}
        with _TARGETS_LOCK:
            _TARGETS[key] = found
            while len(_TARGETS) > _TARGETS_SIZE:
                _TARGETS.popitem(last=False)
    return found


class FigureRead(NamedTuple):
    """What the grid shows of one stored figure (read as plain values: a grid reads up to 12 × its rows)."""

    value: Decimal | None
    milestone_status: str
    milestone_date: dt.date | None
    remark: str
    is_demo: bool
    includes_prior: bool
    is_correction: bool


def _figures(allocations: list[Allocation], month: int) -> dict[int, dict[int, FigureRead]]:
    result: dict[int, dict[int, FigureRead]] = {}
    rows = MonthlyFigure.objects.filter(allocation__in=allocations, month__lte=month).values_list(
        "allocation_id",
        "month",
        "value",
        "milestone_status",
        "milestone_date",
        "remark",
        "is_demo",
        "includes_prior",
        "is_correction",
    )
    for allocation_id, m, *fields in rows:
        result.setdefault(allocation_id, {})[m] = FigureRead(*fields)
    return result


def _row(plan, year, month, allocation, target: TargetRow, figures: dict[int, FigureRead]) -> GridRow:
    current = figures.get(month)
    monthly = {m: f.value for m, f in figures.items()}
    milestone = (current.milestone_status, current.milestone_date) if current and current.milestone_status else None
    result = evaluate_target(plan, year, month, target, allocation.value, monthly, milestone)
    history = [monthly[m] for m in sorted(monthly) if m < month]
    row = GridRow(
        allocation_id=allocation.id,
        holder=allocation.holder_name,
        target=target,
        target_value=allocation.value,
        cumulative_before=cumulative_before(plan, year, month, target, monthly),
        value=current.value if current else None,
        milestone_status=current.milestone_status if current else "",
        milestone_date=current.milestone_date if current else None,
        remark=current.remark if current else "",
        progress=result,
        history=history,
        # demo figures written onto a share the document gives (Suqian's counties) are demo as well
        is_demo=allocation.is_demo or any(f.is_demo for f in figures.values()),
    )
    if current and (current.includes_prior or current.is_correction):
        row.flags = {"includes_prior": current.includes_prior, "is_correction": current.is_correction}
    row.warnings = checks.figure_warnings(
        kind=target.effective_kind,
        value=row.value,
        history=[h for h in history if h is not None],
        target=allocation.value,
        cumulative_before=row.cumulative_before,
    )
    return row
