"""演示数据: allocations and monthly figures the plan documents do not give, clearly flagged as demo.

The documents give targets, not who does how much each month. To show a living product, this module splits
each numeric target among the plan region's children with fixed weights and invents monthly figures with a
seeded random generator, so every install shows the same demo. Everything it creates is `is_demo=True`: the
allocations it invents and every figure it writes, also the figures written onto shares the documents themselves
give (Hubin's departments, Suqian's counties), whose allocations stay real. An audit entry says "演示数据".
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from plans.models import Department, Plan, Profile, Region
from plans.reading import counts_whole
from skills_admin.lib import clock
from skills_admin.lib.robots import DEMO_ROBOT_URL
from targets.engine import MILESTONE, QUARTER, RATIO, STOCK
from targets.models import (
    Allocation,
    AuditEntry,
    ChaseSlot,
    MonthlyFigure,
    Notification,
    Reminder,
    Submission,
    Target,
)
from targets.rollups import rollups_rebuild
from targets.services import holders_ensure

DEMO_PASSWORD = "Jineng-demo-2022"
# 演示日期 (bin/serve sets DEMO_DATE to it): the day after 辽宁's November deadline. November is reopened for the
# regions still reporting (沈阳 among them), the circular of November and the 逾期催报 are due that day.
DEMO_DATE = dt.date(2022, 12, 11)


@dataclass(frozen=True)
class DemoConfig:
    plan_slug: str
    year: int
    complete_months: int  # months every region has reported and had approved
    open_month_submitters: int  # in the month after, how many regions have submitted so far


DEMO_PLANS = [
    DemoConfig("liaoning-2022", 2022, complete_months=10, open_month_submitters=9),
    DemoConfig("suqian-2022", 2022, complete_months=8, open_month_submitters=5),
    DemoConfig("jilin-2022", 2023, complete_months=5, open_month_submitters=4),
    DemoConfig("hubin-2019", 2020, complete_months=11, open_month_submitters=0),
]

# (username, role, region code, full name, department name or "")
DEMO_USERS = [
    ("admin", Profile.Role.ADMIN, "210000", "省人社厅管理员", ""),
    ("shenyang_admin", Profile.Role.ADMIN, "210100", "沈阳市人社局管理员", ""),
    ("province_reporter", Profile.Role.REPORTER, "210000", "省厅填报员", ""),
    ("shenyang", Profile.Role.REPORTER, "210100", "沈阳市填报员", ""),
    ("dalian", Profile.Role.VIEWER, "210200", "大连市查看员", ""),
    ("leader", Profile.Role.LEADER, "210000", "省厅领导", ""),
    ("suqian", Profile.Role.REPORTER, "321300", "宿迁市填报员", ""),
    ("hubin_jianshe", Profile.Role.REPORTER, "411202", "湖滨区建设局填报员", "区建设局"),
]

# Seasonality of monthly work: slow in January/February (Spring Festival), busier in spring and autumn.
SEASON = [0.45, 0.55, 1.0, 1.1, 1.15, 1.1, 0.95, 0.9, 1.1, 1.15, 1.05, 0.9]


def demo_users_create(*, password: str = DEMO_PASSWORD) -> list[tuple[str, str, str]]:
    """Create (or reset) the demo users, one per role plus a city admin and a department reporter; returns
    (username, role label, region and department) for printing."""
    User = get_user_model()
    created = []
    for username, role, code, full_name, department_name in DEMO_USERS:
        region = Region.objects.filter(code=code).first()
        department = Department.objects.filter(name=department_name).first() if department_name else None
        if region is None or (department_name and department is None):
            continue
        user, _ = User.objects.get_or_create(username=username)
        user.first_name, user.is_staff = full_name, role == Profile.Role.ADMIN
        user.set_password(password)
        user.save()
        profile, _ = Profile.objects.update_or_create(
            user=user, defaults={"role": role, "region": region, "department": department}
        )
        where = f"{region.name} {department.name}" if department else region.name
        created.append((username, profile.role_display, where))  # 市级管理员, not 省级, for a city's admin
    return created


# The department whose group robot the demo sets (the address is marked demo and never sent to).
DEMO_ROBOT_DEPARTMENT = "区建设局"


def demo_robot_set() -> str | None:
    """Give one demo department a robot address, so the contacts pages show one; returns the department's name."""
    department = Department.objects.filter(name=DEMO_ROBOT_DEPARTMENT).first()
    if department is None:
        return None
    department.webhook_url = DEMO_ROBOT_URL
    department.save(update_fields=["webhook_url"])
    return department.name


