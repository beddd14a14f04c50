"""Passwords outside the Django admin: a user changes its own; an admin issues a one-time reset link.

A reset link is Django's password-reset token under its own salt and a shorter life (RESET_LINK_HOURS): it is
single use because the token hashes the password and the last login, so setting a password (or logging in)
spends it. Only the link's issue and its use are recorded (AdminAction), never the token.
"""

from __future__ import annotations

from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.db import transaction
from django.utils.encoding import force_bytes
from django.utils.http import base36_to_int, urlsafe_base64_encode

from plans.manage_services import admin_action_record, manageable_user

RESET_LINK_HOURS = 24


class ResetLinkTokens(PasswordResetTokenGenerator):
    key_salt = "plans.passwords.ResetLinkTokens"

    def check_token(self, user, token) -> bool:
        if not super().check_token(user, token):
            return False
        issued = base36_to_int(token.split("-")[0])
        return self._num_seconds(self._now()) - issued <= RESET_LINK_HOURS * 3600


reset_link_tokens = ResetLinkTokens()


def _region(user):
    profile = getattr(user, "profile", None)
    return profile.region if profile is not None else None


@transaction.atomic
def reset_link_issue(*, granter, user) -> tuple[str, str]:
    """(uidb64, token) of a one-time link for a user the granter manages; audited, the token is not stored."""
    user = manageable_user(granter, user.pk)
    token = reset_link_tokens.make_token(user)
    admin_action_record(
        user=granter,
        region=_region(user),
        action="重置密码",
        subject=user.username,
        detail=f"已生成一次性重置链接（{RESET_LINK_HOURS}小时内有效）",
    )
    return urlsafe_base64_encode(force_bytes(user.pk)), token


def password_changed_record(*, user, how: str) -> None:
    """Note in the log that a user set its own password (`how`: 修改密码 or 通过重置链接设置密码)."""
    admin_action_record(user=user, region=_region(user), action=how, subject=user.username)
