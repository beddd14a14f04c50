"""Who may see and change what: one place that turns a user into a region scope.

Every list, form, export, dashboard, circular and API call asks `scope_for(user)` (directly or through a
`visible_to(user)` QuerySet method); object checks ask `scope_for(user).covers(region)`.
"""

from __future__ import annotations

from dataclasses import dataclass

from plans.models import Profile, Region


@dataclass(frozen=True)
class Scope:
    role: str | None
    region: Region | None
    is_global: bool

    @property
    def can_enter_figures(self) -> bool:
        return self.role in (Profile.Role.ADMIN, Profile.Role.REPORTER)

    @property
    def can_review(self) -> bool:
        return self.role == Profile.Role.ADMIN

    @property
    def can_download_circulars(self) -> bool:
        return self.role in (Profile.Role.ADMIN, Profile.Role.LEADER)

    @property
    def is_admin(self) -> bool:
        return self.role == Profile.Role.ADMIN

    def covers(self, region: Region | None) -> bool:
        if self.is_global:
            return True
        if region is None or self.region is None:
            return False
        return region.is_within(self.region)


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
        return Scope(role=Profile.Role.ADMIN, region=None, is_global=True)
    profile = Profile.objects.select_related("region").filter(user=user).first()
    if profile is None:
        return NO_SCOPE
    is_global = profile.role == Profile.Role.ADMIN and profile.region is None
    if (
        profile.role == Profile.Role.ADMIN
        and profile.region
        and profile.region.level == Region.Level.PROVINCE
    ):
        # A provincial admin manages everything of their province and, having no peers, is global here.
        is_global = True
    return Scope(role=profile.role, region=profile.region, is_global=is_global)
