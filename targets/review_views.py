"""The review page: a submitted month as the reviewer sees it, read-only, with what to look at first."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from plans.scope import scope_for
from skills_admin.lib import clock
from targets.forms import ReturnForm
from targets.grid import GridRow, department_grid_for, grid_for
from targets.models import MonthlyFigure, Submission


@dataclass(frozen=True)
class ReviewRow:
    row: GridRow
    previous: Decimal | None  # last month's figure
    change: Decimal | None  # this month minus last month
    is_correction: bool
    is_empty: bool

    @property
    def flagged(self) -> bool:
        return bool(self.row.warnings) or self.is_correction or self.is_empty


@login_required
def review(request, pk):
    submission = get_object_or_404(Submission.objects.select_related("plan", "region", "department"), pk=pk)
    if not scope_for(request.user).administers(submission.region):
        raise Http404("无权审核该报送")
    rows = review_rows(submission)
    ctx = {
        "submission": submission,
        "plan": submission.plan,
        "holder": submission.department.name if submission.department else submission.region.name,
        "rows": rows,
        "flagged": [r for r in rows if r.flagged],
        "empty": sum(1 for r in rows if r.is_empty),
        "warned": sum(1 for r in rows if r.row.warnings),
        "corrections": sum(1 for r in rows if r.is_correction),
        "return_form": ReturnForm(),
        "can_decide": submission.status == Submission.Status.SUBMITTED,
    }
    return render(request, "targets/submission_review.html", ctx)


def review_rows(submission: Submission) -> list[ReviewRow]:
    """The month's grid rows with last month's figure beside them and the 核减 marks (7 queries)."""
    plan, year, month = submission.plan, submission.year, submission.month
    if submission.department is not None:
        grid = department_grid_for(plan, year, month, submission.department, today=clock.today())
    else:
        grid = grid_for(plan, year, month, submission.region, today=clock.today())
    ids = [r.allocation_id for r in grid.rows]
    previous = dict(
        MonthlyFigure.objects.filter(allocation_id__in=ids, month=month - 1).values_list("allocation_id", "value")
    )
    corrections = set(
        MonthlyFigure.objects.filter(allocation_id__in=ids, month=month, is_correction=True).values_list(
            "allocation_id", flat=True
        )
    )
    result = []
    for row in grid.rows:
        before = previous.get(row.allocation_id) if month > 1 else None
        empty = row.milestone_status == "" if row.is_milestone else row.value is None
        change = row.value - before if row.value is not None and before is not None else None
        result.append(ReviewRow(row, before, change, row.allocation_id in corrections, empty))
    return result
