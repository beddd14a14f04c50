"""Rows for the Excel entry template: every allocation of a region's subtree that the user may report on."""

from __future__ import annotations

from django.db.models import Q

from plans.models import Plan, Region
from plans.scope import scope_for
from skills_admin.lib import clock
from targets.basis import cumulative_through
from targets.engine import cumulative_before, targets_of
from targets.excel import TemplateRow
from targets.models import Allocation, MonthlyFigure, Submission
from targets.periods import month_state


def template_rows(plan: Plan, year: int, month: int, region: Region, user, *, cumulative=False) -> list[TemplateRow]:
    """Rows for `region` and the regions below it (5 queries, whatever their number); values as 1—N月累计
    when `cumulative` is True, or for the rows whose target id it holds (a target's own 填报口径)."""
    scope = scope_for(user)
    holders = region.subtree_q()
    if region.pk == plan.region_id:
        holders |= Q(region__isnull=True)
    allocations = [
        a
        for a in Allocation.objects.for_plan(plan).for_year(year).filter(holders).select_related("region", "department")
        if scope.covers(a.region or plan.region)
    ]
    targets = {t.id: t for t in targets_of(plan)}
    figures: dict[int, dict[int, MonthlyFigure]] = {}
    for f in MonthlyFigure.objects.filter(allocation__in=allocations, month__lte=month):
        figures.setdefault(f.allocation_id, {})[f.month] = f
    region_reports = Submission.objects.filter(plan=plan, year=year, month=month, department=None)
    submissions = {s.region_id: s for s in region_reports}
    today = clock.today()
    rows = [
        _row(
            plan,
            year,
            month,
            a,
            targets[a.target_id],
            figures.get(a.id, {}),
            submissions,
            today,
            cumulative is True or a.target_id in (cumulative or ()),
        )
        for a in allocations
        if a.target_id in targets
    ]
    return sorted(rows, key=lambda r: (r.region_code, r.task_number, r.target_number))


def _row(plan, year, month, allocation, target, figures, submissions, today, cumulative) -> TemplateRow:
    holder_region = allocation.region or plan.region
    monthly = {m: f.value for m, f in figures.items()}
    before = cumulative_before(plan, year, month, target, monthly)
    current = figures.get(month)
    state = month_state(plan, year, month, submissions.get(holder_region.id), today)
    return TemplateRow(
        allocation_id=allocation.id,
        region_code=holder_region.code,
        region_name=allocation.holder_name,
        task_number=target.key_task_number,
        target_number=target.number,
        target_name=target.name,
        unit=target.unit,
        kind=target.kind,
        period=target.period,
        target_value=allocation.value,
        cumulative_before=before,
        value=_shown(current.value if current else None, target, before, cumulative),
        milestone_status=current.milestone_status if current else "",
        remark=current.remark if current else "",
        locked=not state.editable,
        version=current.version if current else 0,
        cumulative=cumulative and target.kind != "milestone",
    )


def _shown(value, target, before, cumulative: bool):
    """The value column: the month's figure, or the cumulative of the target's own window (the quarter so far
    for a per-quarter count, as the 此前累计 column beside it)."""
    if not cumulative:
        return value
    return cumulative_through(value, kind=target.effective_kind, before=[before])
