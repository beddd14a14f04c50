"""系统管理: the admin's home of settings, the user pages and the log of administration changes."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from plans.manage_forms import UserForm
from plans.manage_services import (
    admin_actions_visible,
    manageable_user,
    manageable_users,
    require_admin,
    user_create,
    user_password_reset,
    user_set_active,
    user_update,
)
from plans.models import Plan
from plans.passwords import RESET_LINK_HOURS


@login_required
def manage_home(request):
    scope = require_admin(request.user)
    plans = Plan.objects.order_by("-start_date", "title")
    ctx = {
        "scope_region": scope.region,
        "recent": list(admin_actions_visible(request.user)[:10]),
        # every admin page is listed; the per-plan ones link each plan the admin may set or reopen
        "plans": list(plans if scope.is_global else plans.filter(scope.q())),
        "reopen_plans": list(plans.visible_to(request.user)),
    }
    return render(request, "manage/home.html", ctx)


@login_required
def user_list(request):
    users = list(manageable_users(request.user))
    return render(request, "manage/user_list.html", {"users": users})


@never_cache
@login_required
def user_new(request):
    require_admin(request.user)
    form = UserForm(request.POST or None, granter=request.user)
    if request.method == "POST" and form.is_valid():
        user, password = user_create(granter=request.user, data=form.user_data())
        messages.success(request, f"已创建用户 {user.username}")
        # The temporary password is shown on this answer only, never stored in clear or sent by redirect.
        ctx = {"subject": user, "password": password, "link_hours": RESET_LINK_HOURS}
        return render(request, "manage/user_password.html", ctx)
    return render(request, "manage/user_form.html", {"form": form, "creating": True})


@login_required
def user_edit(request, user_id):
    subject = manageable_user(request.user, user_id)
    form = UserForm(request.POST or None, granter=request.user, editing=subject, initial=UserForm.initial_for(subject))
    if request.method == "POST" and form.is_valid():
        user_update(granter=request.user, user=subject, data=form.user_data())
        messages.success(request, f"已保存用户 {subject.username}")
        return redirect("manage:users")
    return render(request, "manage/user_form.html", {"form": form, "subject": subject})


@login_required
@require_POST
def user_active(request, user_id):
    subject = manageable_user(request.user, user_id)
    active = request.POST.get("active") == "1"
    user_set_active(granter=request.user, user=subject, active=active)
    messages.success(request, f"已{'启用' if active else '停用'}用户 {subject.username}")
    return redirect("manage:users")


@never_cache
@login_required
@require_POST
def user_password(request, user_id):
    subject = manageable_user(request.user, user_id)
    password = user_password_reset(granter=request.user, user=subject)
    ctx = {"subject": subject, "password": password, "reset": True, "link_hours": RESET_LINK_HOURS}
    return render(request, "manage/user_password.html", ctx)


@login_required
def action_log(request):
    page = Paginator(admin_actions_visible(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "manage/action_log.html", {"page": page, "actions": list(page.object_list)})
