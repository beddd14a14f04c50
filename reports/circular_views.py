from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST

from plans.scope import scope_for
from plans.views import get_plan_for_user
from reports.circulars import circular_request as request_circular
from reports.circulars import circular_title
from reports.forms import CircularRequestForm, NextStepsForm
from reports.models import Circular, CircularJob
from reports.services import job_retry as retry_job
from skills_admin.lib.downloads import attachment
from targets.selection import filter_context, resolve


def _require_circular_role(user) -> None:
    if not scope_for(user).can_download_circulars:
        raise PermissionDenied("只有领导和省级管理员可以生成和下载月度通报")


def _user_region(request, plan):
    return scope_for(request.user).home_region(plan)


@cache_control(private=True)
@login_required
def circular_list(request):
    _require_circular_role(request.user)
    selection = resolve(request)
    region = _user_region(request, selection.plan)
    circulars = Circular.objects.filter(plan=selection.plan, region=region).select_related("created_by")
    jobs = (
        CircularJob.objects.visible_to(request.user)
        .filter(plan=selection.plan)
        .select_related("requested_by")[:10]
    )
    ctx = {
        "circulars": circulars,
        "jobs": jobs,
        "region": region,
        "form": CircularRequestForm(selection=selection),
        "title": circular_title(selection.plan, selection.year, selection.month),
        "next_steps_form": NextStepsForm(instance=selection.plan),
        **filter_context(request, selection, with_regions=False),
    }
    return render(request, "reports/circular_list.html", ctx)


@cache_control(private=True)
@login_required
@require_POST
def circular_request(request):
    _require_circular_role(request.user)
    plan = get_plan_for_user(request, request.POST.get("plan", ""))
    form = CircularRequestForm(request.POST, selection=None, plan=plan)
    if not form.is_valid():
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
        return redirect(reverse("reports:circulars") + f"?plan={plan.slug}")
    year, month = form.cleaned_data["year"], form.cleaned_data["month"]
    job = request_circular(
        plan=plan, year=year, month=month, region=_user_region(request, plan), user=request.user
    )
    messages.info(request, f"已提交生成任务：{circular_title(plan, year, month)}")
    return redirect(
        reverse("reports:circulars") + f"?plan={plan.slug}&year={year}&month={month}#job-{job.pk}"
    )


@cache_control(private=True)
@login_required
def job_status(request, pk):
    _require_circular_role(request.user)
    job = get_object_or_404(CircularJob.objects.visible_to(request.user), pk=pk)
    data = {
        "id": job.pk,
        "status": job.status,
        "status_label": job.get_status_display(),
        "progress": job.progress,
        "error": job.error,
    }
    if job.circular_id:
        data["downloads"] = {
            fmt: reverse("reports:circular_download", args=[job.circular_id, fmt]) for fmt in job.circular.formats
        }
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


@cache_control(private=True)
@login_required
@require_POST
def job_retry(request, pk):
    _require_circular_role(request.user)
    job = get_object_or_404(CircularJob.objects.visible_to(request.user), pk=pk)
    new_job = retry_job(job=job, user=request.user)
    messages.info(request, "已重新提交生成任务")
    return redirect(reverse("reports:circulars") + f"?plan={job.plan.slug}#job-{new_job.pk}")


@cache_control(private=True)
@login_required
def circular_download(request, pk, fmt):
    _require_circular_role(request.user)
    circular = get_object_or_404(Circular.objects.select_related("plan", "region"), pk=pk)
    if fmt not in circular.formats or not scope_for(request.user).covers(circular.region):
        raise Http404("找不到该通报")
    path = Path(circular.path_of(fmt))
    if not path.is_file():
        raise Http404("通报文件不存在，请重新生成")
    suffix = "（附表）" if fmt == "xlsx" else ""
    return attachment(path.read_bytes(), f"{circular.title}{suffix}（第{circular.version}版）.{fmt}")


@cache_control(private=True)
@login_required
@require_POST
def next_steps_edit(request, slug):
    plan = get_plan_for_user(request, slug)
    if not scope_for(request.user).administers(plan.region):
        raise PermissionDenied("只有方案所属地区的管理员可以修改下步工作要求")
    form = NextStepsForm(request.POST, instance=plan)
    if form.is_valid():
        form.save()
        messages.success(request, "已保存“下步工作要求”，下次生成通报时使用")
    return redirect(reverse("reports:circulars") + f"?plan={plan.slug}")
