from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from plans.models import Plan
from plans.queries import key_tasks_with_details
from plans.review import CHOICES, READING_FIELDS


def get_plan_for_user(request, slug: str) -> Plan:
    """The plan, if the user's scope includes it (404 otherwise: no hint that it exists)."""
    return get_object_or_404(Plan.objects.visible_to(request.user).select_related("region"), slug=slug)


@login_required
def plan_list(request):
    plans = Plan.objects.visible_to(request.user).select_related("region")
    return render(request, "plans/plan_list.html", {"plans": plans})


@login_required
def plan_detail(request, slug):
    plan = get_plan_for_user(request, slug)
    ctx = {"plan": plan, "key_tasks": key_tasks_with_details(plan), **import_review_context(plan)}
    return render(request, "plans/plan_detail.html", ctx)


def import_review_context(plan: Plan) -> dict:
    """The import review with Chinese labels, for the admin's 导入识别记录 on the plan page."""
    labels = dict(CHOICES)
    for entry in plan.import_review:
        entry["read_as_label"] = labels.get(entry.get("read_as"), "")
        entry["imported_as_label"] = labels.get(entry.get("imported_as"), "")
        entry["reading_notes"] = [_reading_note(fix) for fix in entry.get("readings_corrected", [])]
    return {"import_corrections": sum(bool(entry.get("corrected")) for entry in plan.import_review)}


def _reading_note(fix: dict) -> str:
    """“第1个目标数值：5000 → 6000”: one reading corrected on the import preview."""
    field = READING_FIELDS.get(fix["field"], fix["field"])
    return f"第{fix['target']}个目标{field}：{fix['before'] or '—'} → {fix['after'] or '—'}"
