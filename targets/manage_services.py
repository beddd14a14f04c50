"""系统管理 on the targets floor: contacts and the robot's 测试发送, plan settings (填报口径, deadline, thresholds,
重点指标) and reopening a month. Writes are audited as AdminAction (plans.manage_services)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q

from plans.manage_services import (
    admin_action_record,
    changes_text,
    manageable_departments,
    manageable_regions,
    require_admin,
)
from plans.models import Department, Plan, Profile, Region
from skills_admin.lib.masking import mask_robot_url
from skills_admin.lib.robots import validate_robot_url
from targets.delivery import DeliveryFailed, delivery_attempt
from targets.models import Delivery, Submission, Target
from targets.services import submission_reopen

TEST_MESSAGE = "【测试发送】技能提升行动目标管理平台：这是一条测试消息，收到说明本群机器人可以接收催报。"


# --- contacts ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    username: str
    name: str
    email: str
    is_active: bool


@dataclass(frozen=True)
class ContactRow:
    """A region or department with its reporters and channels; `unreachable` names the channels that reach nobody."""

    kind: str  # "region" | "department"
    name: str
    code: str  # region code or department id
    level: str
    reporters: list[Person]
    robot: str  # masked
    last_delivery: Delivery | None
    unreachable: list[str] = field(default_factory=list)

    @property
    def emails(self) -> list[str]:
        return [p.email for p in self.reporters if p.email != ""]


def _reporters(regions, departments) -> tuple[dict, dict]:
    """Active reporters by region id (region reporters only) and by department id, in one query."""
    by_region, by_department = {}, {}
    users = (
        get_user_model()
        .objects.filter(is_active=True, profile__role=Profile.Role.REPORTER)
        .filter(profile__region__in=regions)
        .select_related("profile")
        .order_by("username")
    )
    department_ids = {d.pk for d in departments}
    for u in users:
        person = Person(u.username, u.get_full_name() or u.username, u.email, u.is_active)
        if u.profile.department_id is None:
            by_region.setdefault(u.profile.region_id, []).append(person)
        elif u.profile.department_id in department_ids:
            by_department.setdefault(u.profile.department_id, []).append(person)
    return by_region, by_department


def _last_deliveries(regions, departments) -> tuple[dict[int, Delivery], dict[int, Delivery]]:
    """The latest robot delivery of each region (its own robot) and of each department (1 query)."""
    by_region, by_department = {}, {}
    holders = Q(region__in=regions, department=None) | Q(department__in=departments)
    for d in Delivery.objects.filter(holders, channel=Delivery.Channel.WEBHOOK).order_by("-created_at", "-id"):
        if d.department_id is None:
            by_region.setdefault(d.region_id, d)
        else:
            by_department.setdefault(d.department_id, d)
    return by_region, by_department


def _unreachable(reporters: list[Person], robot: str | None) -> list[str]:
    missing = []
    if not reporters:
        missing.append("无填报用户")
    if not any(p.email != "" for p in reporters):
        missing.append("无邮箱")
    if robot == "":
        missing.append("无群机器人")
    return missing


def contacts(user) -> list[ContactRow]:
    """Every region and department of the admin's subtree with its reporters and channels (four queries)."""
    regions = list(manageable_regions(user).order_by("path"))
    departments = list(manageable_departments(user).order_by("name"))
    by_region, by_department = _reporters(regions, departments)
    last, last_department = _last_deliveries(regions, departments)
    rows = []
    for r in regions:
        people = by_region.get(r.pk, [])
        robot = mask_robot_url(r.webhook_url)
        rows.append(
            ContactRow(
                "region",
                r.name,
                r.code,
                r.get_level_display(),
                people,
                robot,
                last.get(r.pk),
                _unreachable(people, robot),
            )
        )
    for d in departments:
        people = by_department.get(d.pk, [])
        robot = mask_robot_url(d.webhook_url)
        rows.append(
            ContactRow(
                "department",
                d.name,
                str(d.pk),
                "部门",
                people,
                robot,
                last_department.get(d.pk),
                _unreachable(people, robot),
            )
        )
    return rows


def deliveries_visible(user):
    """发送记录 of the admin's subtree: robot messages to its regions and emails to its users, newest first."""
    scope = require_admin(user)
    if scope.is_global:
        found = Delivery.objects.all()
    else:
        found = Delivery.objects.filter(scope.q() | scope.q("user__profile__region"))
    return found.select_related("region", "department", "user", "reminder__plan").order_by("-created_at", "-id")


