"""The import preview's corrections: the roles a person gives the statements of a draft plan document.

Every statement of a draft (plans.annex or plans.fulltext) carries the role the reader gave it and what the
import makes of it (`imported_as`: target, rule, name, result, background). A correction changes what the import
makes of one statement, by its position in the preview: a target becomes text (a rule or a name becomes a measure,
a result or background is left out), and any other statement corrected to a target becomes targets. Whatever the
corrections, the document keeps the whole review (`import_review`), which the importer stores with the plan.
Pure: no database.
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
LEFT_OUT = (RESULT, BACKGROUND)


def apply_review(document: dict, corrections: dict[int, str] | None = None) -> dict:
    """A copy of `document` with the corrections applied and its `import_review` filled in; unknown roles and
    positions are ignored."""
    corrections = {index: role for index, role in (corrections or {}).items() if role in ROLES}
    result = copy.deepcopy(document)
    review, index = [], 0
    for task in result["key_tasks"]:
        for statement in task.pop("statements", []):
            before = statement.get("imported_as", statement["role"])
            after = corrections.get(index, before)
            if after != before:
                _move(task, statement["text"], before, after)
            review.append(_entry(task, statement, before, after))
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


def _renumber(task: dict) -> None:
    for number, target in enumerate(task["targets"], start=1):
        target["number"] = number
    for number, measure in enumerate(task["measures"], start=1):
        measure["number"] = number


def _entry(task: dict, statement: dict, before: str, after: str) -> dict:
    return {
        "task": task["number"],
        "text": statement["text"],
        "read_as": statement["role"],
        "cues": statement.get("cues", []),
        "imported_as": after,
        "corrected": after != before,
    }


def statements_of(document: dict) -> list[dict]:
    """Every statement of a draft in preview order, with its position and key task number."""
    found = []
    for task in document["key_tasks"]:
        for statement in task.get("statements", []):
            found.append({"index": len(found), "task": task["number"], "task_title": task["title"], **statement})
    return found