def demo_activity_clear() -> None:
    """What using the demo left behind in reporting: reminders, their deliveries, the bell, chase slots."""
    demo_plans = Plan.objects.filter(slug__in=[c.plan_slug for c in DEMO_PLANS])
    Reminder.objects.filter(plan__in=demo_plans).delete()  # deliveries go with them
    ChaseSlot.objects.filter(plan__in=demo_plans).delete()
    Notification.objects.filter(user__username__in=[u[0] for u in DEMO_USERS]).delete()


@transaction.atomic
def demo_load(*, today: dt.date | None = None, seed: int = 2022, late_regions: bool = False) -> dict[str, int]:
    """Load demo allocations and figures for every seed plan present; idempotent (replaces earlier demo).

    `late_regions` (the live demo on its 演示日期): past the open month's deadline only the first region's month
    is reopened and the other regions still owing it are late, as in a real month; otherwise (the test data,
    judged years later) every open month stays editable."""
    today = today or clock.today()
    counts = {}
    for config in DEMO_PLANS:
        plan = Plan.objects.filter(slug=config.plan_slug).first()
        if plan is not None:
            counts[plan.slug] = _load_plan(plan, config, random.Random(f"{seed}-{plan.slug}"), today, late_regions)
            holders_ensure(plan=plan, year=config.year)  # what the demo does not split, the plan region holds
    return counts


def _load_plan(plan: Plan, config: DemoConfig, rng: random.Random, today: dt.date, late_regions: bool) -> int:
    Allocation.objects.filter(target__key_task__plan=plan, is_demo=True).delete()
    MonthlyFigure.objects.filter(allocation__target__key_task__plan=plan, allocation__year=config.year).delete()
    Submission.objects.filter(plan=plan, year=config.year).delete()
    regions = list(Region.objects.filter(parent=plan.region).order_by("sort_order", "code")) or [plan.region]
    weights = _weights(regions, rng)
    paces = {r.id: Decimal(str(rng.uniform(0.78, 1.22))) for r in regions}
    allocations = _allocations(plan, config.year, regions, weights)
    figures = _figures(allocations, config, paces, rng)
    MonthlyFigure.objects.bulk_create(figures, batch_size=2000)
    rollups_rebuild(plan=plan, year=config.year)
    _submissions(plan, config, regions, rng, today, late_regions)
    _audit_load(plan, config, len(figures))
    return len(figures)


def _weights(regions: list[Region], rng: random.Random) -> dict[int, Decimal]:
    raw = {r.id: rng.uniform(0.4, 1.6) for r in regions}
    # The first two cities of a province (provincial capital and sub-provincial city) carry more weight.
    for r in regions[:2]:
        raw[r.id] *= 2.5
    total = sum(raw.values())
    return {k: Decimal(str(v / total)) for k, v in raw.items()}


