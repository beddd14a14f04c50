"""Reads of the plans app for pages and the API."""

from __future__ import annotations

from plans.models import KeyTask, Plan


def key_tasks_with_details(plan: Plan) -> list[KeyTask]:
    """The plan as the document reads: key tasks with departments, measures and targets (4 queries)."""
    return list(
        plan.key_tasks.order_by("number").prefetch_related("department_links__department", "measures", "targets")
    )
