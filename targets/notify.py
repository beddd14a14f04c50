"""Notifications and reminders (催报): the bell in the product, email and group-robot webhooks.

The bell is always written; email and webhook messages become `Delivery` rows sent by a thin Celery task
(`targets.delivery.deliver`) after the transaction commits, retried with backoff, each attempt's answer kept.
"""

from __future__ import annotations

import datetime as dt
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from plans.models import Plan, Profile, Region
from plans.scope import scope_for
from targets.delivery import deliver
from targets.models import AuditEntry, Delivery, Notification, Reminder, Submission
from targets.periods import reporting_deadline

CHANNELS = ("site", "email", "webhook")
OPEN_STATUSES = ("missing", Submission.Status.DRAFT, Submission.Status.RETURNED)


class ChaseError(Exception):
    """A reminder the admin may not send now (Chinese message)."""


# --- who ------------------------------------------------------------------------------------------------


def reporters_of(region: Region, department=None) -> list:
    """A region's reporters (not its departments'), or with `department` that department's reporters."""
    users = get_user_model().objects.filter(is_active=True, profile__role=Profile.Role.REPORTER)
    if department is not None:
        return list(users.filter(profile__department=department))
    return list(users.filter(profile__region=region, profile__department__isnull=True))


def reviewers_of(region: Region) -> list:
    """Admins whose region contains `region` (a provincial admin sees every submission of the province)."""
    ancestors = region.path.split("/")
    return list(
        get_user_model()
        .objects.filter(is_active=True, profile__role=Profile.Role.ADMIN)
        .filter(Q(profile__region__isnull=True) | Q(profile__region__code__in=ancestors))
    )


# --- notifying ------------------------------------------------------------------------------------------


def notify(
    *, users, kind: str, title: str, body: str = "", url: str = "", channels=("site",), reminder=None
) -> list[Notification]:
    """Write the bell notifications and queue an email to each user who has an address (if asked)."""
    notes = Notification.objects.bulk_create(
        [Notification(user=u, kind=kind, title=title, body=body, url=url, reminder=reminder) for u in users]
    )
    if "email" in channels:
        text = f"{body}\n\n{_absolute(url)}" if url else body
        _queue(
            [
                Delivery(
                    channel=Delivery.Channel.EMAIL,
                    reminder=reminder,
                    user=u,
                    address=u.email,
                    subject=title,
                    body=text[:1000],
                )
                for u in users
                if u.email
            ]
        )
    return notes


def _queue(deliveries: list[Delivery]) -> None:
    created = Delivery.objects.bulk_create(deliveries)
    ids = [d.pk for d in created]
    transaction.on_commit(lambda: [deliver.delay(pk) for pk in ids])


def _absolute(url: str) -> str:
    return settings.SITE_URL.rstrip("/") + url if settings.SITE_URL else url


def _grid_url(plan: Plan, year: int, month: int, region: Region, department=None) -> str:
    if department is not None:
        return reverse("targets:department_grid", args=[plan.slug, year, month, department.pk])
    return reverse("targets:grid", args=[plan.slug, year, month, region.code])


def submission_notify(submission: Submission, event: str) -> None:
    """Tell the reporters of a region that their month was returned or approved, the admins that it came in."""
    plan, region, department = submission.plan, submission.region, submission.department
    period = f"{plan.display_short_title}{submission.year}年{submission.month}月"
    url = _grid_url(plan, submission.year, submission.month, region, department)
    holder = department.name if department else region.name
    if event == Notification.Kind.SUBMITTED:
        notify(users=reviewers_of(region), kind=event, title=f"{holder}已报送{period}数据，待审核", url=url)
    elif event == Notification.Kind.RETURNED:
        notify(
            users=reporters_of(region, department),
            kind=event,
            title=f"{period}数据被退回，请修改后重新报送",
            body=f"退回原因：{submission.return_reason}",
            url=url,
            channels=("site", "email"),
        )
    elif event == Notification.Kind.APPROVED:
        notify(
            users=reporters_of(region, department),
            kind=event,
            title=f"{period}数据已审核通过",
            url=url,
            channels=("site", "email"),
        )


# --- reminders ------------------------------------------------------------------------------------------


def open_regions(plan: Plan, year: int, month: int) -> list:
    """Completeness rows of the regions and departments that still owe the month (未报, 草稿 or 已退回)."""
    from targets.departments import department_completeness
    from targets.queries import completeness

    rows = completeness(plan, year, month).rows + department_completeness(plan, year, month)
    return [row for row in rows if row.status in OPEN_STATUSES]


def default_message(plan: Plan, year: int, month: int, kind: str) -> str:
    deadline = reporting_deadline(plan, year, month)
    period = f"{plan.display_short_title}{year}年{month}月数据"
    if kind == Reminder.Kind.AFTER:
        return f"{period}已过填报截止日（{deadline:%m月%d日}），贵单位尚未报送，请尽快联系省级管理员并完成报送。"
    return f"请于{deadline:%m月%d日}前完成{period}的填报和报送。"


@transaction.atomic
def reminder_send(
    *, plan: Plan, year: int, month: int, kind: str, channels, message: str, user=None, rows=None
) -> Reminder:
    """Chase every region that still owes the month, through the chosen channels (the bell always)."""
    rows = open_regions(plan, year, month) if rows is None else rows
    channels = [c for c in CHANNELS if c in channels or c == "site"]
    reminder = Reminder.objects.create(
        plan=plan,
        year=year,
        month=month,
        kind=kind,
        channels=",".join(channels),
        message=message[:500],
        requested_by=user,
        holder_count=len(rows),
    )
    reminder.regions.set({row.region for row in rows})
    title = f"催报：{plan.display_short_title}{year}年{month}月数据"
    for row in rows:
        _remind_region(reminder, row, title, channels)
    return reminder


