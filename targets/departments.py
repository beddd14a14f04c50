"""Departments as holders of a plan's targets (牵头单位 / 参加单位 with their shares): who still owes a month."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from plans.models import Department, Plan
from targets.models import Allocation, Submission
from targets.periods import submission_is_on_time


@dataclass(frozen=True)
class DepartmentRow:
    department: Department
    region: object  # the plan's region: where the department's report is filed
    status: str  # submitted / approved / returned / draft / missing
    status_label: str
    submitted_at: dt.datetime | None
    on_time: bool | None
    submission_id: int | None


def department_completeness(plan: Plan, year: int, month: int) -> list[DepartmentRow]:
    """Departments that hold shares of the plan in `year` and the state of their month (2 queries)."""
    ids = (
        Allocation.objects.for_plan(plan)
        .for_year(year)
        .filter(region__isnull=True, department__isnull=False)
        .values_list("department_id", flat=True)
        .distinct()
    )
    departments = list(Department.objects.filter(pk__in=ids).order_by("name"))
    subs = {
        s.department_id: s
        for s in Submission.objects.filter(plan=plan, year=year, month=month, department__in=departments)
    }
    return [_row(plan, d, subs.get(d.id)) for d in departments]


def _row(plan: Plan, department: Department, submission: Submission | None) -> DepartmentRow:
    if submission is None:
        return DepartmentRow(department, plan.region, "missing", "未报", None, None, None)
    submitted = submission.status in (Submission.Status.SUBMITTED, Submission.Status.APPROVED)
    on_time = submission_is_on_time(plan, submission) if submitted else None
    return DepartmentRow(
        department,
        plan.region,
        submission.status,
        submission.get_status_display(),
        submission.submitted_at,
        on_time,
        submission.id,
    )
