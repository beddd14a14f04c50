"""A user's own account: changing its password, and setting one from a reset link an admin issued."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from plans.manage_services import manageable_user
from plans.passwords import RESET_LINK_HOURS, password_changed_record, reset_link_issue, reset_link_tokens
from skills_admin.lib.forms import style_widgets


@never_cache
@login_required
def password_change(request):
    form = PasswordChangeForm(request.user, request.POST or None)
    style_widgets(form)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            user = form.save()
            password_changed_record(user=user, how="修改密码")
        update_session_auth_hash(request, user)  # stay logged in on this device
        messages.success(request, "密码已修改")
        return redirect("home")
    return render(request, "registration/password_change.html", {"form": form})


class ResetLinkConfirm(auth_views.PasswordResetConfirmView):
    token_generator = reset_link_tokens
    template_name = "registration/reset_link_confirm.html"
    success_url = reverse_lazy("login")

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        style_widgets(form)
        return form

    def form_valid(self, form):
        with transaction.atomic():
            response = super().form_valid(form)
            password_changed_record(user=form.user, how="通过重置链接设置密码")
        messages.success(self.request, "密码已设置，请用新密码登录")
        return response


reset_link_confirm = ResetLinkConfirm.as_view()


@never_cache
@login_required
@require_POST
def user_reset_link(request, user_id):
    """系统管理: issue a one-time reset link for a user and show it once."""
    subject = manageable_user(request.user, user_id)
    uidb64, token = reset_link_issue(granter=request.user, user=subject)
    link = request.build_absolute_uri(reverse("reset_link", args=[uidb64, token]))
    ctx = {"subject": subject, "link": link, "hours": RESET_LINK_HOURS}
    return render(request, "manage/user_reset_link.html", ctx)
