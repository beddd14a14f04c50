"""Who may see and change what: one place that turns a user into a region scope.

Every list, form, export, dashboard, circular and API call asks `scope_for(user)` (directly or through a
`visible_to(user)` QuerySet method); object checks go through `Scope.covers`.

Every role is bounded by its region's subtree, admins included: a provincial admin (省级管理员) manages their
province, a city-level admin their city. Only a superuser and the explicit nationwide role (部级管理员, granted by
a superuser) see everything. A profile may later carry a department: the scope keeps it so that checks can narrow
by it without another way of asking.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import Q

if TYPE_CHECKING:  # the scope reads regions and profiles through the user; plans.models imports this module
    from plans.models import Region


class Role(models.TextChoices):
    """What a user may do (Profile.role): the scope below is built from it."""

    ADMIN = "admin", "省级管理员"
    NATIONAL = "national", "部级管理员"
    REPORTER = "reporter", "填报员"
    VIEWER = "viewer", "查看"
    LEADER = "leader", "领导"


ADMIN_ROLES = (Role.ADMIN, Role.NATIONAL)


@dataclass(frozen=True)
class Scope:
    role: str | None
    region: Region | None
    is_global: bool
    department_id: int | None = None

    @property
    def can_enter_figures(self) -> bool:
        return self.role in (*ADMIN_ROLES, Role.REPORTER)

    @property
    def can_review(self) -> bool:
        return self.is_admin

    @property
    def can_download_circulars(self) -> bool:
        return self.role in (*ADMIN_ROLES, Role.LEADER)

    @property
    def is_admin(self) -> bool:
        return self.role in ADMIN_ROLES

    def covers(self, region: Region | None) -> bool:
        if self.is_global:
            return True
        if region is None or self.region is None:
            return False
        return region.is_within(self.region)

    def administers(self, region: Region | None) -> bool:
        """An admin whose subtree holds `region`: review, reopen, allocate, edit next steps, read the audit."""
        return self.is_admin and self.covers(region)

    def q(self, field: str | None = "region") -> Q:
        """Rows whose region (through `field`) lies in the scope; use with `.filter()`."""
        if self.is_global:
            return Q()
        if self.region is None:
            return Q(pk__in=[])
        return self.region.subtree_q(field)

    def home_region(self, plan) -> Region:
        """The region a page of `plan` opens on: the user's own where it lies inside the plan, else the plan's."""
        if self.region is not None and not self.is_global and self.region.is_within(plan.region):
            return self.region
        return plan.region


NO_SCOPE = Scope(role=None, region=None, is_global=False)


def scope_for(user) -> Scope:
    if user is None or not user.is_authenticated:
        return NO_SCOPE
    cached = getattr(user, "_skills_scope", None)
    if cached is not None:
        return cached
    scope = _build_scope(user)
    user._skills_scope = scope
    return scope


def _build_scope(user) -> Scope:
    if user.is_superuser:
        return Scope(role=Role.NATIONAL, region=None, is_global=True)
    profile = _profile(user, "region")
    if profile is None:
        return NO_SCOPE
    if profile.role == Role.NATIONAL:
        return Scope(role=profile.role, region=None, is_global=True)
    # Any other role without a region sees nothing (Profile.clean refuses it; this fails closed).
    return Scope(role=profile.role, region=profile.region, is_global=False, department_id=profile.department_id)


def department_for(user):
    """The department a reporter reports for (Profile.department), or None: then they report for a region."""
    if user is None or not user.is_authenticated:
        return None
    cached = getattr(user, "_skills_department", False)
    if cached is not False:
        return cached
    profile = _profile(user, "department")
    department = profile.department if profile and profile.role == Role.REPORTER else None
    user._skills_department = department
    return department


def _profile(user, related: str):
    """The user's profile (Profile) with `related` loaded, in one query; None for a user without one."""
    found = get_user_model()._default_manager.select_related(f"profile__{related}").filter(pk=user.pk).first()
    try:
        return found.profile if found is not None else None
    except ObjectDoesNotExist:
        return None
