from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render

from plans.annex import AnnexError, read_annex
from plans.forms import PlanImportForm
from plans.models import Plan
from plans.scope import scope_for
from plans.services import PlanDocumentError, plan_import_document
from targets.queries import key_tasks_with_details


def get_plan_for_user(request, slug: str) -> Plan:
    """The plan, if the user's scope includes it (404 otherwise: no hint that it exists)."""
    return get_object_or_404(Plan.objects.visible_to(request.user).select_related("region"), slug=slug)


@login_required
def plan_list(request):
    plans = Plan.objects.visible_to(request.user).select_related("region")
    return render(request, "plans/plan_list.html", {"plans": plans})


@login_required
def plan_detail(request, slug):
    plan = get_plan_for_user(request, slug)
    ctx = {"plan": plan, "key_tasks": key_tasks_with_details(plan)}
    return render(request, "plans/plan_detail.html", ctx)


@login_required
def plan_import(request):
    if not scope_for(request.user).is_admin:
        raise PermissionDenied("只有省级管理员可以导入方案")
    form = PlanImportForm(request.POST or None, request.FILES or None, user=request.user)
    preview = None
    if request.method == "POST" and form.is_valid():
        try:
            document = read_annex(
                form.file_bytes(), filename=form.cleaned_data["file"].name, **form.plan_fields()
            )
            if form.cleaned_data["dry_run"]:
                preview = document
            else:
                plan = plan_import_document(document=document)
                messages.success(request, f"已导入“{plan.title}”，重点任务{plan.key_tasks.count()}项")
                return redirect("plans:detail", slug=plan.slug)
        except (AnnexError, PlanDocumentError) as exc:
            form.add_error("file", str(exc))
    return render(request, "plans/plan_import.html", {"form": form, "preview": preview})
