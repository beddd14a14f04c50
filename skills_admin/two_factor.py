"""Two-step sign-in (TOTP, django-otp) for admins.

Every admin may enrol an authenticator app (the QR code is drawn here, as SVG; the secret is also shown as text
for apps that take it typed). With `REQUIRE_ADMIN_2FA` on, 部级 admins, provincial admins and superusers must: after
the password, every page but the two-step pages and sign-out sends them to enrol or to type their code. The read
API is unaffected (it takes tokens, not sessions).
"""

from __future__ import annotations

from base64 import b32encode
from io import BytesIO

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.qr import write_qrcode_image

from plans.scope import ADMIN_ROLES, Role, scope_for

DEVICE_NAME = "身份验证器"


class CodeForm(forms.Form):
    code = forms.RegexField(
        label="6位动态验证码",
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": "请输入身份验证器上显示的6位数字"},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True, "class": "form-control"}
        ),
    )


def offered_to(user) -> bool:
    return user.is_authenticated and (user.is_superuser or scope_for(user).role in ADMIN_ROLES)


def required_for(user) -> bool:
    """部级 admins, provincial admins and superusers, when REQUIRE_ADMIN_2FA is on."""
    if not getattr(settings, "REQUIRE_ADMIN_2FA", False) or not user.is_authenticated:
        return False
    scope = scope_for(user)
    if user.is_superuser or scope.role == Role.NATIONAL:
        return True
    return scope.role == Role.ADMIN and scope.region is not None and scope.region.level == "province"


class RequireAdmin2FAMiddleware:
    """Sends an admin who must use two-step sign-in, and has not in this session, to enrol or verify."""

    OPEN_PREFIXES = ("/static/", "/api/", "/healthz")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and required_for(user) and not user.is_verified() and not self._open(request.path):
            confirmed = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
            return redirect(reverse("two_factor_verify" if confirmed else "two_factor") + f"?next={request.path}")
        return self.get_response(request)

    def _open(self, path: str) -> bool:
        own = (reverse("two_factor"), reverse("two_factor_verify"), reverse("logout"), reverse("login"))
        return path in own or path.startswith(self.OPEN_PREFIXES)


def _next(request) -> str:
    target = request.GET.get("next", "")
    return target if target.startswith("/") and not target.startswith("//") else reverse("home")


@login_required
def two_factor(request):
    """Enrolment: a new secret (kept unconfirmed until a code from it is typed), its QR code and text."""
    if not offered_to(request.user):
        raise PermissionDenied("两步验证仅面向管理员")
    confirmed = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    if confirmed is not None:
        return render(request, "registration/two_factor.html", {"confirmed": confirmed})
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name=DEVICE_NAME, confirmed=False)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"].strip()):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            messages.success(request, "两步验证已启用；以后登录时还需输入身份验证器上的验证码")
            return redirect(_next(request))
        form.add_error("code", "验证码不正确或已过期，请输入身份验证器上当前显示的6位数字")
    ctx = {"form": form, "secret": _grouped(b32encode(device.bin_key).decode()), "qr": _qr_svg(device.config_url)}
    return render(request, "registration/two_factor.html", ctx)


@login_required
def two_factor_verify(request):
    """The second step of a sign-in: a code from the enrolled authenticator (throttled by django-otp)."""
    if not offered_to(request.user):
        raise PermissionDenied("两步验证仅面向管理员")
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    if device is None:
        return redirect(reverse("two_factor") + f"?next={_next(request)}")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"].strip()):
            otp_login(request, device)
            return redirect(_next(request))
        form.add_error("code", "验证码不正确或已过期；连续输错后需等待更久才能再试")
    return render(request, "registration/two_factor_verify.html", {"form": form})


def _grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _qr_svg(data: str) -> str:
    out = BytesIO()
    write_qrcode_image(data, out)
    svg = out.getvalue().decode()
    return mark_safe(svg[svg.index("<svg") :])  # drawn here from our own otpauth URL, no user text
