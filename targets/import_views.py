"""The plan import's preview and confirmation: the draft read from the upload waits in the session while the
person checks what every statement was read as, corrects it, and confirms; the corrections stay with the plan."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from plans.annex import read_annex
from plans.fulltext import read_fulltext
from plans.review import CHOICES, ROLES, apply_review, statements_of
from plans.scope import scope_for
from targets.importer import PlanDocumentError, plan_import_document

DRAFT = "plan_import_draft"
EXPIRED = "预览已失效，请重新上传文件并预览"


def read_plan_file(form) -> dict:
    """The draft plan document of the uploaded file, read as an annex table or as the plan's full text."""
    reader = read_fulltext if form.cleaned_data.get("layout") == "fulltext" else read_annex
    return reader(form.file_bytes(), filename=form.cleaned_data["file"].name, **form.plan_fields())


def keep_draft(request, document: dict) -> dict:
    request.session[DRAFT] = document
    return document


def preview_context(form, preview: dict | None) -> dict:
    statements = statements_of(preview) if preview else []
    counts = {role: sum(s["role"] == role for s in statements) for role, _ in CHOICES}
    return {"form": form, "preview": preview, "statements": statements, "role_choices": CHOICES, "counts": counts}


@login_required
@require_POST
def plan_import_confirm(request):
    """Import the previewed draft with the roles chosen on the preview (“role-<n>” fields)."""
    if not scope_for(request.user).is_admin:
        raise PermissionDenied("只有省级管理员可以导入方案")
    draft = request.session.get(DRAFT)
    if not draft:
        messages.error(request, EXPIRED)
        return redirect("targets:plan_import")
    try:
        plan = plan_import_document(document=apply_review(draft, corrections(request.POST)))
    except PlanDocumentError as exc:
        messages.error(request, str(exc))
        return redirect("targets:plan_import")
    del request.session[DRAFT]
    corrected = sum(entry["corrected"] for entry in plan.import_review)
    messages.success(request, f"已导入“{plan.title}”，重点任务{plan.key_tasks.count()}项，更正识别{corrected}处")
    return redirect("plans:detail", slug=plan.slug)


def corrections(post) -> dict[int, str]:
    """{position: role} from the preview's selects; anything else in the form is ignored."""
    found = {}
    for key, value in post.items():
        number = key.removeprefix("role-")
        if key.startswith("role-") and number.isdigit() and value in ROLES:
            found[int(number)] = value
    return found
