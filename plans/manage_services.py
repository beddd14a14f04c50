"""Administration inside the product: who an admin may manage and grant, the user writes, and the audit of
every change made on the administration pages (AdminAction).

The rule of granting: an admin manages the users of its own subtree whose rank is below its own. A role other
than 管理员 is below any admin of a region that holds it; 管理员 is below only where its region lies strictly
inside the granter's (a provincial admin makes city admins, a city admin county admins); 部级管理员 is granted by
a superuser only (in the Django admin).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet

from plans.models import AdminAction, Department, Profile, Region
from plans.scope import Role, Scope, scope_for

GRANTABLE_ROLES = (Role.ADMIN, Role.REPORTER, Role.VIEWER, Role.LEADER)


def require_admin(user) -> Scope:
    """The scope of an admin (provincial, city or nationwide); anyone else is refused."""
    scope = scope_for(user)
    if not scope.is_admin:
        raise PermissionDenied("只有管理员可以进入系统管理")
    return scope


def may_grant(scope: Scope, role: str, region: Region | None) -> str:
    """'' when an admin with `scope` may give `role` in `region`; else the reason, in Chinese."""
    if role not in GRANTABLE_ROLES:
        return "部级管理员只能由系统超级管理员授予"
    if region is None or not scope.covers(region):
        return "所选地区不在您的管理范围内"
    if role == Role.ADMIN and not scope.is_global and region.pk == scope.region.pk:
        return "只能授予低于本级的角色：管理员角色只能授予下级地区"
    return ""


def manageable_users(user) -> QuerySet:
    """The users an admin may edit: a profile in its subtree with a rank below its own; never a superuser."""
    scope = require_admin(user)
    users = get_user_model().objects.filter(is_superuser=False, profile__isnull=False).exclude(pk=user.pk)
    users = users.exclude(profile__role=Role.NATIONAL)
    if not scope.is_global:
        users = users.filter(scope.q("profile__region")).exclude(profile__role=Role.ADMIN, profile__region=scope.region)
    return users.select_related("profile__region", "profile__department").order_by("profile__region__path", "username")


def manageable_user(user, user_id: int):
    found = manageable_users(user).filter(pk=user_id).first()
    if found is None:
        raise PermissionDenied("该用户不在您的管理范围内")
    return found


def manageable_regions(user) -> QuerySet:
    scope = require_admin(user)
    return Region.objects.filter(scope.q(None)) if not scope.is_global else Region.objects.all()


def manageable_departments(user) -> QuerySet:
    scope = require_admin(user)
    return Department.objects.all() if scope.is_global else Department.objects.filter(scope.q())


def admin_action_record(*, user, region: Region | None, action: str, subject: str, detail: str = "") -> AdminAction:
    return AdminAction.objects.create(
        user=user, region=region, action=action, subject=subject[:200], detail=detail[:1000]
    )


def admin_actions_visible(user) -> QuerySet:
    scope = require_admin(user)
    return AdminAction.objects.filter(scope.q()).select_related("user", "region")


def changes_text(before: dict, after: dict) -> str:
    """'角色: 填报员 → 查看；邮箱: a → b' for the fields that changed."""
    parts = [
        f"{k}: {before.get(k) or '（空）'} → {v or '（空）'}"
        for k, v in after.items()
        if (before.get(k) or "") != (v or "")
    ]
    return "；".join(parts)


@dataclass(frozen=True)
class UserData:
    username: str
    full_name: str
    email: str
    phone: str
    role: str
    region: Region
    department: Department | None


def _describe(user) -> dict:
    profile = user.profile
    return {
        "姓名": user.first_name,
        "邮箱": user.email,
        "电话": profile.phone,
        "角色": profile.role_display,
        "地区": str(profile.region or ""),
        "部门": str(profile.department or ""),
    }


def _check_grant(granter, data: UserData) -> None:
    reason = may_grant(require_admin(granter), data.role, data.region)
    if reason:
        raise PermissionDenied(reason)
    if data.department is not None and not manageable_departments(granter).filter(pk=data.department.pk).exists():
        raise PermissionDenied("所选部门不在您的管理范围内")


@transaction.atomic
def user_create(*, granter, data: UserData, password: str | None = None) -> tuple[object, str]:
    """Create a user with a profile; returns (user, the temporary password to show once)."""
    _check_grant(granter, data)
    password = password or temporary_password()
    user = get_user_model().objects.create_user(
        username=data.username, password=password, first_name=data.full_name, email=data.email
    )
    Profile.objects.create(user=user, role=data.role, region=data.region, department=data.department, phone=data.phone)
    admin_action_record(
        user=granter,
        region=data.region,
        action="创建用户",
        subject=data.username,
        detail=changes_text({}, _describe(user)),
    )
    return user, password


@transaction.atomic
def user_update(*, granter, user, data: UserData) -> None:
    user = manageable_user(granter, user.pk)
    _check_grant(granter, data)
    before = _describe(user)
    user.first_name, user.email = data.full_name, data.email
    user.save(update_fields=["first_name", "email"])
    profile = user.profile
    profile.role, profile.region, profile.department, profile.phone = (
        data.role,
        data.region,
        data.department,
        data.phone,
    )
    profile.save()
    detail = changes_text(before, _describe(user))
    if detail:
        admin_action_record(user=granter, region=data.region, action="修改用户", subject=user.username, detail=detail)


@transaction.atomic
def user_set_active(*, granter, user, active: bool) -> None:
    user = manageable_user(granter, user.pk)
    if user.is_active == active:
        return
    user.is_active = active
    user.save(update_fields=["is_active"])
    admin_action_record(
        user=granter, region=user.profile.region, action="启用用户" if active else "停用用户", subject=user.username
    )


@transaction.atomic
def user_password_reset(*, granter, user) -> str:
    """Give the user a new temporary password, returned once (only its hash is kept)."""
    user = manageable_user(granter, user.pk)
    password = temporary_password()
    user.set_password(password)
    user.save(update_fields=["password"])
    admin_action_record(
        user=granter, region=user.profile.region, action="重置密码", subject=user.username, detail="已生成临时密码"
    )
    return password


def temporary_password() -> str:
    # Letters, digits and a dash: passes the length and character-class validators, easy to read aloud.
    return f"Tmp-{secrets.token_urlsafe(9)}-{secrets.randbelow(90) + 10}"