def managed_region(user, code: str) -> Region:
    region = manageable_regions(user).filter(code=code).first()
    if region is None:
        raise PermissionDenied("该地区不在您的管理范围内")
    return region


@transaction.atomic
def region_robot_set(*, user, region: Region, url: str) -> None:
    """Store (or with '' clear) a region's robot address; the address is checked against the robot hosts."""
    region = managed_region(user, region.code)
    validate_robot_url(url)
    old = region.webhook_url
    if old == url:
        return
    region.webhook_url = url
    region.save(update_fields=["webhook_url"])
    admin_action_record(
        user=user,
        region=region,
        action="设置群机器人",
        subject=region.name,
        detail=changes_text({"群机器人地址": mask_robot_url(old)}, {"群机器人地址": mask_robot_url(url)}),
    )


def managed_department(user, pk: int) -> Department:
    department = manageable_departments(user).filter(pk=pk).select_related("region").first()
    if department is None:
        raise PermissionDenied("该部门不在您的管理范围内")
    return department


@transaction.atomic
def department_robot_set(*, user, department: Department, url: str) -> None:
    """Store (or with '' clear) a department's robot address, checked against the robot hosts like a region's."""
    department = managed_department(user, department.pk)
    validate_robot_url(url)
    old = department.webhook_url
    if old == url:
        return
    department.webhook_url = url
    department.save(update_fields=["webhook_url"])
    admin_action_record(
        user=user,
        region=department.region,
        action="设置群机器人",
        subject=department.name,
        detail=changes_text({"群机器人地址": mask_robot_url(old)}, {"群机器人地址": mask_robot_url(url)}),
    )


def robot_test_send(*, user, region: Region | None = None, department: Department | None = None) -> Delivery:
    """Send a test message to a region's or a department's robot now and return the delivery with its answer."""
    if department is not None:
        department = managed_department(user, department.pk)
        holder, region, address = department.name, department.region, department.webhook_url
    else:
        region = managed_region(user, region.code)
        holder, address = region.name, region.webhook_url
    if address == "":
        raise PermissionDenied(f"{holder}尚未设置群机器人地址")
    delivery = Delivery.objects.create(
        channel=Delivery.Channel.WEBHOOK,
        user=user,
        region=region,
        department=department,
        address=address,
        subject="测试发送",
        body=TEST_MESSAGE,
    )
    try:
        delivery = delivery_attempt(delivery.pk)
    except DeliveryFailed:
        delivery.refresh_from_db()
    admin_action_record(
        user=user,
        region=region,
        action="测试发送",
        subject=holder,
        detail=f"{mask_robot_url(address)}：{delivery.get_status_display()}",
    )
    return delivery


# --- plan settings ----------------------------------------------------------------------------------------


def managed_plans(user) -> list[Plan]:
    """The plans whose region lies in the admin's subtree: their settings are the admin's to change."""
    scope = require_admin(user)
    return list(Plan.objects.filter(scope.q()).select_related("region").order_by("-start_date", "title"))


def managed_plan(user, slug: str) -> Plan:
    found = next((p for p in managed_plans(user) if p.slug == slug), None)
    if found is None:
        raise PermissionDenied("该方案不在您的管理范围内")
    return found


def _plan_settings(plan: Plan) -> dict:
    return {
        "填报口径": plan.get_entry_basis_display(),
        "填报截止日": str(plan.reporting_deadline_day),
        "滞后阈值": f"{plan.lag_threshold_points.normalize():f}",
    }