def _allocations(plan: Plan, year: int, regions: list[Region], weights: dict) -> list[Allocation]:
    years = len(plan.years)
    targets = Target.objects.filter(key_task__plan=plan, is_reported=True)
    existing = set(
        Allocation.objects.filter(target__key_task__plan=plan, year=year).values_list(
            "target_id", "region_id", "department_id"
        )
    )
    created = []
    for target in targets:
        if any(t == target.id for t, _, _ in existing):
            continue  # the document gives this target's own split (a real allocation): keep it
        if target.per_unit_level in Target.REGION_PER_UNIT_LEVELS:
            created += [_quota(target, year, r, years) for r in per_unit_holders(regions, target.per_unit_level)]
            continue
        holders = regions
        yearly = target.yearly_share(years)
        if counts_whole(target.kind, target.unit) and yearly is not None:
            # 2 所 for a province of 14 cities: the cities with the largest shares get one each, not all 14
            if yearly < len(regions):
                holders = sorted(regions, key=lambda r: -weights[r.id])[: max(int(yearly), 1)]
        created += [_allocation(target, year, r, weights[r.id], years) for r in holders]
    Allocation.objects.bulk_create(created)
    # a target nobody reports monthly (is_reported false) gets no figures, even where the document splits it
    reported = Allocation.objects.filter(target__key_task__plan=plan, year=year, target__is_reported=True)
    return list(reported.select_related("target"))


def per_unit_holders(regions: list[Region], level: str) -> list[Region]:
    """The units a per-unit quota (每个市, 各县(区), 各功能区) applies to: the regions of that level."""
    return [region for region in regions if region.level == level]


def _quota(target: Target, year: int, region: Region, years: int) -> Allocation:
    """A per-unit quota is not split: each unit is to reach it."""
    value = target.yearly_share(years)
    return Allocation(target=target, year=year, region=region, value=value, is_demo=True, note="演示数据")


def _allocation(target: Target, year: int, region: Region, weight: Decimal, years: int) -> Allocation:
    yearly = target.yearly_share(years)
    if target.kind in (RATIO, MILESTONE) or yearly is None:
        value = yearly
    else:
        value = _round(yearly * weight, counts_whole(target.kind, target.unit))
    return Allocation(target=target, year=year, region=region, value=value, is_demo=True, note="演示数据")


def _round(value: Decimal, whole: bool) -> Decimal:
    quantum = Decimal(1) if whole else Decimal("0.01")
    return max(value.quantize(quantum, rounding=ROUND_HALF_UP), quantum)


def _figures(allocations, config: DemoConfig, paces, rng: random.Random) -> list[MonthlyFigure]:
    """Each region works at its own pace, and each target goes at its own pace too (some tasks run ahead of
    schedule, some behind), so the demo shows every status rather than one province-wide average."""
    target_paces = {t: Decimal(str(rng.uniform(0.82, 1.3))) for t in sorted({a.target_id for a in allocations})}
    figures = []
    for a in allocations:
        pace = paces.get(a.region_id, Decimal(1)) * target_paces[a.target_id]
        last = config.complete_months + (1 if rng.random() < 0.6 else 0)
        for month in range(1, last + 1):
            figure = _figure(a, month, pace, rng)
            if figure is not None:
                figures.append(figure)
    return figures


def _figure(a: Allocation, month: int, pace: Decimal, rng: random.Random) -> MonthlyFigure | None:
    kind, unit = a.target.kind, a.target.unit
    if kind == MILESTONE:
        status = "done" if month >= 9 and rng.random() < 0.5 else ("in_progress" if month >= 3 else "not_started")
        return MonthlyFigure(allocation=a, month=month, milestone_status=status, remark="演示数据", is_demo=True)
    if a.value is None:
        return None
    noise = Decimal(str(rng.uniform(0.85, 1.15)))
    if kind in (STOCK, RATIO):
        level = a.value * (Decimal("0.8") + Decimal("0.02") * month) * (pace if pace < 1 else Decimal(1))
        level = _round(level, counts_whole(kind, unit))
        return MonthlyFigure(allocation=a, month=month, value=level, is_demo=True)
    per_month = a.value / (3 if a.target.period == QUARTER else 12)
    value = per_month * pace * noise * Decimal(str(SEASON[month - 1]))
    if value < 1 and counts_whole(kind, unit):  # small targets (2 所 a city) come in lumps: now one, now none
        value = Decimal(1) if rng.random() < value else Decimal(0)
        # a lump is "far above the monthly average" by the entry checks, which ask for a remark: it has one
        remark = "演示数据：本月评定一项" if value else ""
        return MonthlyFigure(allocation=a, month=month, value=value, remark=remark, is_demo=True)
    return MonthlyFigure(allocation=a, month=month, value=_round(value, counts_whole(kind, unit)), is_demo=True)


