"""Follow-up notices (三色督办单): proposals and lists, issue, sign, answer, review, download."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from plans.models import Region
from plans.scope import scope_for
from plans.views import get_plan_for_user
from reports import evidence, followup
from reports.forms import (
    NoticeAnswerForm,
    NoticeBatchForm,
    NoticeDraftForm,
    NoticeInstructionForm,
    NoticeReviewForm,
)
from reports.models import Notice, NoticeAttachment
from skills_admin.lib import clock
from skills_admin.lib.downloads import attachment, media_file
from targets.selection import filter_context, resolve


def _notice_for_user(request, pk: int) -> Notice:
    """A notice inside the user's scope (404 otherwise: a region sees only its own notices)."""
    queryset = Notice.objects.visible_to(request.user).select_related("plan", "region", "target", "issued_by")
    return get_object_or_404(queryset, pk=pk)


def _proposal_filters(request) -> dict:
    """The proposals' filters from the query string: colour, region code, target id."""
    colour = request.GET.get("colour", "")
    target = request.GET.get("target", "")
    return {
        "colour": colour if colour in Notice.Colour.values else "",
        "region_code": request.GET.get("region_code", "")[:20],
        "target_id": int(target) if target.isdigit() else None,
    }


@login_required
def notice_list(request):
    sel = resolve(request)
    scope = scope_for(request.user)
    today = clock.today()
    ctx = {
        **filter_context(request, sel, with_regions=False),
        "lists": followup.notice_lists(request.user, sel.plan, today=today),
        "today": today,
    }
    if scope.is_admin:
        everything = followup.notice_proposals(sel.plan, sel.year, sel.month, today=today, user=request.user)
        filters = _proposal_filters(request)
        shown = (
            followup.notice_proposals(sel.plan, sel.year, sel.month, today=today, user=request.user, **filters)
            if any(filters.values())
            else everything
        )
        ctx |= {
            "proposals": shown,
            "colour_choices": Notice.Colour.choices,
            "groups": followup.proposals_by_region(shown),
            "filters": filters,
            "proposal_regions": sorted(
                {p.region.id: p.region for p in everything}.values(), key=lambda r: (r.sort_order, r.code)
            ),
            "proposal_targets": sorted({p.target.id: p.target for p in everything}.values(), key=lambda t: t.code),
            "default_due": today + dt.timedelta(days=followup.notice_style(sel.plan)[2]),
        }
    return render(request, "reports/notice_list.html", ctx)


def _drafts(request, plan, today) -> list[followup.NoticeDraft]:
    """Each region's chosen items (`item` = "<region code>:<target id>") and its own words (prefixed fields)."""
    chosen: dict[str, list[int]] = {}
    for value in request.POST.getlist("item"):
        code, _, target = value.partition(":")
        if not target.isdigit():
            raise ValidationError("督办事项无效")
        chosen.setdefault(code, []).append(int(target))
    scope = scope_for(request.user)
    drafts = []
    for code, target_ids in chosen.items():
        region = Region.objects.filter(code=code).first()
        if region is None or not (region.is_within(plan.region) and scope.administers(region)):
            raise Http404("该地区不在方案范围内或不在您的管理范围内")
        form = NoticeDraftForm(request.POST, prefix=code, today=today)
        if not form.is_valid():
            raise ValidationError(f"{region.name}：" + "；".join(e for es in form.errors.values() for e in es))
        drafts.append(followup.NoticeDraft(region=region, target_ids=tuple(target_ids), **form.cleaned_data))
    return drafts


