"""Follow-up notices (三色督办单): the engine proposes, the admin decides, the region answers.

- 蓝: a milestone or a target due before the year end falls due within N days and is not done;
- 黄: below 序时进度 (滞后, or 严重滞后 for the first month);
- 红: 严重滞后 two months in a row, a milestone overdue, or not reported after the reporting deadline
  (the reminder is the deadline itself until reminders exist).

`propose_colour` is pure; `notice_proposals` reads the engine (two `progress_report`s: this month and last);
the services write a notice and one `NoticeEvent` per step; `notices_escalate` turns unanswered notices
past their deadline red.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from plans.models import Plan, Profile, Region
from plans.scope import scope_for
from reports.models import CircularStyle, Notice, NoticeEvent
from targets.engine import Progress, Status, TargetRow, month_end
from targets.formatting import format_percent
from targets.periods import reporting_deadline
from targets.report_cache import shared_report

logger = logging.getLogger(__name__)
DEFAULT_BLUE_DAYS = 15
DEFAULT_ANSWER_DAYS = 7
DEFAULT_NOTICE_PREFIX = "督办"
COLOUR_ORDER = {"red": 0, "yellow": 1, "blue": 2}


@dataclass(frozen=True)
class Proposal:
    region: Region
    target: TargetRow
    colour: str
    reason: str
    already_issued: bool = False

    @property
    def colour_label(self) -> str:
        return Notice.Colour(self.colour).label


def propose_colour(
    p: Progress,
    previous: Progress | None,
    *,
    due_date: dt.date | None,
    today: dt.date,
    blue_days: int,
    deadline_passed: bool,
) -> tuple[str, str] | None:
    """The colour the engine proposes for one cell, and why; None when no notice is called for."""
    status = p.status
    if not status.is_tracked:  # 无任务, or a target nobody reports monthly (不按月统计): nothing to follow up
        return None
    if status == Status.MILESTONE_OVERDUE:
        return "red", "逾期未完成"
    unreported = status == Status.NOT_REPORTED or (not p.reported and not status.is_milestone and status != Status.DONE)
    if unreported and deadline_passed:
        return "red", "逾期未报送本月数据"
    if status == Status.NOT_REPORTED:
        return None
    if status == Status.SEVERE:
        gap = f"，低于序时进度{_points(p)}个百分点" if p.schedule_gap is not None else ""
        if previous is not None and previous.status == Status.SEVERE:
            return "red", f"连续两个月严重滞后（完成率{format_percent(p.completion_rate)}{gap}）"
        return "yellow", f"严重滞后（完成率{format_percent(p.completion_rate)}{gap}）"
    if status == Status.LAGGING:
        return "yellow", f"低于序时进度{_points(p)}个百分点（完成率{format_percent(p.completion_rate)}）"
    done = status in (Status.DONE, Status.MILESTONE_DONE, Status.NO_TASK)
    if not done and due_date is not None and today <= due_date <= today + dt.timedelta(days=blue_days):
        return "blue", f"将于{due_date:%Y年%m月%d日}到期，尚未完成"
    return None


def _points(p: Progress) -> str:
    return "—" if p.schedule_gap is None else f"{abs(p.schedule_gap):.1f}"


def _due_date(target: TargetRow, year: int) -> dt.date | None:
    """The date a milestone or a target due before the year end falls due; None for plain annual targets."""
    if target.kind != "milestone" and target.due_month in (None, 12):
        return None
    return month_end(year, target.due_month or 12)


def notice_style(plan: Plan) -> tuple[str, int, int]:
    style = CircularStyle.objects.filter(plan=plan).first()
    if style is None:
        return DEFAULT_NOTICE_PREFIX, DEFAULT_BLUE_DAYS, DEFAULT_ANSWER_DAYS
    return style.notice_prefix or DEFAULT_NOTICE_PREFIX, style.notice_blue_days, style.notice_answer_days


def notice_proposals(plan: Plan, year: int, month: int, *, today: dt.date) -> list[Proposal]:
    """What the engine proposes for the plan's regions this month, red first (~14 queries)."""
    _, blue_days, _ = notice_style(plan)
    report = shared_report(plan, year, month)
    before = shared_report(plan, year, month - 1) if month > 1 else None
    deadline_passed = today > reporting_deadline(plan, year, month)
    issued = set(Notice.objects.filter(plan=plan, year=year, month=month).values_list("region_id", "target_id"))
    proposals = []
    for target in report.targets:
        for cell in report.target_cells(target.id):
            previous = before.cell(target.id, cell.region_id) if before else None
            colour = propose_colour(
                cell.progress,
                previous.progress if previous else None,
                due_date=_due_date(target, year),
                today=today,
                blue_days=blue_days,
                deadline_passed=deadline_passed,
            )
            if colour:
                region = next(r for r in report.regions if r.id == cell.region_id)
                key = (region.id, target.id)
                proposals.append(Proposal(region, target, *colour, already_issued=key in issued))
    return sorted(proposals, key=lambda p: (COLOUR_ORDER[p.colour], p.region.sort_order, p.region.code, p.target.code))