def _submissions(
    plan: Plan, config: DemoConfig, regions, rng: random.Random, today: dt.date, late_regions: bool = False
) -> None:
    from targets.periods import reporting_deadline

    subs = []
    for month in range(1, config.complete_months + 1):
        deadline = reporting_deadline(plan, config.year, month)
        for r in regions:
            day = deadline - dt.timedelta(days=rng.randint(-3, 6))
            subs.append(_submission(plan, r, config.year, month, Submission.Status.APPROVED, day))
    open_month = config.complete_months + 1
    if open_month <= 12:
        subs += _open_month(plan, config, regions, open_month, today, late_regions)
    subs += _department_submissions(plan, config, today)
    Submission.objects.bulk_create(subs)


def _department_submissions(plan: Plan, config: DemoConfig, today: dt.date) -> list[Submission]:
    """Departments holding shares report like regions: earlier months approved, the open month a draft."""
    from targets.periods import reporting_deadline

    departments = Department.objects.filter(
        allocations__target__key_task__plan=plan, allocations__year=config.year, allocations__region__isnull=True
    ).distinct()
    subs = []
    for department in departments:
        for month in range(1, config.complete_months + 1):
            day = reporting_deadline(plan, config.year, month) - dt.timedelta(days=2)
            sub = _submission(plan, plan.region, config.year, month, Submission.Status.APPROVED, day)
            sub.department = department
            subs.append(sub)
        if config.complete_months < 12:
            month = config.complete_months + 1
            sub = _submission(plan, plan.region, config.year, month, Submission.Status.DRAFT, None)
            sub.department = department
            deadline = reporting_deadline(plan, config.year, month)
            sub.reopened_until = today + dt.timedelta(days=120) if today > deadline else None
            subs.append(sub)
    return subs


def _open_month(plan, config, regions, month, today, late_regions: bool = False) -> list[Submission]:
    """The month being reported now: some regions have submitted; it stays open for the demo."""
    from targets.periods import reporting_deadline

    deadline = reporting_deadline(plan, config.year, month)
    # Once the window has closed by `today` the month is reopened: on the live demo for its first child only (沈阳,
    # left to report during the demo journey; the others owing it are late, 逾期未报), in the test data for all.
    until = today + dt.timedelta(days=14 if late_regions else 120) if today > deadline else None
    subs = []
    for index, r in enumerate(regions):
        submitted = 0 < index <= config.open_month_submitters
        status = Submission.Status.SUBMITTED if submitted else Submission.Status.DRAFT
        sub = _submission(plan, r, config.year, month, status, deadline - dt.timedelta(days=1) if submitted else None)
        sub.reopened_until = until if index == 0 or not late_regions else None
        subs.append(sub)
    return subs


def _submission(plan, region, year, month, status, day: dt.date | None) -> Submission:
    at = timezone.make_aware(dt.datetime.combine(day, dt.time(16, 30))) if day else None
    return Submission(
        plan=plan,
        region=region,
        year=year,
        month=month,
        status=status,
        submitted_at=at,
        reviewed_at=at if status == Submission.Status.APPROVED else None,
        version=1,
    )


def _audit_load(plan: Plan, config: DemoConfig, count: int) -> None:
    AuditEntry.objects.create(
        subject=AuditEntry.Subject.FIGURE,
        plan=plan,
        year=config.year,
        field="demo_load",
        old_value="",
        new_value=f"{count}条",
        via=AuditEntry.Via.SYSTEM,
        remark="演示数据载入（非真实数据）",
    )
