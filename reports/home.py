"""What each role finds on the home page: reads only, materialised as plain lists and dicts.

Progress figures come from the engine (`targets.engine.progress_report`); nothing here computes a rate.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from plans.models import Plan, Region
from plans.scope import department_for, scope_for
from targets.departments import department_completeness
from targets.models import AuditEntry, Notification, Submission
from targets.notify import reminder_log
from targets.periods import latest_closed_month, month_state, reporting_deadline
from targets.queries import completeness
from targets.report_cache import shared_report

OPEN = ("missing", Submission.Status.DRAFT, Submission.Status.RETURNED)


def reporting_month(today: dt.date) -> tuple[int, int]:
    """The month being reported now: last month, due on the deadline day of this one."""
    return (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)


def _current_plans(user, year: int, month: int) -> list[Plan]:
    plans = Plan.objects.visible_to(user).select_related("region").order_by("-start_date")
    return [p for p in plans if p.covers_month(year, month)]


def own_plans_first(plans, region: Region | None) -> list[Plan]:
    """The user's own plan (its region contains the user's) before the others: the 辽宁 admin opens 辽宁's."""
    if region is None:
        return list(plans)
    return sorted(plans, key=lambda p: not region.is_within(p.region))


@dataclass(frozen=True)
class WaitingMonth:
    plan: Plan
    year: int
    month: int
    region: Region
    status: str
    status_label: str
    deadline: dt.date
    days_left: int
    editable: bool
    reason: str

    @property
    def days_overdue(self) -> int:
        return -self.days_left


def reporter_home(user, today: dt.date) -> dict:
    """Months waiting for the reporter's region, returned months with reasons, what they saved last."""
    region, department = scope_for(user).region, department_for(user)
    year, month = reporting_month(today)
    waiting = []
    for plan in own_plans_first(_current_plans(user, year, month), region):
        sub = Submission.objects.filter(plan=plan, region=region, year=year, month=month, department=department).first()
        if sub is not None and sub.status == Submission.Status.APPROVED:
            continue
        state = month_state(plan, year, month, sub, today)
        deadline = reporting_deadline(plan, year, month)
        waiting.append(
            WaitingMonth(
                plan,
                year,
                month,
                region,
                sub.status if sub else "missing",
                sub.get_status_display() if sub else "未报",
                deadline,
                (deadline - today).days,
                state.editable,
                state.reason,
            )
        )
    returned = list(
        Submission.objects.filter(region=region, department=department, status=Submission.Status.RETURNED)
        .select_related("plan", "reviewed_by")
        .order_by("-reviewed_at")[:10]
    )
    saved = list(
        AuditEntry.objects.filter(user=user, subject=AuditEntry.Subject.FIGURE)
        .select_related("target", "plan", "region")
        .order_by("-at", "-id")[:5]
    )
    return {"waiting": waiting, "returned": returned, "saved": saved, **_notes(user)}


def _notes(user) -> dict:
    return {"notifications": list(Notification.objects.filter(user=user)[:5])}


def viewer_home(user, today: dt.date) -> dict:
    """The region's headline from the engine: N of M at schedule, rank among peers, the worst three."""
    region = scope_for(user).region
    plans = own_plans_first(Plan.objects.visible_to(user).select_related("region"), region)
    if region is None or not plans:
        return {"headline": None, **_notes(user)}
    plan = plans[0]
    year, month = _latest_closed(plan, today)
    report = shared_report(plan, year, month)
    return {"headline": headline(report, region), **_notes(user)}


def _latest_closed(plan: Plan, today: dt.date) -> tuple[int, int]:
    return latest_closed_month(plan, today)


def headline(report, region: Region) -> dict | None:
    """Counts and orders the engine's cells for one peer region (no arithmetic of rates here)."""
    if all(r.id != region.id for r in report.regions):
        return None
    tasks = {r.id: _with_task(report.region_cells(r.id)) for r in report.regions}
    at_schedule = {rid: sum(1 for c in cells if c.progress.meets_schedule) for rid, cells in tasks.items()}
    mine = tasks[region.id]
    names = {t.id: t for t in report.targets}
    worst = sorted(
        (c for c in mine if not c.progress.meets_schedule),
        key=lambda c: (-c.progress.status.severity, c.progress.schedule_gap is None, c.progress.schedule_gap or 0),
    )[:3]
    return {
        "plan": report.plan,
        "year": report.year,
        "month": report.month,
        "region": region,
        "at_schedule": at_schedule[region.id],
        "with_task": len(mine),
        "rank": 1 + sum(1 for n in at_schedule.values() if n > at_schedule[region.id]),
        "peers": len(report.regions),
        "worst": [{"target": names[c.target_id], "progress": c.progress} for c in worst],
    }


def _with_task(cells) -> list:
    """The cells judged this month: not 无任务, not a target nobody reports monthly."""
    return [c for c in cells if c.progress.status.is_tracked]


def admin_home(user, today: dt.date) -> dict:
    """Completeness of the reporting month across plans, submissions to review, late regions, reminders."""
    year, month = reporting_month(today)
    plans = own_plans_first(_current_plans(user, year, month), scope_for(user).region)
    rows, late = [], []
    for plan in plans:
        report = completeness(plan, year, month, user)
        deadline = reporting_deadline(plan, year, month)
        rows.append({"plan": plan, "report": report, "deadline": deadline})
        if today > deadline:
            holders = report.rows + department_completeness(plan, year, month)
            late += [(plan, r) for r in holders if r.status in OPEN]
    review = list(
        Submission.objects.filter(plan__in=plans, status=Submission.Status.SUBMITTED)
        .select_related("plan", "region", "submitted_by")
        .order_by("submitted_at")[:50]
    )
    return {
        "year": year,
        "month": month,
        "plans": rows,
        "review": review,
        "late": late,
        "reminders": reminder_log(limit=5),
        **_notes(user),
    }
