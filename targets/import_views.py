"""The plan import's preview and confirmation: the draft read from the upload waits in the session while the
person checks what every statement was read as, corrects it, and confirms; the corrections stay with the plan."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from plans.annex import read_annex
from plans.forms import PlanImportForm
from plans.fulltext import read_fulltext
from plans.reading import decimal_text, parse_number
from plans.review import CHOICES, READING_FIELDS, ROLES, apply_review, statements_of
from plans.scope import scope_for
from targets.importer import PlanDocumentError, plan_import_document
from targets.models import Target

DRAFT = "plan_import_draft"
EXPIRED = "预览已失效，请重新上传文件并预览"


def read_plan_file(form) -> dict:
    """The draft plan document of the uploaded file, read as an annex table or as the plan's full text."""
    reader = read_fulltext if form.cleaned_data.get("layout") == "fulltext" else read_annex
    return reader(form.file_bytes(), filename=form.cleaned_data["file"].name, **form.plan_fields())


def keep_draft(request, document: dict) -> dict:
    request.session[DRAFT] = document
    return document


# The choices a reading's fields take on the preview (a target's own choices; a per-unit level may be none).
READING_CHOICES = {
    "qualifier": Target.Qualifier.choices,
    "kind": [choice for choice in Target.Kind.choices if choice[0] != Target.Kind.MILESTONE],
    "period": [("", "—"), *Target.Period.choices],
    "per_unit_level": [("", "—"), *Target.PerUnit.choices],
}


def preview_context(form, preview: dict | None, post=None, errors: list[str] | None = None) -> dict:
    statements = statements_of(preview) if preview else []
    for statement in statements:
        if post is not None and post.get(f"role-{statement['index']}") in ROLES:
            statement["imported_as"] = post[f"role-{statement['index']}"]  # as chosen before the confirmation failed
        # copies: the readings belong to the draft kept in the session
        statement["targets"] = [
            reading | {"form": _reading_form(reading, post, _prefix(statement["index"], k))}
            for k, reading in enumerate(statement["targets"])
        ]
    counts = {role: sum(s["role"] == role for s in statements) for role, _ in CHOICES}
    return {
        "form": form, "preview": preview, "statements": statements, "role_choices": CHOICES, "counts": counts,
        "reading_choices": READING_CHOICES, "reading_errors": errors or [],
    }  # fmt: skip


def _prefix(index: int, k: int) -> str:
    return f"reading-{index}-{k}-"


def _reading_form(reading: dict, post, prefix: str) -> dict:
    """The values the preview's 更正读数 inputs show: as read, or as last typed when the confirmation failed."""
    current = _as_read(reading)
    if post is None or prefix + "value" not in post:
        return current | {"prefix": prefix, "typed": False}
    typed = {field: post.get(prefix + field, "").strip() for field in READING_FIELDS}
    return typed | {"prefix": prefix, "typed": typed != current}  # open where something was changed


def _as_read(reading: dict) -> dict:
    """The reading's fields as the inputs show them: text, and "" where the reading has none."""
    return {field: "" if (value := _draft_value(reading, field)) is None else value for field in READING_FIELDS}


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
    readings, errors = reading_corrections(request.POST, draft)
    if errors:  # nothing is written: the preview again, with what was typed and what is wrong
        form = PlanImportForm(user=request.user)
        context = preview_context(form, draft, request.POST, errors)
        return render(request, "plans/plan_import.html", context, status=400)
    try:
        plan = plan_import_document(document=apply_review(draft, corrections(request.POST), readings))
    except PlanDocumentError as exc:
        messages.error(request, str(exc))
        return redirect("targets:plan_import")
    del request.session[DRAFT]
    corrected = sum(entry["corrected"] for entry in plan.import_review)
    messages.success(request, f"已导入“{plan.title}”，重点任务{plan.key_tasks.count()}项，更正识别{corrected}处")
    return redirect("plans:detail", slug=plan.slug)


def reading_corrections(post, draft: dict) -> tuple[dict[int, dict[int, dict]], list[str]]:
    """({position: {k: {field: value}}} of the fields changed on the preview's 更正读数, the errors in Chinese)."""
    found: dict[int, dict[int, dict]] = {}
    errors: list[str] = []
    for statement in statements_of(draft):
        for k, reading in enumerate(statement["targets"]):
            prefix = _prefix(statement["index"], k)
            if prefix + "value" not in post:
                continue
            where = f"第{statement['index'] + 1}句第{k + 1}个目标"
            cleaned, problems = _clean_reading({f: post.get(prefix + f, "").strip() for f in READING_FIELDS}, where)
            errors += problems
            changed = {f: v for f, v in cleaned.items() if v != _draft_value(reading, f)}
            if changed and not problems:
                found.setdefault(statement["index"], {})[k] = changed
    return found, errors


# Where a reading keeps each field of 更正读数: the reader calls the per-unit level `per_unit`.
_READING_KEYS = {field: field for field in READING_FIELDS} | {"per_unit_level": "per_unit"}


def _draft_value(reading: dict, field: str):
    return reading.get(_READING_KEYS[field])


def _clean_reading(typed: dict, where: str) -> tuple[dict, list[str]]:
    """Typed values as the draft holds them (“1.35万” → "13500"); a problem a line each."""
    cleaned, problems = {}, []
    for field in ("value", "upper"):
        text = typed[field]
        if not text:
            if field == "value":
                problems.append(f"{where}：数值不能为空（没有数值的目标请把整句改为“措施”）")
            cleaned[field] = None
            continue
        try:
            number = parse_number(text)
        except (ValueError, ArithmeticError):
            problems.append(f"{where}：{READING_FIELDS[field]}“{text}”无法识别为数字")
            continue
        if number < 0:
            problems.append(f"{where}：{READING_FIELDS[field]}不能为负数")
        cleaned[field] = decimal_text(number)
    if cleaned.get("upper") is not None and cleaned.get("value") is not None:
        if parse_number(cleaned["upper"]) <= parse_number(cleaned["value"]):
            problems.append(f"{where}：上限须大于数值")
    if len(typed["unit"]) > 10:
        problems.append(f"{where}：单位最多10个字")
    cleaned["unit"] = typed["unit"]
    for field, choices in READING_CHOICES.items():
        if typed[field] not in {value for value, _ in choices}:
            problems.append(f"{where}：{READING_FIELDS[field]}“{typed[field]}”不是可选的值")
        cleaned[field] = typed[field] or (None if field == "period" else "")
    return cleaned, problems


def corrections(post) -> dict[int, str]:
    """{position: role} from the preview's selects; anything else in the form is ignored."""
    found = {}
    for key, value in post.items():
        number = key.removeprefix("role-")
        if key.startswith("role-") and number.isdigit() and value in ROLES:
            found[int(number)] = value
    return found
