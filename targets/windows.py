"""What is open for reporting now, computed from reporting windows and submissions (not `today.month - 1`).

A month is open for a holder (a region, or a department of the plan's region) while its window runs (up to the
plan's deadline day of the following month) or while it is reopened (`Submission.reopened_until`); a returned
month stays on the list with its reason; a submitted one waits for review. Home pages and reminders read these
lists; the deadline that applies to a reopened month is its reopening date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.urls import reverse

from plans.models import Department, Plan, Region
from plans.scope import department_for, scope_for
from targets.grid import department_allocations, held_allocations
from targets.models import Allocation, Submission
from targets.periods import applicable_deadline, month_state

STILL_OWED = ("missing", Submission.Status.DRAFT, Submission.Status.RETURNED)


def reporting_month(today: dt.date) -> tuple[int, int]:
    """The month whose regular window runs now: last month, due on the deadline day of this one."""
    return (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)


@dataclass(frozen=True)
class OpenMonth:
    plan: Plan
    year: int
    month: int
    region: Region
    department: Department | None
    status: str  # missing / draft / submitted / returned
    status_label: str
    deadline: dt.date  # the deadline that applies
    days_left: int
    editable: bool
    reason: str  # why it cannot be edited now ("" when it can)
    reopened: bool
    return_reason: str

    @property
    def days_overdue(self) -> int:
        return -self.days_left

    @property
    def holder_name(self) -> str:
        return self.department.name if self.department is not None else self.region.name

    @property
    def url(self) -> str:
        if self.department is not None:
            return reverse("targets:department_grid", args=[self.plan.slug, self.year, self.month, self.department.pk])
        return reverse("targets:grid", args=[self.plan.slug, self.year, self.month, self.region.code])


def entry_holders(user, plan: Plan, year: int) -> list[tuple[Region, Department | None]]:
    """Where the user enters figures of `plan` in `year`: only holders with rows, so no empty grid is offered.

    A department's reporter: its department. A region's reporter: its own region when it holds shares, else
    the regions of its subtree that do (a county-split plan's city reporter enters its counties' figures).
    """
    department = department_for(user)
    if department is not None:
        if department_allocations(plan, year, department).exists():
            return [(plan.region, department)]
        return []
    region = scope_for(user).home_region(plan)
    if held_allocations(plan, year, region).exists():
        return [(region, None)]
    below = (
        Allocation.objects.for_plan(plan)
        .for_year(year)
        .filter(region__isnull=False)
        .filter(region.subtree_q("region"))
        .values_list("region_id", flat=True)
        .distinct()
    )
    return [(r, None) for r in Region.objects.filter(pk__in=below).order_by("path")]


def candidate_months(plan: Plan, today: dt.date, submissions) -> set[tuple[int, int]]:
    """The regular window's month (while the plan covers it; after its deadline it is the month whose late
    holders are listed) and every month a submission keeps open."""
    months = set()
    year, month = reporting_month(today)
    if plan.covers_month(year, month):
        months.add((year, month))
    for sub in submissions:
        if sub.status != Submission.Status.APPROVED:
            months.add((sub.year, sub.month))
    return months


def open_submissions(plan: Plan, today: dt.date, holder_q: Q):
    """Submissions of `plan` that keep a month on somebody's list: reopened, returned or waiting for review."""
    keeps_open = Q(reopened_until__gte=today) | Q(status__in=[Submission.Status.RETURNED, Submission.Status.SUBMITTED])
    return (
        Submission.objects.filter(plan=plan)
        .filter(holder_q)
        .filter(keeps_open)
        .exclude(status=Submission.Status.APPROVED)
        .select_related("region", "department")
    )


def open_months_for(user, plans: list[Plan], today: dt.date) -> list[OpenMonth]:
    """The months a reporter has open now, plan by plan, oldest first (a few queries per plan)."""
    result = []
    for plan in plans:
        for year in plan.years:
            holders = entry_holders(user, plan, year) if year <= today.year else []  # no future year is open
            if not holders:
                continue
            regions = [r.pk for r, d in holders if d is None]
            departments = [d.pk for r, d in holders if d is not None]
            holder_q = Q(year=year) & (
                Q(region_id__in=regions, department__isnull=True) | Q(department_id__in=departments)
            )
            subs = list(open_submissions(plan, today, holder_q))
            months = {(y, m) for y, m in candidate_months(plan, today, subs) if y == year}
            result += _open_months(plan, holders, sorted(months), today)
    return result


def _open_months(plan, holders, months, today) -> list[OpenMonth]:
    if not months:
        return []
    subs = {
        (s.region_id, s.department_id, s.year, s.month): s
        for s in Submission.objects.filter(
            plan=plan,
            year=months[0][0],
            month__in=[m for _, m in months],
            region_id__in={r.pk for r, _ in holders},
        )
    }
    result = []
    for year, month in months:
        for region, department in holders:
            sub = subs.get((region.pk, department.pk if department else None, year, month))
            item = open_month(plan, year, month, region, department, sub, today)
            if item is not None:
                result.append(item)
    return result


def open_month(plan, year, month, region, department, sub, today) -> OpenMonth | None:
    """One holder's month as a to-do item, or None when there is nothing to do (approved, or not yet open)."""
    if sub is not None and sub.status == Submission.Status.APPROVED:
        return None
    state = month_state(plan, year, month, sub, today)
    if not state.editable and (sub is None or sub.status == Submission.Status.DRAFT):
        return None  # locked and never reported: the late list and reopening are the admin's
    deadline = applicable_deadline(plan, year, month, sub)
    return OpenMonth(
        plan=plan,
        year=year,
        month=month,
        region=region,
        department=department,
        status=sub.status if sub else "missing",
        status_label=sub.get_status_display() if sub else "未报",
        deadline=deadline,
        days_left=(deadline - today).days,
        editable=state.editable,
        reason=state.reason,
        reopened=bool(sub and sub.reopened_until and sub.reopened_until >= today),
        return_reason=sub.return_reason if sub and sub.status == Submission.Status.RETURNED else "",
    )


def active_months(plan: Plan, today: dt.date, scope) -> list[tuple[int, int]]:
    """The months of `plan` an admin follows now: the regular window's, and any a submission of its subtree
    keeps open (reopened, returned, waiting for review)."""
    subs = open_submissions(plan, today, scope.q())
    return sorted(candidate_months(plan, today, subs), reverse=True)