@login_required
@require_POST
def notice_issue(request):
    """Issue a batch: one notice per region listing the items ticked for it."""
    if not scope_for(request.user).is_admin:
        raise PermissionDenied("只有管理员可以发出督办单")
    plan = get_plan_for_user(request, request.POST.get("plan", ""))
    back = redirect(reverse("reports:notices") + f"?plan={plan.slug}")
    today = clock.today()
    form = NoticeBatchForm(request.POST, plan=plan)
    if not form.is_valid():
        messages.error(request, "；".join(e for es in form.errors.values() for e in es))
        return back
    try:
        drafts = _drafts(request, plan, today)
        if not drafts:
            raise ValidationError("请至少勾选一项督办事项")
        notices = followup.notices_issue(
            plan=plan,
            year=form.cleaned_data["year"],
            month=form.cleaned_data["month"],
            drafts=drafts,
            user=request.user,
            today=today,
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return back
    messages.success(
        request, f"已发出督办单{len(notices)}份：" + "、".join(f"{n.number}（{n.region.name}）" for n in notices)
    )
    if len(notices) == 1:
        return redirect("reports:notice_detail", pk=notices[0].pk)
    return back


def _answer_form(notice: Notice, data=None, files=None) -> NoticeAnswerForm:
    """The answer form; after a send-back it starts from the last answer."""
    initial = {}
    if notice.answered_at is not None:
        initial = {"reasons": notice.answer_reasons, "measures": notice.answer_measures, "date": notice.answer_date}
    return NoticeAnswerForm(data, files, initial=initial, plan=notice.plan, today=clock.today())


@login_required
def notice_detail(request, pk):
    notice = _notice_for_user(request, pk)
    scope = scope_for(request.user)
    today = clock.today()
    events = list(notice.events.select_related("user"))
    ctx = {
        "notice": notice,
        "items": list(notice.items.select_related("target")),
        "events": events,
        "timeline": followup.notice_timeline(notice, events, today=today),
        "instructions": [e for e in events if e.action == followup.INSTRUCTION],
        "attachments": list(notice.attachments.all()) if followup.is_party(scope, notice) else [],
        "can_answer": followup.is_region_reporter(scope, notice) and notice.awaiting_answer,
        "can_review": followup.is_reviewer(scope, notice) and notice.status == Notice.Status.ANSWERED,
        "can_archive": followup.is_reviewer(scope, notice)
        and notice.status == Notice.Status.CLOSED
        and notice.archived_at is None,
        "can_instruct": scope.role == "leader",
        "answer_form": _answer_form(notice),
        "review_form": NoticeReviewForm(),
        "instruction_form": NoticeInstructionForm(),
        "overdue": notice.is_overdue(today),
    }
    return render(request, "reports/notice_detail.html", ctx)


def _step(request, pk, action):
    notice = _notice_for_user(request, pk)
    try:
        action(notice)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("reports:notice_detail", pk=notice.pk)


@login_required
@require_POST
def notice_sign(request, pk):
    def sign(notice):
        followup.notice_sign(notice=notice, user=request.user)
        messages.success(request, "已签收督办单")

    return _step(request, pk, sign)


@login_required
@require_POST
def notice_answer(request, pk):
    def answer(notice):
        form = _answer_form(notice, request.POST, request.FILES)
        if not form.is_valid():
            raise ValidationError([e for es in form.errors.values() for e in es])
        followup.notice_answer(notice=notice, user=request.user, today=form.today, **form.cleaned_data)
        messages.success(request, "已提交反馈，等待复核")

    return _step(request, pk, answer)


@login_required
@require_POST
def notice_instruct(request, pk):
    form = NoticeInstructionForm(request.POST)

    def instruct(notice):
        if not form.is_valid():
            raise ValidationError("请填写批示内容（不超过1000字）")
        followup.notice_instruct(notice=notice, user=request.user, text=form.cleaned_data["text"])
        messages.success(request, "已批示，被督办地区可以看到")

    return _step(request, pk, instruct)


@login_required
@require_POST
def notice_archive(request, pk):
    def archive(notice):
        followup.notice_archive(notice=notice, user=request.user)
        messages.success(request, "已归档")

    return _step(request, pk, archive)


@login_required
def notice_attachment(request, pk, attachment_pk):
    """A 佐证材料 file, for the notice's parties only (its region's reporters, the issuer's admins, leaders)."""
    notice = _notice_for_user(request, pk)
    if not followup.is_party(scope_for(request.user), notice):
        raise Http404("佐证材料不存在")
    item = get_object_or_404(NoticeAttachment, pk=attachment_pk, notice=notice)
    try:
        path = evidence.attachment_path(item)
    except FileNotFoundError:
        raise Http404("佐证材料不存在") from None
    return attachment(path.read_bytes(), item.original_name)


@login_required
@require_POST
def notice_review(request, pk):
    form = NoticeReviewForm(request.POST)

    def review(notice):
        if not form.is_valid():
            raise ValidationError("请选择复核结论")
        close = form.cleaned_data["decision"] == "close"
        followup.notice_review(notice=notice, user=request.user, close=close, comment=form.cleaned_data["comment"])
        messages.success(request, "已办结" if close else "已退回，请该地区重新反馈")

    return _step(request, pk, review)


@login_required
def notice_download(request, pk, fmt="docx"):
    notice = _notice_for_user(request, pk)
    path = media_file(notice.docx_path if fmt == "docx" else notice.pdf_path)
    if fmt not in ("docx", "pdf") or path is None:
        raise Http404("督办单文件不存在")
    name = f"{notice.number}{notice.get_colour_display()}色督办单（{notice.region.name}）.{fmt}"
    ascii_name = f"notice-{notice.pk}-{notice.colour}-{notice.region.code}.{fmt}"
    return attachment(path.read_bytes(), name, ascii_name)