def _remind_region(reminder: Reminder, row, title: str, channels) -> None:
    plan, region, department = reminder.plan, row.region, getattr(row, "department", None)
    body = reminder.message
    if row.status == Submission.Status.RETURNED:
        reason = Submission.objects.filter(pk=row.submission_id).values_list("return_reason", flat=True).first()
        body += f"（本月数据已退回：{reason}）"
    url = _grid_url(plan, reminder.year, reminder.month, region, department)
    notify(
        users=reporters_of(region, department),
        kind=Notification.Kind.REMINDER,
        title=title,
        body=body,
        url=url,
        channels=channels,
        reminder=reminder,
    )
    robot = region.webhook_url if department is None else department.webhook_url  # a department's own group
    if "webhook" in channels and robot:
        _queue(
            [
                Delivery(
                    channel=Delivery.Channel.WEBHOOK,
                    reminder=reminder,
                    region=region,
                    department=department,
                    address=robot,
                    subject=title,
                    body=f"【{department or region.name}】{title}\n{body}",
                )
            ]
        )


def reminder_chase(*, plan: Plan, year: int, month: int, user, channels, message: str, now=None) -> Reminder:
    """一键催报 by an admin: rate-limited per plan and month, audited."""
    if not scope_for(user).can_review:
        raise PermissionDenied("只有省级管理员可以催报")
    now = now or timezone.now()
    minutes = settings.REMINDER_MIN_INTERVAL_MINUTES
    last = Reminder.objects.filter(plan=plan, year=year, month=month, kind=Reminder.Kind.MANUAL).first()
    if last and last.created_at > now - timedelta(minutes=minutes):
        wait = int((last.created_at + timedelta(minutes=minutes) - now).total_seconds() // 60) + 1
        raise ChaseError(f"{minutes}分钟内已催报过本月，请{wait}分钟后再试")
    rows = open_regions(plan, year, month)
    if not rows:
        raise ChaseError("本月各地区均已报送，无需催报")
    reminder = reminder_send(
        plan=plan,
        year=year,
        month=month,
        kind=Reminder.Kind.MANUAL,
        channels=channels,
        message=message or default_message(plan, year, month, "manual"),
        user=user,
        rows=rows,
    )
    AuditEntry.objects.create(
        subject=AuditEntry.Subject.REMINDER,
        plan=plan,
        year=year,
        month=month,
        field="reminder",
        new_value=f"催报{len(rows)}个地区或部门",
        user=user,
        via=AuditEntry.Via.FORM,
        remark=f"渠道：{reminder.channels}；{reminder.message}"[:500],
    )
    return reminder


def reminders_due(today: dt.date) -> list[Reminder]:
    """The scheduled reminders of `today`: N days before the deadline and the day after it, once each."""
    year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    sent = []
    for plan in Plan.objects.filter(start_date__lte=today):
        if not plan.covers_month(year, month):
            continue
        kind = _due_kind(reporting_deadline(plan, year, month), today)
        if kind and not Reminder.objects.filter(plan=plan, year=year, month=month, kind=kind).exists():
            rows = open_regions(plan, year, month) + _reopened_returned(plan, (year, month), today)
            if rows:
                message = default_message(plan, year, month, kind)
                sent.append(
                    reminder_send(
                        plan=plan, year=year, month=month, kind=kind, channels=CHANNELS, message=message, rows=rows
                    )
                )
    return sent


def _due_kind(deadline: dt.date, today: dt.date) -> str | None:
    if today == deadline - timedelta(days=settings.REMINDER_DAYS_BEFORE):
        return Reminder.Kind.BEFORE
    if today == deadline + timedelta(days=1):
        return Reminder.Kind.AFTER
    return None


def _reopened_returned(plan: Plan, period: tuple[int, int], today: dt.date) -> list:
    """Returned months of earlier periods that were reopened and are still open: their reporters owe them too."""
    from targets.queries import CompletenessRow

    subs = (
        Submission.objects.filter(plan=plan, status=Submission.Status.RETURNED, reopened_until__gte=today)
        .exclude(year=period[0], month=period[1])
        .select_related("region")
    )
    return [CompletenessRow(s.region, s.status, s.get_status_display(), None, None, s.id) for s in subs]


# --- reading --------------------------------------------------------------------------------------------


def reminder_log(plan: Plan | None = None, year: int | None = None, month: int | None = None, limit: int = 10):
    """Recent reminders with their delivery counts, for the completeness and home pages (1 query)."""
    from django.db.models import Count

    reminders = Reminder.objects.select_related("plan", "requested_by").annotate(
        delivered=Count("deliveries", filter=Q(deliveries__status=Delivery.Status.DELIVERED), distinct=True),
        failed=Count("deliveries", filter=Q(deliveries__status=Delivery.Status.FAILED), distinct=True),
        pending=Count("deliveries", filter=Q(deliveries__status=Delivery.Status.PENDING), distinct=True),
    )
    if plan is not None:
        reminders = reminders.filter(plan=plan, year=year, month=month)
    return list(reminders[:limit])
