"""系统管理 pages on the targets floor: contacts and robots, plan settings, reopening a month."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from plans.manage_services import manageable_departments, manageable_regions, require_admin
from plans.models import Plan
from plans.scope import scope_for
from skills_admin.lib import clock
from skills_admin.lib.masking import mask_robot_url
from targets.manage_forms import MonthReopenForm, PlanSettingsForm, RobotForm, TargetAssessmentForm, TargetBasisForm
from targets.manage_services import (
    contacts,
    deliveries_visible,
    department_robot_set,
    managed_department,
    managed_plan,
    managed_plans,
    managed_region,
    month_reopen,
    plan_settings_save,
    region_robot_set,
    reopened_months,
    robot_test_send,
    target_assessments_save,
)
from targets.models import Delivery, Target


@login_required
def contact_list(request):
    rows = contacts(request.user)
    ctx = {
        "regions": [r for r in rows if r.kind == "region"],
        "departments": [r for r in rows if r.kind == "department"],
        "unreachable": {
            channel: [r.name for r in rows if channel in r.unreachable]
            for channel in ("无填报用户", "无邮箱", "无群机器人")
        },
    }
    return render(request, "manage/contact_list.html", ctx)


@login_required
def delivery_log(request):
    page = Paginator(deliveries_visible(request.user), 50).get_page(request.GET.get("page"))
    rows = [(d, mask_robot_url(d.address) if d.channel == Delivery.Channel.WEBHOOK else d.address) for d in page]
    return render(request, "manage/delivery_log.html", {"page": page, "rows": rows})


@login_required
def region_contacts(request, region_code):
    region = managed_region(request.user, region_code)
    form = RobotForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        region_robot_set(user=request.user, region=region, url=form.new_url(region.webhook_url))
        messages.success(request, f"已保存{region.name}的群机器人地址")
        return redirect("manage:region_contacts", region_code=region.code)
    ctx = {
        "region": region,
        "form": form,
        "robot": mask_robot_url(region.webhook_url),
        "deliveries": list(
            Delivery.objects.filter(channel=Delivery.Channel.WEBHOOK, region=region).order_by("-created_at", "-id")[:10]
        ),
        "row": next(r for r in contacts(request.user) if r.kind == "region" and r.code == region.code),
    }
    return render(request, "manage/region_contacts.html", ctx)


@login_required
@require_POST
def region_test(request, region_code):
    region = managed_region(request.user, region_code)
    delivery = robot_test_send(user=request.user, region=region)
    _test_answer(request, delivery)
    return redirect("manage:region_contacts", region_code=region.code)


@login_required
def department_contacts(request, department_id):
    department = managed_department(request.user, department_id)
    form = RobotForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        department_robot_set(user=request.user, department=department, url=form.new_url(department.webhook_url))
        messages.success(request, f"已保存{department.name}的群机器人地址")
        return redirect("manage:department_contacts", department_id=department.pk)
    ctx = {
        "department": department,
        "form": form,
        "robot": mask_robot_url(department.webhook_url),
        "deliveries": list(
            Delivery.objects.filter(channel=Delivery.Channel.WEBHOOK, department=department).order_by(
                "-created_at", "-id"
            )[:10]
        ),
        "row": next(r for r in contacts(request.user) if r.kind == "department" and r.code == str(department.pk)),
    }
    return render(request, "manage/department_contacts.html", ctx)


@login_required
@require_POST
def department_test(request, department_id):
    department = managed_department(request.user, department_id)
    delivery = robot_test_send(user=request.user, department=department)
    _test_answer(request, delivery)
    return redirect("manage:department_contacts", department_id=department.pk)


def _test_answer(request, delivery: Delivery) -> None:
    answer = f"{delivery.get_status_display()}：{delivery.response or '（无应答）'}"
    if delivery.status == Delivery.Status.DELIVERED:
        messages.success(request, f"测试发送成功。机器人应答：{answer}")
    else:
        messages.error(request, f"测试发送失败。{answer}")


@login_required
def plan_list(request):
    plans = managed_plans(request.user)
    visible = [] if plans else list(Plan.objects.visible_to(request.user).order_by("-start_date", "title"))
    return render(request, "manage/plan_list.html", {"plans": plans, "visible": visible})


@login_required
def plan_settings(request, slug):
    plan = managed_plan(request.user, slug)
    targets = list(Target.objects.filter(key_task__plan=plan).select_related("key_task"))
    initial = {
        "entry_basis": plan.entry_basis,
        "reporting_deadline_day": plan.reporting_deadline_day,
        "lag_threshold_points": plan.lag_threshold_points,
        "headline": [str(t.pk) for t in targets if t.is_headline],
    }
    form = PlanSettingsForm(request.POST or None, targets=targets, initial=initial)
    bases = TargetBasisForm(request.POST or None, targets=targets)
    if request.method == "POST" and form.is_valid() and bases.is_valid():
        data = form.cleaned_data
        plan_settings_save(
            user=request.user,
            plan=plan,
            entry_basis=data["entry_basis"],
            deadline_day=data["reporting_deadline_day"],
            lag_points=data["lag_threshold_points"],
            headline_ids={int(pk) for pk in data["headline"]},
            target_bases=bases.bases(),
        )
        messages.success(request, f"已保存“{plan.display_short_title}”的方案设置")
        return redirect("manage:plan_settings", slug=plan.slug)
    assessments = TargetAssessmentForm(targets=targets)
    return render(
        request, "manage/plan_settings.html", {"plan": plan, "form": form, "bases": bases, "assessments": assessments}
    )


@login_required
@require_POST
def plan_assessments(request, slug):
    """考核方式 of the untracked targets the document does not say how to judge: the admin's own, audited."""
    plan = managed_plan(request.user, slug)
    targets = list(Target.objects.filter(key_task__plan=plan).select_related("key_task"))
    assessments = TargetAssessmentForm(request.POST, targets=targets)
    if assessments.is_valid():
        changed = target_assessments_save(user=request.user, plan=plan, assessments=assessments.assessments())
        messages.success(request, f"已保存{changed}项指标的考核方式" if changed else "考核方式没有改动")
        return redirect(reverse("manage:plan_settings", args=[plan.slug]) + "#target-assessments")
    initial = {
        "entry_basis": plan.entry_basis,
        "reporting_deadline_day": plan.reporting_deadline_day,
        "lag_threshold_points": plan.lag_threshold_points,
        "headline": [str(t.pk) for t in targets if t.is_headline],
    }
    ctx = {
        "plan": plan,
        "form": PlanSettingsForm(targets=targets, initial=initial),
        "bases": TargetBasisForm(targets=targets),
        "assessments": assessments,
    }
    return render(request, "manage/plan_settings.html", ctx)