# --- the steps ------------------------------------------------------------------------------------------------


# Who is told of each step: the region's reporters of what the province does, the province of what they do.
TO_REGION = ("下发", "办结", "退回", "升级")


def _event(notice: Notice, action: str, user, comment: str = "") -> None:
    """Record a step of the notice and tell the other side, in the bell and by email (the reminders' channels)."""
    from targets.models import Notification
    from targets.notify import notify, reporters_of, reviewers_of

    NoticeEvent.objects.create(notice=notice, action=action, user=user, comment=comment)
    users = reporters_of(notice.region) if action in TO_REGION else reviewers_of(notice.region)
    notify(
        users=[u for u in users if u != user],
        kind=Notification.Kind.NOTICE,
        title=f"督办单{notice.number}（{notice.region.name}）：{action}",
        body=comment[:1000],
        url=reverse("reports:notice_detail", args=[notice.pk]),
        channels=("site", "email"),
    )


def notice_issue(
    *,
    plan: Plan,
    region: Region,
    target_id: int,
    year: int,
    month: int,
    colour: str,
    reason: str,
    requirement: str = "",
    user,
    today: dt.date,
) -> Notice:
    """Issue a numbered notice to `region` and write its Word file."""
    from reports.documents import document_number_take

    if not scope_for(user).is_admin:
        raise PermissionDenied("只有省级管理员可以发出督办单")
    if colour not in Notice.Colour.values:
        raise ValidationError("督办单颜色无效")
    prefix, _, answer_days = notice_style(plan)
    with transaction.atomic():
        notice = Notice.objects.create(
            plan=plan,
            region=region,
            target_id=target_id,
            year=year,
            month=month,
            colour=colour,
            reason=reason[:300],
            requirement=requirement,
            answer_due=today + dt.timedelta(days=answer_days),
            issued_by=user,
            number="",
        )
        notice.number = document_number_take(prefix=prefix, year=today.year, subject=f"notice:{notice.pk}")
        notice.docx_path = str(_write_notice_file(notice, today))
        notice.save(update_fields=["number", "docx_path", "pdf_path"])
        _event(notice, "下发", user, f"{notice.get_colour_display()}色督办：{reason}")
    return notice


def _check_region_user(notice: Notice, user) -> None:
    if not is_region_reporter(scope_for(user), notice):
        raise PermissionDenied("只有被督办地区的填报人员可以签收和反馈")


def is_region_reporter(scope, notice: Notice) -> bool:
    """The reporters of the region a notice is addressed to (or of a region above it) sign and answer it; an
    admin, who checks the answer, never answers for the region."""
    return scope.role == Profile.Role.REPORTER and scope.covers(notice.region)


def notice_sign(*, notice: Notice, user) -> Notice:
    _check_region_user(notice, user)
    if notice.status != Notice.Status.ISSUED:
        raise ValidationError("该督办单已签收")
    with transaction.atomic():
        notice.status = Notice.Status.SIGNED
        notice.save(update_fields=["status"])
        _event(notice, "签收", user)
    return notice


def notice_answer(*, notice: Notice, user, reasons: str, measures: str, date: dt.date) -> Notice:
    _check_region_user(notice, user)
    if notice.status not in (Notice.Status.SIGNED, Notice.Status.RETURNED, Notice.Status.ISSUED):
        raise ValidationError("该督办单当前不能反馈")
    with transaction.atomic():
        if notice.status == Notice.Status.ISSUED:
            _event(notice, "签收", user)
        notice.answer_reasons, notice.answer_measures, notice.answer_date = reasons, measures, date
        notice.status, notice.answered_at = Notice.Status.ANSWERED, timezone.now()
        notice.save(update_fields=["answer_reasons", "answer_measures", "answer_date", "status", "answered_at"])
        _event(notice, "反馈", user, f"原因：{reasons}\n措施：{measures}\n完成时间：{date:%Y-%m-%d}")
    return notice


