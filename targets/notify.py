"""Notifications and reminders (催报): the bell in the product, email and group-robot webhooks.

The bell is always written; email and webhook messages become `Delivery` rows sent by a thin Celery task
(`targets.delivery.deliver`) after the transaction commits, retried with backoff, each attempt's answer kept.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from plans.models import Plan, Profile, Region
from plans.scope import scope_for
from skills_admin.lib import clock
from targets.delivery import deliver
from targets.models import AuditEntry, ChaseSlot, Delivery, Notification, Reminder, Submission
from targets.periods import applicable_deadline, month_state, reporting_deadline

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
    """The link as it works outside the browser session (email, group robot): SITE_URL + path."""
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
    review_url = reverse("targets:review", args=[submission.pk])
    if event == Notification.Kind.SUBMITTED:
        # the reporters' reminders and return notices of this month are done
        _mark_done(url, (Notification.Kind.REMINDER, Notification.Kind.RETURNED))
        notify(users=reviewers_of(region), kind=event, title=f"{holder}已报送{period}数据，待审核", url=review_url)
        return
    _mark_done(review_url, (Notification.Kind.SUBMITTED,))  # returned or approved: the review is done
    if event == Notification.Kind.RETURNED:
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


def _mark_done(url: str, kinds) -> None:
    """The bell items that asked for this task are done (they stop counting as unread)."""
    Notification.objects.filter(url=url, kind__in=kinds, done_at__isnull=True).update(done_at=timezone.now())


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
    *, plan: Plan, year: int, month: int, kind: str, channels, message: str, user=None, rows=None, today=None
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
        _remind_region(reminder, row, title, channels, today or clock.today())
    return reminder


def _remind_region(reminder: Reminder, row, title: str, channels, today: dt.date) -> None:
    plan, region, department = reminder.plan, row.region, getattr(row, "department", None)
    body = reminder.message
    sub = Submission.objects.filter(pk=row.submission_id).first() if row.submission_id else None
    if sub is not None and sub.status == Submission.Status.RETURNED:
        body += f"（本月数据已退回：{sub.return_reason}）"
    deadline = applicable_deadline(plan, reminder.year, reminder.month, sub)
    if deadline != reporting_deadline(plan, reminder.year, reminder.month):
        body += f"（贵单位本月填报已重新开放，截止{deadline:%Y年%m月%d日}）"
    url = _grid_url(plan, reminder.year, reminder.month, region, department)
    if not month_state(plan, reminder.year, reminder.month, sub, today).editable:
        # the schedule's 逾期催报 of a locked month: the link leads home, not to a grid that says 已锁定
        body += "（本月已锁定，如需补报请联系管理员重新开放）"
        url = reverse("home")
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
                    body=f"【{department or region.name}】{title}\n{body}\n{_absolute(url)}"[:1000],
                )
            ]
        )


def chase_month_check(plan: Plan, year: int, month: int, today: dt.date) -> None:
    """A chase is for a reporting month of the plan that has begun (not 2099-1, 2022-13, 1999-5)."""
    if not plan.covers_month(year, month):
        raise ChaseError(f"{year}年{month}月不是该方案的填报月份，不能催报")
    if (year, month) > (today.year, today.month):
        raise ChaseError(f"{year}年{month}月尚未开始，不能催报")


def chase_rows(plan: Plan, year: int, month: int, today: dt.date) -> tuple[list, list]:
    """(rows that can be chased, rows whose month is locked for them): chasing a locked month only lands
    the reporter on “已锁定”; those need reopening first."""
    rows = open_regions(plan, year, month)
    subs = Submission.objects.in_bulk([r.submission_id for r in rows if r.submission_id])
    open_, locked = [], []
    for row in rows:
        state = month_state(plan, year, month, subs.get(row.submission_id), today)
        (open_ if state.editable else locked).append(row)
    return open_, locked


@dataclass(frozen=True)
class Recipient:
    """Who a chase reaches for one holder, by which channel; what is missing is named."""

    holder: str
    status_label: str
    people: list  # [(name, email or "")]
    robot: str  # masked robot address, or ""
    locked: bool
    grid_url: str = ""  # where the admin reopens a locked month (the grid's 重新开放)
    deadline: dt.date | None = None  # the deadline that applies (a reopened month's date)

    @property
    def unreachable(self) -> list[str]:
        missing = []
        if not self.people:
            missing.append("没有填报员账号（站内通知和邮件都无人接收）")
        elif not any(email for _, email in self.people):
            missing.append("填报员均未填写邮箱")
        if not self.robot:
            missing.append("未设置群机器人")
        return missing


def holder_name(row) -> str:
    department = getattr(row, "department", None)
    return department.name if department is not None else row.region.name


def mask_address(address: str) -> str:
    """A robot address shown without its key: host and path, the secret query replaced."""
    head, _, query = address.partition("?")
    return f"{head}?…" if query else head


def chase_preview(plan: Plan, year: int, month: int, today: dt.date) -> list[Recipient]:
    """Before sending: every holder that still owes the month, who receives what, and who cannot be reached."""
    chaseable, locked = chase_rows(plan, year, month, today)
    subs = Submission.objects.in_bulk([r.submission_id for r in chaseable + locked if r.submission_id])
    result = []
    for row, is_locked in [(r, False) for r in chaseable] + [(r, True) for r in locked]:
        department = getattr(row, "department", None)
        people = [(u.get_full_name() or u.username, u.email) for u in reporters_of(row.region, department)]
        robot = row.region.webhook_url if department is None else ""
        result.append(
            Recipient(
                holder=holder_name(row),
                status_label=row.status_label,
                people=people,
                robot=mask_address(robot) if robot else "",
                locked=is_locked,
                grid_url=_grid_url(plan, year, month, row.region, department),
                deadline=applicable_deadline(plan, year, month, subs.get(row.submission_id)),
            )
        )
    return result


def _take_slot(plan: Plan, year: int, month: int, now, minutes: int) -> None:
    """Take the plan-month's chase slot atomically: a unique row inserted, or re-taken by one conditional
    UPDATE once the interval has passed. Of simultaneous requests exactly one succeeds (SQLite and PostgreSQL)."""
    try:
        with transaction.atomic():
            ChaseSlot.objects.create(plan=plan, year=year, month=month, taken_at=now)
        return
    except IntegrityError:
        pass
    cutoff = now - timedelta(minutes=minutes)
    slot = ChaseSlot.objects.filter(plan=plan, year=year, month=month)
    if slot.filter(taken_at__lte=cutoff).update(taken_at=now) == 1:
        return
    taken = slot.values_list("taken_at", flat=True).first() or now
    wait = max(int((taken + timedelta(minutes=minutes) - now).total_seconds() // 60) + 1, 1)
    raise ChaseError(f"{minutes}分钟内已催报过本月，请{wait}分钟后再试")


@transaction.atomic
def reminder_chase(
    *, plan: Plan, year: int, month: int, user, channels, message: str, now=None, today=None
) -> Reminder:
    """一键催报 by an admin: a reporting month of the plan, not locked, rate-limited per plan and month, audited."""
    if not scope_for(user).can_review:
        raise PermissionDenied("只有省级管理员可以催报")
    now = now or timezone.now()
    today = today or clock.today()
    chase_month_check(plan, year, month, today)
    rows, locked = chase_rows(plan, year, month, today)
    if not rows and locked:
        names = "、".join(holder_name(r) for r in locked)
        raise ChaseError(f"{year}年{month}月已过填报截止日并锁定（{names}），催报无法填报；请先为这些单位重新开放本月")
    if not rows:
        raise ChaseError("本月各地区均已报送，无需催报")
    _take_slot(plan, year, month, now, settings.REMINDER_MIN_INTERVAL_MINUTES)
    reminder = reminder_send(
        plan=plan,
        year=year,
        month=month,
        kind=Reminder.Kind.MANUAL,
        channels=channels,
        message=message or default_message(plan, year, month, "manual"),
        user=user,
        rows=rows,
        today=today,
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
        remark=f"渠道：{reminder.channel_labels}；{reminder.message}"[:500],
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
                        plan=plan,
                        year=year,
                        month=month,
                        kind=kind,
                        channels=CHANNELS,
                        message=message,
                        rows=rows,
                        today=today,
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


def reminders_in_scope(user):
    """Ids of the reminders that chased a region of the user's subtree (the one subtree filter)."""
    return Reminder.objects.filter(scope_for(user).q("regions")).values_list("pk", flat=True).distinct()


