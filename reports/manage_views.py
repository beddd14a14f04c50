"""系统管理 on the reports floor: the 通报版式 of a plan."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render

from plans.manage_services import admin_action_record, changes_text
from reports.manage_forms import STYLE_FIELDS, CircularStyleForm
from reports.models import CircularStyle
from targets.manage_services import managed_plan


def _described(style: CircularStyle | None) -> dict:
    if style is None:
        return {}
    return {str(CircularStyle._meta.get_field(f).verbose_name): _text(getattr(style, f)) for f in STYLE_FIELDS}


def _text(value) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


@login_required
def circular_style(request, slug):
    plan = managed_plan(request.user, slug)
    style = CircularStyle.objects.filter(plan=plan).first()
    form = CircularStyleForm(request.POST or None, instance=style or CircularStyle(plan=plan))
    if request.method == "POST" and form.is_valid():
        circular_style_save(user=request.user, form=form, before=_described(style))
        messages.success(request, f"已保存“{plan.display_short_title}”的通报版式")
        return redirect("manage:circular_style", slug=plan.slug)
    return render(request, "manage/circular_style.html", {"plan": plan, "form": form, "style": style})


@transaction.atomic
def circular_style_save(*, user, form: CircularStyleForm, before: dict) -> CircularStyle:
    style = form.save(commit=False)
    style.is_demo = False  # an admin's own style is no longer the demo's
    style.save()
    detail = changes_text(before, _described(style))
    admin_action_record(user=user, region=style.plan.region, action="通报版式", subject=style.plan.title, detail=detail)
    return style