def notice_review(*, notice: Notice, user, close: bool, comment: str = "") -> Notice:
    """复核: close the notice (办结) or send it back (退回) for a better answer."""
    if not scope_for(user).is_admin:
        raise PermissionDenied("只有省级管理员可以复核督办单")
    if notice.status != Notice.Status.ANSWERED:
        raise ValidationError("只有已反馈的督办单可以复核")
    with transaction.atomic():
        notice.review_comment = comment
        if close:
            notice.status, notice.closed_at = Notice.Status.CLOSED, timezone.now()
        else:
            notice.status = Notice.Status.RETURNED
        notice.save(update_fields=["review_comment", "status", "closed_at"])
        _event(notice, "办结" if close else "退回", user, comment)
    return notice


def notices_escalate(*, today: dt.date) -> int:
    """Unanswered notices past their deadline turn red and are escalated (once)."""
    late = [n for n in Notice.objects.filter(escalated=False).open() if n.is_overdue(today)]
    with transaction.atomic():
        for notice in late:
            notice.colour, notice.escalated = Notice.Colour.RED, True
            notice.save(update_fields=["colour", "escalated"])
            _event(notice, "升级", None, f"超过反馈期限（{notice.answer_due:%Y-%m-%d}）未反馈，升级为红色督办")
    return len(late)


# --- reads ----------------------------------------------------------------------------------------------------


def notice_lists(user, plan: Plan, *, today: dt.date) -> dict:
    """Open notices by colour and region, overdue answers, closed this month (2 queries)."""
    notices = list(
        Notice.objects.visible_to(user).filter(plan=plan).select_related("region", "target", "target__key_task")
    )
    open_ = sorted((n for n in notices if n.is_open), key=lambda n: (COLOUR_ORDER[n.colour], n.region.sort_order, n.pk))
    return {
        "open": open_,
        "open_counts": _colour_counts(open_),
        "overdue": [n for n in open_ if n.is_overdue(today)],
        "closed": [
            n
            for n in notices
            if n.closed_at and timezone.localtime(n.closed_at).date().replace(day=1) == today.replace(day=1)
        ],
    }


def _colour_counts(notices: list[Notice]) -> list[tuple[str, int]]:
    counts = Counter(n.colour for n in notices)
    return [(Notice.Colour(c).label, counts[c]) for c in COLOUR_ORDER if counts[c]]


def follow_up_sentences(plan: Plan, region: Region, year: int, month: int) -> tuple[str, ...]:
    """What the circular of (year, month) says about the notices issued on last month's figures.

    Notices on month m-1 are issued during month m (after m-1's circular), so the circular of month m reports
    them: “本月发出督办单N份（红X 黄Y 蓝Z），已反馈M份”, and names those not yet answered.
    """
    before = (year, month - 1) if month > 1 else (year - 1, 12)
    notices = list(
        Notice.objects.filter(plan=plan, year=before[0], month=before[1], region__path__startswith=region.path)
        .select_related("region", "target")
        .order_by("id")
    )
    if not notices:
        return ()
    colours = Counter(n.colour for n in notices)
    answered = [n for n in notices if n.status in (Notice.Status.ANSWERED, Notice.Status.CLOSED)]
    text = (
        f"本月发出督办单{len(notices)}份（红{colours['red']} 黄{colours['yellow']} 蓝{colours['blue']}），"
        f"已反馈{len(answered)}份"
    )
    waiting = [n for n in notices if n.awaiting_answer]
    if waiting:
        text += "；尚未反馈的有：" + "、".join(f"{n.region.name}（{n.target.name}，{n.number}）" for n in waiting)
    return (text + "。",)


# --- the notice as a Word file ----------------------------------------------------------------------------------


def _write_notice_file(notice: Notice, today: dt.date) -> Path:
    from reports.documents import write_atomically
    from reports.pdf import PdfUnavailable, build_notice_pdf
    from reports.word import NoticeText, build_notice_docx

    style = CircularStyle.objects.filter(plan=notice.plan).first()
    text = NoticeText(
        masthead=style.masthead if style else notice.plan.region.name,
        number=notice.number,
        colour_label=notice.get_colour_display(),
        region_name=notice.region.name,
        target_name=notice.target.name,
        period=f"{notice.year}年1—{notice.month}月" if notice.month > 1 else f"{notice.year}年1月",
        reason=notice.reason,
        requirement=notice.requirement,
        answer_due=notice.answer_due,
        issue_date=today,
    )
    folder = Path(settings.MEDIA_ROOT) / "notices" / notice.plan.slug
    if settings.CIRCULAR_PDF:
        try:
            notice.pdf_path = str(write_atomically(folder / f"notice-{notice.pk}.pdf", build_notice_pdf(text)))
        except PdfUnavailable as exc:
            logger.warning("notice PDF not produced: %s", exc)
    return write_atomically(folder / f"notice-{notice.pk}.docx", build_notice_docx(text))
