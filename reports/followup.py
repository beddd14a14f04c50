"""Follow-up notices (三色督办单): the engine proposes, the admin decides, the region answers.

- 蓝: a milestone or a target due before the year end falls due within N days and is not done;
- 黄: below 序时进度 (滞后, or 严重滞后 for the first month);
- 红: 严重滞后 two months in a row, a milestone overdue, or not reported after the reporting deadline
  (the reminder is the deadline itself until reminders exist).

`propose_colour` is pure; `notice_proposals` reads the engine (two `progress_report`s: this month and last)
for the regions below the admin's own; `proposals_by_region` groups them, one notice per region listing its
items. A notice is a case: 下发 → 签收 → 反馈 (with 佐证材料, `evidence.py`) → 复核 (退回 or 办结) → 归档, each
step one `NoticeEvent` told to the other side (`notice_timeline` reads them back); only the region's own
reporters sign and answer, only the issuer's side reviews and closes; a leader may add a 领导批示;
`notices_escalate` turns unanswered notices past their deadline red.
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
from reports.circular_content import follow_up_sentences  # noqa: F401  (what the circular says of notices)
from reports.models import CircularStyle, Notice, NoticeEvent, NoticeItem
from skills_admin.lib import clock
from skills_admin.lib.downloads import media_name
from targets.engine import MILESTONE, Progress, Status, TargetRow, month_end
from targets.formatting import format_percent, months_through
from targets.periods import applicable_deadline
from targets.queries import submissions_by_region
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
    if target.kind != MILESTONE and target.due_month in (None, 12):
        return None
    return month_end(year, target.due_month or 12)


def notice_style(plan: Plan) -> tuple[str, int, int]:
    """The notice number prefix (the plan's 通报版式: its notice prefix, else its document prefix), the days of
    warning for blue and the days given to answer."""
    style = CircularStyle.objects.filter(plan=plan).first()
    if style is None:
        return DEFAULT_NOTICE_PREFIX, DEFAULT_BLUE_DAYS, DEFAULT_ANSWER_DAYS
    prefix = style.notice_prefix or style.number_prefix or DEFAULT_NOTICE_PREFIX
    return prefix, style.notice_blue_days, style.notice_answer_days


def notice_proposals(
    plan: Plan,
    year: int,
    month: int,
    *,
    today: dt.date,
    user=None,
    colour: str = "",
    region_code: str = "",
    target_id: int | None = None,
) -> list[Proposal]:
    """What the engine proposes this month for the regions below the user's own, red first (~14 queries).

    A city admin's proposals are its counties' (the report of its subtree); without a user, the plan's regions.
    `colour`, `region_code` and `target_id` narrow the list (the page's filters).
    """
    _, blue_days, _ = notice_style(plan)
    scope = scope_for(user) if user is not None else None
    parent = scope.home_region(plan) if scope is not None else plan.region
    report = shared_report(plan, year, month, region=parent)
    before = shared_report(plan, year, month - 1, region=parent) if month > 1 else None
    submissions = submissions_by_region(plan, year, month)  # a reopened month is not overdue before its new date
    issued = set(
        NoticeItem.objects.filter(notice__plan=plan, notice__year=year, notice__month=month).values_list(
            "notice__region_id", "target_id"
        )
    )
    regions = {r.id: r for r in report.regions if r != parent and (scope is None or scope.covers(r))}
    proposals = []
    for target in report.targets:
        if target_id is not None and target.id != target_id:
            continue
        for cell in report.target_cells(target.id):
            region = regions.get(cell.region_id)
            if region is None or (region_code and region.code != region_code):
                continue
            previous = before.cell(target.id, cell.region_id) if before else None
            proposed = propose_colour(
                cell.progress,
                previous.progress if previous else None,
                due_date=_due_date(target, year),
                today=today,
                blue_days=blue_days,
                deadline_passed=today > applicable_deadline(plan, year, month, submissions.get(region.id)),
            )
            if proposed and (not colour or proposed[0] == colour):
                proposals.append(Proposal(region, target, *proposed, already_issued=(region.id, target.id) in issued))
    return sorted(proposals, key=lambda p: (COLOUR_ORDER[p.colour], p.region.sort_order, p.region.code, p.target.code))


@dataclass(frozen=True)
class RegionProposals:
    """One region's proposals: what one notice to that region would list."""

    region: Region
    proposals: tuple[Proposal, ...]

    @property
    def colour(self) -> str:
        """The notice's colour: the worst of its items."""
        return min((p.colour for p in self.proposals), key=COLOUR_ORDER.__getitem__)

    @property
    def colour_label(self) -> str:
        return Notice.Colour(self.colour).label

    @property
    def open_proposals(self) -> tuple[Proposal, ...]:
        return tuple(p for p in self.proposals if not p.already_issued)


def proposals_by_region(proposals: list[Proposal]) -> list[RegionProposals]:
    """Proposals grouped per region, the regions with the worst colour first."""
    grouped: dict[int, list[Proposal]] = {}
    for p in proposals:
        grouped.setdefault(p.region.id, []).append(p)
    groups = [RegionProposals(items[0].region, tuple(items)) for items in grouped.values()]
    return sorted(groups, key=lambda g: (COLOUR_ORDER[g.colour], g.region.sort_order, g.region.code))


# --- the steps ------------------------------------------------------------------------------------------------


# Who is told of each step: the region's reporters of what the province does, the province of what they do.
INSTRUCTION = "领导批示"
TO_REGION = ("下发", "办结", "退回", "升级", INSTRUCTION)


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


@dataclass(frozen=True)
class NoticeDraft:
    """What the admin decided for one region: the items chosen and the notice's own words."""

    region: Region
    target_ids: tuple[int, ...]
    requirement: str = ""
    handler_unit: str = ""
    handler_person: str = ""
    answer_due: dt.date | None = None


def notices_issue(
    *, plan: Plan, year: int, month: int, drafts: list[NoticeDraft], user, today: dt.date
) -> list[Notice]:
    """Issue one numbered notice per region listing the chosen items, all or none.

    The items' colours and reasons are the engine's (read again here, never taken from the form); an item
    already issued this month, or no longer proposed, is refused.
    """
    scope = scope_for(user)
    if not scope.is_admin:
        raise PermissionDenied("只有管理员可以发出督办单")
    if not plan.covers_month(year, month):
        raise ValidationError(f"{year}年{month}月不在方案实施期内")
    proposed = {(p.region.id, p.target.id): p for p in notice_proposals(plan, year, month, today=today, user=user)}
    notices = []
    with transaction.atomic():
        for draft in drafts:
            if not draft.target_ids:
                continue
            items = [proposed.get((draft.region.id, t)) for t in draft.target_ids]
            if any(p is None for p in items):
                raise ValidationError(f"{draft.region.name}的督办事项不在本月建议之列，请刷新页面后重试")
            if any(p.already_issued for p in items):
                raise ValidationError(f"{draft.region.name}的部分事项本月已发出督办单")
            notices.append(_notice_create(plan, year, month, draft, items, user=user, scope=scope, today=today))
    return notices


def _notice_create(plan, year, month, draft: NoticeDraft, items: list[Proposal], *, user, scope, today) -> Notice:
    from reports.documents import document_number_take

    prefix, _, answer_days = notice_style(plan)
    group = RegionProposals(draft.region, tuple(items))
    reason = "；".join(f"{p.target.name}{p.reason}" for p in items)
    notice = Notice.objects.create(
        plan=plan,
        region=draft.region,
        year=year,
        month=month,
        colour=group.colour,
        reason=reason[:300],
        requirement=draft.requirement,
        handler_unit=draft.handler_unit,
        handler_person=draft.handler_person,
        answer_due=draft.answer_due or today + dt.timedelta(days=answer_days),
        issued_by=user,
        issuer_region=scope.region or plan.region,
        number="",
    )
    NoticeItem.objects.bulk_create(
        [NoticeItem(notice=notice, target_id=p.target.id, colour=p.colour, reason=p.reason[:300]) for p in items]
    )
    notice.number = document_number_take(prefix=prefix, year=today.year, subject=f"notice:{notice.pk}")
    notice.docx_path = media_name(_write_notice_file(notice, today))
    notice.save(update_fields=["number", "docx_path", "pdf_path"])
    _event(notice, "下发", user, f"{notice.get_colour_display()}色督办：{reason}")
    return notice


def _check_region_user(notice: Notice, user) -> None:
    if not is_region_reporter(scope_for(user), notice):
        raise PermissionDenied("只有被督办地区本级的填报人员可以签收和反馈")


def is_region_reporter(scope, notice: Notice) -> bool:
    """Only the region's own reporters sign and answer its notice: not a reporter above it, not a department's
    reporter, not an admin (who checks the answer)."""
    return (
        scope.role == Profile.Role.REPORTER
        and scope.department_id is None
        and scope.region is not None
        and scope.region.pk == notice.region_id
    )


def is_reviewer(scope, notice: Notice) -> bool:
    """The issuer's side reviews and closes (办结) a notice: an admin of the issuing region or above it, never
    the addressed region's own admin (segregation of duties)."""
    issuer = notice.issuer_region or notice.plan.region
    return scope.is_admin and scope.covers(issuer) and (scope.is_global or scope.region.pk != notice.region_id)


def is_party(scope, notice: Notice) -> bool:
    """Who may read a notice's evidence: its region's reporters, the issuer's admins, leaders above it."""
    leader = scope.role == Profile.Role.LEADER and scope.covers(notice.region)
    return is_region_reporter(scope, notice) or is_reviewer(scope, notice) or leader


def notice_sign(*, notice: Notice, user) -> Notice:
    _check_region_user(notice, user)
    if notice.status != Notice.Status.ISSUED:
        raise ValidationError("该督办单已签收")
    with transaction.atomic():
        notice.status = Notice.Status.SIGNED
        notice.save(update_fields=["status"])
        _event(notice, "签收", user)
    return notice


def notice_answer(
    *, notice: Notice, user, reasons: str, measures: str, date: dt.date, files=(), today: dt.date | None = None
) -> Notice:
    """The region's answer, with its 佐证材料 (already checked by `evidence.check_upload`)."""
    from reports import evidence

    _check_region_user(notice, user)
    if notice.status not in (Notice.Status.SIGNED, Notice.Status.RETURNED, Notice.Status.ISSUED):
        raise ValidationError("该督办单当前不能反馈")
    today = today or clock.today()
    if not answer_date_allowed(notice.plan, date, today=today):
        raise ValidationError(answer_date_error(notice.plan, today))
    with transaction.atomic():
        if notice.status == Notice.Status.ISSUED:
            _event(notice, "签收", user)
        notice.answer_reasons, notice.answer_measures, notice.answer_date = reasons, measures, date
        notice.status, notice.answered_at = Notice.Status.ANSWERED, timezone.now()
        notice.save(update_fields=["answer_reasons", "answer_measures", "answer_date", "status", "answered_at"])
        names = [evidence.attachment_store(notice=notice, upload=f, user=user).original_name for f in files]
        attached = f"\n佐证材料：{'、'.join(names)}" if names else ""
        _event(notice, "反馈", user, f"原因：{reasons}\n措施：{measures}\n完成时间：{date:%Y-%m-%d}{attached}")
    return notice


def answer_date_allowed(plan: Plan, date: dt.date, *, today: dt.date) -> bool:
    """承诺完成时间: not in the past, and not beyond a year after the plan ends (a year from today for a plan
    already over, whose notices are still being answered)."""
    return today <= date <= _latest_answer_date(plan, today)


def answer_date_error(plan: Plan, today: dt.date) -> str:
    return f"承诺完成时间应在{today:%Y-%m-%d}至{_latest_answer_date(plan, today):%Y-%m-%d}之间"


def _latest_answer_date(plan: Plan, today: dt.date) -> dt.date:
    return max(_a_year_after(plan.end_date), _a_year_after(today))


def _a_year_after(day: dt.date) -> dt.date:
    return day.replace(year=day.year + 1, day=28 if (day.month, day.day) == (2, 29) else day.day)


def notice_review(*, notice: Notice, user, close: bool, comment: str = "") -> Notice:
    """复核: close the notice (办结) or send it back (退回) for a better answer; the issuer's side only."""
    if not is_reviewer(scope_for(user), notice):
        raise PermissionDenied("只有发出督办单的一方可以复核和办结")
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


def notice_archive(*, notice: Notice, user) -> Notice:
    """归档: a closed notice is filed; it leaves the working lists but stays readable."""
    if not is_reviewer(scope_for(user), notice):
        raise PermissionDenied("只有发出督办单的一方可以归档")
    if notice.status != Notice.Status.CLOSED or notice.archived_at is not None:
        raise ValidationError("只有已办结、未归档的督办单可以归档")
    with transaction.atomic():
        notice.archived_at = timezone.now()
        notice.save(update_fields=["archived_at"])
        _event(notice, "归档", user)
    return notice


def notice_instruct(*, notice: Notice, user, text: str) -> Notice:
    """领导批示: a leader's instruction on a notice, recorded and shown to the region."""
    scope = scope_for(user)
    if scope.role != Profile.Role.LEADER or not scope.covers(notice.region):
        raise PermissionDenied("只有领导可以批示")
    with transaction.atomic():
        _event(notice, INSTRUCTION, user, text)
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


@dataclass(frozen=True)
class TimelineStep:
    label: str
    state: str  # done / pending / overdue
    at: dt.datetime | None = None
    who: str = ""


# The steps of a case and the events that complete each (the last such event counts).
TIMELINE = (
    ("下发", ("下发",)),
    ("签收", ("签收",)),
    ("反馈", ("反馈",)),
    ("复核", ("退回", "办结")),
    ("办结", ("办结",)),
    ("归档", ("归档",)),
)


def notice_timeline(notice: Notice, events: list[NoticeEvent], *, today: dt.date) -> list[TimelineStep]:
    """下发 → 签收 → 反馈 → 复核 → 办结 → 归档, each with who and when; a step still waiting past the answer
    deadline is overdue. A send-back reopens 反馈: a step counts only if done after the last 退回."""
    returned = [i for i, e in enumerate(events) if e.action == "退回"]
    steps = []
    for label, actions in TIMELINE:
        done = [e for i, e in enumerate(events) if e.action in actions]
        if label in ("反馈", "办结") and returned:
            done = [e for i, e in enumerate(events) if e.action in actions and i > returned[-1]]
        if done:
            e = done[-1]
            who = (e.user.get_full_name() or e.user.username) if e.user else "系统"
            steps.append(TimelineStep(label, "done", e.at, who))
        else:
            late = label in ("签收", "反馈") and notice.is_overdue(today)
            steps.append(TimelineStep(label, "overdue" if late else "pending"))
    return steps


def notice_lists(user, plan: Plan, *, today: dt.date) -> dict:
    """Open notices by colour and region, overdue answers, closed this month (2 queries)."""
    notices = list(
        Notice.objects.visible_to(user)
        .filter(plan=plan)
        .select_related("region", "target")
        .prefetch_related("items__target")
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


# --- the notice as a Word file ----------------------------------------------------------------------------------


def _write_notice_file(notice: Notice, today: dt.date) -> Path:
    from reports.documents import write_atomically
    from reports.pdf import PdfUnavailable, build_notice_pdf
    from reports.word import NoticeLine, NoticeText, build_notice_docx

    style = CircularStyle.objects.filter(plan=notice.plan).first()
    issuer = notice.issuer_region or notice.plan.region
    text = NoticeText(
        masthead=style.masthead if style and issuer == notice.plan.region else issuer.bureau,
        number=notice.number,
        colour_label=notice.get_colour_display(),
        addressee=notice.region.bureau,
        items=tuple(
            NoticeLine(item.target.name, item.get_colour_display(), item.reason)
            for item in notice.items.select_related("target")
        ),
        period=f"{notice.year}年{months_through(notice.month)}",
        requirement=notice.requirement,
        answer_due=notice.answer_due,
        issue_date=today,
        handler=" ".join(x for x in (notice.handler_unit, notice.handler_person) if x),
    )
    folder = Path(settings.MEDIA_ROOT) / "notices" / notice.plan.slug
    if settings.CIRCULAR_PDF:
        try:
            pdf = write_atomically(folder / f"notice-{notice.pk}.pdf", build_notice_pdf(text))
            notice.pdf_path = media_name(pdf)
        except PdfUnavailable as exc:
            logger.warning("notice PDF not produced: %s", exc)
    return write_atomically(folder / f"notice-{notice.pk}.docx", build_notice_docx(text))
