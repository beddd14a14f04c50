"""Resolve the (plan, year, month, region) a page is about from its query string, within the user's scope."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Max
from django.http import Http404

from plans.models import Plan, Region
from plans.scope import scope_for
from skills_admin.lib import clock
from targets.models import MonthlyFigure


@dataclass(frozen=True)
class Selection:
    plan: Plan
    year: int
    month: int
    region: Region

    def query(self, **overrides) -> str:
        values = {"plan": self.plan.slug, "year": self.year, "month": self.month, "region": self.region.code}
        values.update(overrides)
        return "&".join(f"{k}={v}" for k, v in values.items() if v not in (None, ""))


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        raise Http404("参数无效") from None


def default_period(plan: Plan, today: dt.date) -> tuple[int, int]:
    """The latest month that has figures, else the latest month of the plan up to today."""
    latest = MonthlyFigure.objects.filter(allocation__target__key_task__plan=plan).aggregate(y=Max("allocation__year"))[
        "y"
    ]
    if latest:
        month = MonthlyFigure.objects.filter(
            allocation__target__key_task__plan=plan, allocation__year=latest
        ).aggregate(m=Max("month"))["m"]
        return latest, month
    end = min(plan.end_date, today)
    return (end.year, end.month) if end >= plan.start_date else (plan.start_date.year, plan.start_date.month)


def resolve(request, *, plan: Plan | None = None) -> Selection:
    """Plan, year, month and region from GET, defaulting sensibly; a region outside the scope is a 404."""
    plans = Plan.objects.visible_to(request.user).select_related("region")
    if plan is None:
        slug = request.GET.get("plan")
        plan = plans.filter(slug=slug).first() if slug else _default_plan(plans, scope_for(request.user).region)
    if plan is None:
        raise Http404("没有可查看的方案")
    year, month = _int(request.GET.get("year")), _int(request.GET.get("month"))
    if not (year and month):  # the default costs a scan of the plan's figures: only when it is needed
        default_year, default_month = default_period(plan, clock.today())
        year, month = year or default_year, month or default_month
    if not (1 <= month <= 12 and plan.start_date.year <= year <= plan.end_date.year):
        raise Http404("所选月份不在方案实施期内")
    return Selection(plan, year, month, _region(request, plan))


def _default_plan(plans, region: Region | None) -> Plan | None:
    """The user's own plan (one whose region contains theirs) before the others: 辽宁's admin opens 辽宁's."""
    candidates = list(plans.order_by("-is_demo", "-start_date"))
    own = [p for p in candidates if region is not None and region.is_within(p.region)]
    return (own or candidates or [None])[0]


def _region(request, plan: Plan) -> Region:
    scope = scope_for(request.user)
    code = request.GET.get("region")
    if code:
        region = Region.objects.filter(code=code).first()
        if region is None or not scope.covers(region) or not region.is_within(plan.region):
            raise Http404("无权查看该地区")
        return region
    return scope.home_region(plan)


def filter_context(request, selection: Selection, *, with_regions: bool = True) -> dict:
    """What the shared filter bar (includes/period_filter.html) needs."""
    scope = scope_for(request.user)
    plan = selection.plan
    regions = []
    if with_regions:
        candidates = [plan.region, *Region.objects.filter(parent=plan.region).order_by("sort_order", "code")]
        if selection.region not in candidates:
            candidates.append(selection.region)
        regions = [r for r in candidates if scope.covers(r)]
    last_month = 12 if selection.year < plan.end_date.year else plan.end_date.month
    first_month = plan.first_month(selection.year)
    return {
        "sel": selection,
        "filter_plans": Plan.objects.visible_to(request.user).order_by("-start_date"),
        "filter_months": range(first_month, last_month + 1),
        "filter_regions": regions,
    }
