"""The import preview's corrections: the roles a person gives the statements of a draft plan document.

Every statement of a draft (plans.annex or plans.fulltext) carries the role the reader gave it and what the
import makes of it (`imported_as`: target, rule, name, result, background). A correction changes what the import
makes of one statement, by its position in the preview: a target becomes text (a rule or a name becomes a measure,
a result or background is left out), and any other statement corrected to a target becomes targets. A statement that
stays a target may also have its readings corrected (value, upper bound, unit, qualifier, kind, period, per-unit
level of its k-th target). Whatever the corrections, the document keeps the whole review (`import_review`), which
the importer stores with the plan. Pure: no database; the values come cleaned (targets/import_views.py).
"""

from __future__ import annotations

import copy

from plans.annex import targets_from_statements
from plans.deadlines import due_month
from plans.roles import BACKGROUND, NAME, RESULT, ROLE_LABELS, RULE, TARGET

MEASURE = "measure"  # not a role: a sentence without a number that the import keeps as a measure's text
ROLES = (*ROLE_LABELS, MEASURE)
CHOICES = (*ROLE_LABELS.items(), (MEASURE, "措施（文字）"))
AS_MEASURE = (RULE, NAME, MEASURE)
# What a person may correct in a target's reading, and the preview's words for it.
READING_FIELDS = {
    "value": "数值", "upper": "上限", "unit": "单位", "qualifier": "限定", "kind": "类型", "period": "周期",
    "per_unit_level": "定额单位",
}  # fmt: skip
LEFT_OUT = (RESULT, BACKGROUND)


def apply_review(
    document: dict, corrections: dict[int, str] | None = None, readings: dict[int, dict[int, dict]] | None = None
) -> dict:
    """A copy of `document` with the corrections applied and its `import_review` filled in: `corrections` gives a
    statement (by position) a role, `readings` gives the fields of its k-th target ({position: {k: {field: value}}});
    unknown roles, positions and fields are ignored."""
    corrections = {index: role for index, role in (corrections or {}).items() if role in ROLES}
    readings = readings or {}
    result = copy.deepcopy(document)
    review, index = [], 0
    for task in result["key_tasks"]:
        for statement in task.pop("statements", []):
            before = statement.get("imported_as", statement["role"])
            after = corrections.get(index, before)
            if after != before:
                _move(task, statement["text"], before, after)
            fixed = (
                _correct_readings(task, statement["text"], readings.get(index, {})) if after == before == TARGET else []
            )
            review.append(_entry(task, statement, before, after, fixed))
            index += 1
        _renumber(task)
    result["import_review"] = review
    return result


def _move(task: dict, text: str, before: str, after: str) -> None:
    if before == TARGET:
        task["targets"] = [target for target in task["targets"] if target["source_text"] != text]
    elif before in AS_MEASURE:
        task["measures"] = [measure for measure in task["measures"] if measure["text"] != text]
    if after == TARGET:
        task["targets"] += targets_from_statements([text], due_month(task.get("deadline_text", "")))
    elif after in AS_MEASURE:
        task["measures"].append({"number": 0, "text": text})


def _correct_readings(task: dict, text: str, fixes: dict[int, dict]) -> list[dict]:
    """The person's corrections applied to the numeric targets read from one statement, in reading order; what
    was changed, field by field, for the review."""
    mine = [target for target in task["targets"] if target["source_text"] == text and target["kind"] != "milestone"]
    changed = []
    for k, fields in sorted(fixes.items()):
        if not 0 <= k < len(mine):
            continue
        target = mine[k]
        for field, value in fields.items():
            if field in READING_FIELDS and target.get(field) != value:
                changed.append({"target": k + 1, "field": field, "before": target.get(field), "after": value})
                target[field] = value
        target["higher_is_better"] = target["qualifier"] != "at_most"
        target["is_reported"] = target["kind"] != "ratio"
    return changed


def _renumber(task: dict) -> None:
    for number, target in enumerate(task["targets"], start=1):
        target["number"] = number
    for number, measure in enumerate(task["measures"], start=1):
        measure["number"] = number


def _entry(task: dict, statement: dict, before: str, after: str, fixed: list[dict]) -> dict:
    return {
        "task": task["number"],
        "text": statement["text"],
        "read_as": statement["role"],
        "cues": statement.get("cues", []),
        "imported_as": after,
        "corrected": after != before or bool(fixed),
        "readings_corrected": fixed,
    }


def statements_of(document: dict) -> list[dict]:
    """Every statement of a draft in preview order, with its position and key task number."""
    found = []
    for task in document["key_tasks"]:
        for statement in task.get("statements", []):
            found.append({"index": len(found), "task": task["number"], "task_title": task["title"], **statement})
    return found