def _visible_plan(request, slug) -> Plan:
    require_admin(request.user)
    plan = Plan.objects.visible_to(request.user).filter(slug=slug).select_related("region").first()
    if plan is None:
        raise Http404("没有该方案")
    return plan


@login_required
def reopen(request, slug):
    plan = _visible_plan(request, slug)
    today = clock.today()
    regions = manageable_regions(request.user).filter(plan.region.subtree_q(None)).order_by("path")
    # A department's shares belong to the plan's region: only that region's admins reopen them.
    departments = manageable_departments(request.user).order_by("name")
    if not scope_for(request.user).administers(plan.region):
        departments = departments.none()
    form = MonthReopenForm(request.POST or None, plan=plan, regions=regions, departments=departments, today=today)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            month_reopen(
                user=request.user,
                plan=plan,
                year=data["year"],
                month=data["month"],
                until=data["until"],
                reason=data["reason"],
                **form.holder_kwargs(),
            )
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"已重新开放{data['year']}年{data['month']}月，至{data['until']:%Y-%m-%d}")
            return redirect("manage:reopen", slug=plan.slug)
    ctx = {
        "plan": plan,
        "form": form,
        "reopened": [s for s in reopened_months(request.user, today) if s.plan_id == plan.pk],
    }
    return render(request, "manage/reopen.html", ctx)
