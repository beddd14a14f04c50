"""Page reads of the reporting side: which regions have submitted a month, figure history, the audit trail.
Where targets stand is the engine's (`targets.engine`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q

from plans.models import Plan, Region
from targets.engine import peer_regions
from targets.models import Allocation, Submission, Target


def submissions_by_region(plan: Plan, year: int, month: int) -> dict[int, Submission]:
    return {s.region_id: s for s in Submission.objects.filter(plan=plan, year=year, month=month, department=None)}


@dataclass(frozen=True)
class CompletenessRow:
    region: Region
    status: str  # submitted / approved / returned / draft / missing
    status_label: str
    submitted_at: dt.datetime | None
    on_time: bool | None
    submission_id: int | None


@dataclass(frozen=True)
class Completeness:
    rows: list[CompletenessRow]
    expected: int
    submitted: int
    on_time: int

    @property
    def rate(self) -> Decimal | None:
        return Decimal(self.submitted * 100) / self.expected if self.expected else None

    @property
    def timely_rate(self) -> Decimal | None:
        return Decimal(self.on_time * 100) / self.expected if self.expected else None

    @property
    def missing(self) -> list[CompletenessRow]:
        return [r for r in self.rows if r.status in ("missing", "draft", "returned")]


def completeness(plan: Plan, year: int, month: int, user=None) -> Completeness:
    """Which reporting regions have submitted the month, on time or late (3 queries)."""
    from plans.scope import scope_for
    from targets.periods import submission_is_on_time

    peers = peer_regions(plan)
    holders = set(  # only the peers' own allocations: at national scale the plan-year has 100,000+
        Allocation.objects.for_plan(plan)
        .for_year(year)
        .filter(region_id__in=[r.id for r in peers])
        .values_list("region_id", flat=True)
        .distinct()
    )
    regions = [r for r in peers if r.id in holders] or [plan.region]
    if user is not None:
        scope = scope_for(user)
        regions = [r for r in regions if scope.covers(r) or (scope.region and scope.region.is_within(r))]
    subs = submissions_by_region(plan, year, month)
    rows = [_completeness_row(plan, r, subs.get(r.id), submission_is_on_time) for r in regions]
    submitted = [r for r in rows if r.status in ("submitted", "approved")]
    return Completeness(rows, len(rows), len(submitted), sum(1 for r in submitted if r.on_time))


def _completeness_row(plan, region, submission, on_time_fn) -> CompletenessRow:
    if submission is None:
        return CompletenessRow(region, "missing", "未报", None, None, None)
    submitted = submission.status in (Submission.Status.SUBMITTED, Submission.Status.APPROVED)
    return CompletenessRow(
        region,
        submission.status,
        submission.get_status_display(),
        submission.submitted_at,
        on_time_fn(plan, submission) if submitted else None,
        submission.id,
    )


def allocations_visible_to(user):
    return Allocation.objects.visible_to(user).select_related(
        "target", "region", "department", "target__key_task__plan"
    )


def figure_history(allocation: Allocation, month: int | None = None) -> list:
    from targets.models import AuditEntry

    entries = AuditEntry.objects.filter(allocation=allocation).select_related("user")
    if month:
        entries = entries.filter(month=month)
    return list(entries.order_by("-at", "-id")[:200])


def audit_search(q: str = "", plan_slug: str = "", *, user):
    """The audit entries of the regions in the user's scope, newest first."""
    from plans.scope import scope_for
    from targets.models import AuditEntry

    entries = (
        AuditEntry.objects.filter(scope_for(user).q())
        .select_related("user", "region", "target", "plan")
        .order_by("-at", "-id")
    )
    if plan_slug:
        entries = entries.filter(plan__slug=plan_slug)
    if q:
        entries = entries.filter(
            Q(remark__icontains=q)
            | Q(target__name__icontains=q)
            | Q(region__name__icontains=q)
            | Q(user__username__icontains=q)
            | Q(old_value__icontains=q)
            | Q(new_value__icontains=q)
        )
    return entries


def share_upper_bounds(target: Target | None, year: int) -> dict[int, Decimal]:
    """region id → the upper bound of a share the document gives as a range (每个市1至2所 → 2)."""
    if target is None:
        return {}
    shares = Allocation.objects.filter(target=target, year=year, region__isnull=False, value_max__isnull=False)
    return dict(shares.values_list("region_id", "value_max"))


def current_shares(target: Target | None, year: int) -> dict[int, Decimal | None]:
    if target is None:
        return {}
    return dict(
        Allocation.objects.filter(target=target, year=year, region__isnull=False).values_list("region_id", "value")
    )