@transaction.atomic
def plan_settings_save(
    *,
    user,
    plan: Plan,
    entry_basis: str,
    deadline_day: int,
    lag_points,
    headline_ids: set[int],
    target_bases: dict[int, str | None] | None = None,
):
    """Save the plan's settings; `target_bases` (target id → its own 填报口径, None to follow the plan's) sets the
    per-target override of the targets it names."""
    plan = managed_plan(user, plan.slug)
    if not 1 <= deadline_day <= 28:
        raise ValidationError("填报截止日须在1—28日之间")
    if not {entry_basis, *(b for b in (target_bases or {}).values() if b is not None)} <= set(Plan.EntryBasis.values):
        raise ValidationError("填报口径只能是本月数或1—N月累计")
    before = _plan_settings(plan)
    plan.entry_basis, plan.reporting_deadline_day, plan.lag_threshold_points = entry_basis, deadline_day, lag_points
    plan.save(update_fields=["entry_basis", "reporting_deadline_day", "lag_threshold_points"])
    targets = Target.objects.filter(key_task__plan=plan)
    was = set(targets.filter(is_headline=True).values_list("pk", flat=True))
    headline_ids = set(targets.filter(pk__in=headline_ids).values_list("pk", flat=True))
    targets.filter(pk__in=headline_ids - was).update(is_headline=True)
    targets.filter(pk__in=was - headline_ids).update(is_headline=False)
    detail = changes_text(before, _plan_settings(plan))
    basis_detail = _target_bases_save(targets, target_bases or {})
    if was != headline_ids:
        names = dict(targets.filter(pk__in=was ^ headline_ids).values_list("pk", "name"))
        added = "、".join(names[i] for i in sorted(headline_ids - was))
        removed = "、".join(names[i] for i in sorted(was - headline_ids))
        detail = "；".join(
            x for x in (detail, f"重点指标 +{added}" if added else "", f"重点指标 -{removed}" if removed else "") if x
        )
    detail = "；".join(x for x in (detail, basis_detail) if x)
    if detail:
        admin_action_record(user=user, region=plan.region, action="方案设置", subject=plan.title, detail=detail)


def _target_bases_save(targets, bases: dict[int, str | None]) -> str:
    """Write the per-target 填报口径 that changed; '指标A 填报口径: 随方案 → 1—N月累计；…' for the log."""
    labels = dict(Plan.EntryBasis.choices)
    changes = []
    for target in targets.filter(pk__in=list(bases)).exclude(kind=Target.Kind.MILESTONE).order_by("pk"):
        new = bases[target.pk]
        if target.entry_basis == new:
            continue
        changes.append(
            f"{target.name} 填报口径: {labels.get(target.entry_basis, '随方案')} → {labels.get(new, '随方案')}"
        )
        target.entry_basis = new
        target.save(update_fields=["entry_basis"])
    return "；".join(changes)


@transaction.atomic
def target_assessments_save(*, user, plan: Plan, assessments: dict[int, str]) -> int:
    """Set or clear the admin's own 考核方式 of the plan's untracked targets (target id → method, '' clears).
    Recorded as the admin's with who set it; a method the document states is never overwritten. Returns the
    number of targets changed; one AdminAction lists them."""
    plan = managed_plan(user, plan.slug)
    changes = []
    targets = Target.objects.filter(key_task__plan=plan, is_reported=False, pk__in=list(assessments))
    for target in targets.select_related("key_task").order_by("key_task__number", "number"):
        if target.assessment and target.assessment_source == "document":
            continue
        new = (assessments[target.pk] or "").strip()
        if len(new) > 300:
            raise ValidationError("考核方式不能超过300字")
        if new == target.assessment:
            continue
        changes.append(f"{target.name} 考核方式: {target.assessment or '文件未明确'} → {new or '文件未明确'}")
        target.assessment = new
        target.assessment_source = "admin" if new else ""
        target.assessment_set_by = user if new else None
        target.save(update_fields=["assessment", "assessment_source", "assessment_set_by"])
    if changes:
        admin_action_record(
            user=user, region=plan.region, action="考核方式", subject=plan.title, detail="；".join(changes)
        )
    return len(changes)


# --- reopening ---------------------------------------------------------------------------------------------


@transaction.atomic
def month_reopen(
    *,
    user,
    plan: Plan,
    year: int,
    month: int,
    until: dt.date,
    reason: str,
    region: Region | None = None,
    department: Department | None = None,
) -> Submission:
    """Reopen a region's or a department's month of a plan until a date, with the reason (audited twice: the
    submission's own AuditEntry and the AdminAction of the log)."""
    require_admin(user)
    if department is not None:
        if not manageable_departments(user).filter(pk=department.pk).exists():
            raise PermissionDenied("该部门不在您的管理范围内")
        region = plan.region
    submission = submission_reopen(
        plan=plan, region=region, year=year, month=month, until=until, user=user, department=department, reason=reason
    )
    holder = department.name if department is not None else region.name
    admin_action_record(
        user=user,
        region=region,
        action="重新开放",
        subject=f"{plan.display_short_title} {holder} {year}年{month}月",
        detail=f"开放至{until:%Y-%m-%d}；原因：{reason}",
    )
    return submission


def reopened_months(user, today: dt.date) -> list[Submission]:
    scope = require_admin(user)
    return list(
        Submission.objects.filter(scope.q(), reopened_until__gte=today)
        .select_related("plan", "region", "department")
        .order_by("reopened_until")[:100]
    )