def reminder_log(
    plan: Plan | None = None, year: int | None = None, month: int | None = None, limit: int = 10, ids=None
):
    """Recent reminders with their delivery counts, for the completeness and home pages (1 query)."""
    from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
    from django.db.models.functions import Coalesce

    bells = (  # the bell items a chase put up (they are not deliveries: no outside channel involved)
        Notification.objects.filter(reminder=OuterRef("pk")).values("reminder").annotate(n=Count("id")).values("n")
    )
    reminders = Reminder.objects.select_related("plan", "requested_by").annotate(
        bells=Coalesce(Subquery(bells, output_field=IntegerField()), Value(0)),
        delivered=Count("deliveries", filter=Q(deliveries__status=Delivery.Status.DELIVERED), distinct=True),
        failed=Count("deliveries", filter=Q(deliveries__status=Delivery.Status.FAILED), distinct=True),
        pending=Count("deliveries", filter=Q(deliveries__status=Delivery.Status.PENDING), distinct=True),
    )
    if plan is not None:
        reminders = reminders.filter(plan=plan, year=year, month=month)
    if ids is not None:
        reminders = reminders.filter(pk__in=ids)
    return list(reminders[:limit])


def delivery_failures(reminders: list[Reminder]) -> list[Delivery]:
    """The failed deliveries of these reminders with the reason the server or robot gave (1 query): an admin
    sees why an email or robot message did not arrive, not only that it did not."""
    return list(
        Delivery.objects.filter(reminder__in=reminders, status=Delivery.Status.FAILED)
        .select_related("region", "user")
        .order_by("-created_at")[:50]
    )
