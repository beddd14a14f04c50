"""What each role finds on the home page: reads only, materialised as plain lists and dicts.

Progress figures come from the engine (`targets.engine.progress_report`); nothing here computes a rate.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from plans.models import Plan, Region
from plans.scope import department_for, scope_for
from reports.models import Notice
from targets.departments import department_completeness
from targets.models import AuditEntry, MonthlyFigure, Notification, Submission
from targets.notify import reminder_log, reminders_in_scope
from targets.periods import latest_closed_month, reporting_deadline
from targets.queries import completeness
from targets.report_cache import shared_report
from targets.windows import active_months, applicable_deadline, open_months_for

OPEN = ("missing", Submission.Status.DRAFT, Submission.Status.RETURNED)
TO_ANSWER = (Notice.Status.ISSUED, Notice.Status.SIGNED, Notice.Status.RETURNED)


def _plans(user, today: dt.date) -> list[Plan]:
    """The plans the user sees that have started by `today`, the user's own first."""
    plans = Plan.objects.visible_to(user).filter(start_date__lte=today).select_related("region")
    return own_plans_first(plans.order_by("-start_date"), scope_for(user).region)


def own_plans_first(plans, region: Region | None) -> list[Plan]:
    """The user's own plan (its region contains the user's) before the others: the 辽宁 admin opens 辽宁's."""
    if region is None:
        return list(plans)
    return sorted(plans, key=lambda p: not region.is_within(p.region))


def reporter_home(user, today: dt.date) -> dict:
    """Open months (window or reopened) with the deadline that applies, returned ones with the reason,
    督办单 to sign or answer, what they saved last."""
    waiting = open_months_for(user, _plans(user, today), today)
    saved = list(
        AuditEntry.objects.filter(user=user, subject=AuditEntry.Subject.FIGURE)
        .select_related("target", "plan", "region")
        .order_by("-at", "-id")[:5]
    )
    return {
        "waiting": waiting,
        "returned": [w for w in waiting if w.status == Submission.Status.RETURNED],
        "saved": saved,
        "notices": _notices_waiting(scope_for(user).region, department_for(user), today),
        **_notes(user),
    }


def _notices_waiting(region: Region | None, department, today: dt.date) -> dict:
    """待签收 / 待反馈: the notices of the reporter's own region (a department's reporter answers none; 1 query)."""
    from reports.models import Notice

    if region is None or department is not None:
        return {"to_sign": [], "to_answer": []}
    waiting = list(
        Notice.objects.filter(
            region=region, status__in=(Notice.Status.ISSUED, Notice.Status.SIGNED, Notice.Status.RETURNED)
        )
        .select_related("plan")
        .prefetch_related("items__target")
        .order_by("answer_due", "id")
    )
    for n in waiting:
        n.overdue = n.is_overdue(today)
    return {
        "to_sign": [n for n in waiting if n.status == Notice.Status.ISSUED],
        "to_answer": [n for n in waiting if n.status != Notice.Status.ISSUED],
    }


def _notes(user) -> dict:
    return {"notifications": list(Notification.objects.filter(user=user)[:5])}


def viewer_home(user, today: dt.date) -> dict:
    """The region's headline from the engine: N of M at schedule, rank among peers, the worst three."""
    region = scope_for(user).region
    plans = own_plans_first(Plan.objects.visible_to(user).select_related("region"), region)
    if region is None or not plans:
        return {"headline": None, **_notes(user)}
    plan = plans[0]
    year, month = latest_month_with_figures(plan, today)
    report = shared_report(plan, year, month)
    return {"headline": headline(report, region), **_notes(user)}


def latest_month_with_figures(plan: Plan, today: dt.date) -> tuple[int, int]:
    """The latest closed month of the plan that has figures (1 query): a viewer is never judged on an empty
    month; without any figure, the latest closed month."""
    closed = latest_closed_month(plan, today)
    latest = (
        MonthlyFigure.objects.filter(allocation__target__key_task__plan=plan)
        .filter(Q(allocation__year__lt=closed[0]) | Q(allocation__year=closed[0], month__lte=closed[1]))
        .order_by("-allocation__year", "-month")
        .values_list("allocation__year", "month")
        .first()
    )
    return latest or closed


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
    """The months followed now (window or kept open by a submission) across the admin's plans: completeness
    with the deadline, submissions to review, late holders, 督办单 answered, reminders; all within the
    admin's subtree (the one subtree filter, `scope.q`)."""
    scope = scope_for(user)
    plans = _plans(user, today)
    rows, late = [], []
    for plan in plans:
        for year, month in active_months(plan, today, scope):
            report = completeness(plan, year, month, user)
            deadline = reporting_deadline(plan, year, month)
            rows.append(
                {
                    "plan": plan,
                    "year": year,
                    "month": month,
                    "report": report,
                    "deadline": deadline,
                    "days_left": (deadline - today).days,
                }
            )
            late += _late(plan, year, month, report, today, scope)
    review = list(
        Submission.objects.filter(plan__in=plans, status=Submission.Status.SUBMITTED)
        .filter(scope.q())  # the one subtree filter: a city admin reviews its city only
        .select_related("plan", "region", "department", "submitted_by")
        .order_by("submitted_at")[:50]
    )
    answered = list(  # the issuer's side checks an answer: the admins of the plan's region, not a city's
        Notice.objects.visible_to(user)
        .filter(status=Notice.Status.ANSWERED)
        .filter(scope.q("plan__region"))
        .select_related("plan", "region")[:20]
    )
    return {
        "plans": rows,
        "review": review,
        "late": late,
        "answered": answered,
        "reminders": reminders_visible_to(user, limit=5),
        **_notes(user),
    }


def _late(plan, year, month, report, today, scope) -> list:
    """Holders that still owe the month after the deadline that applies to them."""
    departments = department_completeness(plan, year, month) if scope.administers(plan.region) else []
    holders = [r for r in report.rows + departments if r.status in OPEN]
    ids = [r.submission_id for r in holders if r.submission_id]
    subs = {s.pk: s for s in Submission.objects.filter(pk__in=ids)}
    return [
        (plan, year, month, r)
        for r in holders
        if today > applicable_deadline(plan, year, month, subs.get(r.submission_id))
    ]


def reminders_visible_to(user, *, limit: int):
    """Recent reminders that chased a region of the user's subtree (another province's never show)."""
    return reminder_log(ids=reminders_in_scope(user), limit=limit)
