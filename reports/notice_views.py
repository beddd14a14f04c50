"""Follow-up notices (三色督办单): proposals and lists, issue, sign, answer, review, download."""

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
from reports import followup
from reports.forms import NoticeAnswerForm, NoticeIssueForm, NoticeReviewForm
from reports.models import Notice
from skills_admin.lib import clock
from skills_admin.lib.downloads import attachment, media_file
from targets.models import Target
from targets.selection import filter_context, resolve


def _notice_for_user(request, pk: int) -> Notice:
    """A notice inside the user's scope (404 otherwise: a region sees only its own notices)."""
    queryset = Notice.objects.visible_to(request.user).select_related("plan", "region", "target", "issued_by")
    return get_object_or_404(queryset, pk=pk)


@login_required
def notice_list(request):
    sel = resolve(request)
    scope = scope_for(request.user)
    today = clock.today()
    ctx = {
        **filter_context(request, sel, with_regions=False),
        "lists": followup.notice_lists(request.user, sel.plan, today=today),
        "proposals": followup.notice_proposals(sel.plan, sel.year, sel.month, today=today) if scope.is_admin else [],
        "today": today,
    }
    return render(request, "reports/notice_list.html", ctx)


@login_required
@require_POST
def notice_issue(request):
    if not scope_for(request.user).is_admin:
        raise PermissionDenied("只有省级管理员可以发出督办单")
    plan = get_plan_for_user(request, request.POST.get("plan", ""))
    form = NoticeIssueForm(request.POST)
    if not form.is_valid():
        messages.error(request, "督办单信息不完整")
        return redirect(reverse("reports:notices") + f"?plan={plan.slug}")
    data = form.cleaned_data
    region = get_object_or_404(Region, code=data["region"])
    target = get_object_or_404(Target, pk=data["target"], key_task__plan=plan)
    if not (region.is_within(plan.region) and scope_for(request.user).administers(region)):
        raise Http404("该地区不在方案范围内或不在您的管理范围内")
    notice = followup.notice_issue(
        plan=plan,
        region=region,
        target_id=target.pk,
        year=data["year"],
        month=data["month"],
        colour=data["colour"],
        reason=data["reason"],
        requirement=data["requirement"],
        user=request.user,
        today=clock.today(),
    )
    messages.success(request, f"已向{region.name}发出{notice.get_colour_display()}色督办单 {notice.number}")
    return redirect("reports:notice_detail", pk=notice.pk)


@login_required
def notice_detail(request, pk):
    notice = _notice_for_user(request, pk)
    scope = scope_for(request.user)
    ctx = {
        "notice": notice,
        "events": notice.events.select_related("user"),
        "can_answer": followup.is_region_reporter(scope, notice) and notice.awaiting_answer,
        "can_review": scope.is_admin and notice.status == Notice.Status.ANSWERED,
        "answer_form": NoticeAnswerForm(),
        "review_form": NoticeReviewForm(),
        "overdue": notice.is_overdue(clock.today()),
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
    form = NoticeAnswerForm(request.POST)

    def answer(notice):
        if not form.is_valid():
            raise ValidationError("请填写滞后原因、整改措施和承诺完成时间")
        followup.notice_answer(notice=notice, user=request.user, **form.cleaned_data)
        messages.success(request, "已提交反馈，等待省级复核")

    return _step(request, pk, answer)


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
