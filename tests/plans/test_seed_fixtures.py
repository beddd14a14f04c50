"""The four seed plans ship faithfully: counts as recorded in fixtures/plans/COUNTS-*.md, text from the documents.

The counts files were written by reading the documents; this test holds the loaded database to them, so a
fixture edit that drops a measure or a target fails here.
"""

import json
import re
from pathlib import Path

import pytest

from plans.models import KeyTask, KeyTaskDepartment, Measure, Plan
from targets.models import Allocation, Target

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures" / "plans"
SEEDS = ROOT.parent / "shared" / "seeds"
COLUMNS = ("key_tasks", "measures", "numeric", "milestones", "allocations", "department_links", "departments")


def _recorded_totals() -> dict[str, dict[str, int]]:
    totals = {}
    for path in sorted(FIXTURES.glob("COUNTS-*.md")):
        text = path.read_text(encoding="utf-8")
        table = text.split("## Totals", 1)[1]
        for line in table.splitlines():
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if len(cells) == 8 and re.fullmatch(r"[a-z]+-\d{4}", cells[0]):
                totals[cells[0]] = dict(zip(COLUMNS, map(int, cells[1:]), strict=True))
    return totals


RECORDED = _recorded_totals()


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_every_seed_plan_has_recorded_counts():
    assert set(RECORDED) == {"liaoning-2022", "jilin-2022", "hubin-2019", "suqian-2022"}


@pytest.mark.parametrize("slug", sorted(RECORDED))
def test_loaded_plan_matches_the_recorded_counts(slug, seed):
    plan = Plan.objects.get(slug=slug)
    targets = Target.objects.filter(key_task__plan=plan)
    links = KeyTaskDepartment.objects.filter(key_task__plan=plan)
    loaded = {
        "key_tasks": KeyTask.objects.filter(plan=plan).count(),
        "measures": Measure.objects.filter(key_task__plan=plan).count(),
        "numeric": targets.exclude(kind="milestone").count(),
        "milestones": targets.filter(kind="milestone").count(),
        # a share given for the whole plan period is stored once per plan year: count the shares, not the years
        "allocations": Allocation.objects.filter(target__key_task__plan=plan, is_demo=False)
        .values("target", "region", "department")
        .distinct()
        .count(),
        "department_links": links.count(),
        "departments": links.values("department").distinct().count(),
    }
    assert loaded == RECORDED[slug]


@pytest.mark.parametrize("slug", sorted(RECORDED))
def test_target_source_texts_come_from_the_documents(slug, seed):
    """Each target quotes its document: its source text (whitespace aside) occurs in one of the plan's seeds."""
    document = json.loads((FIXTURES / f"{slug}.json").read_text(encoding="utf-8"))
    sources = [s.strip() for s in document["source"].split(",")]
    corpus = "".join(_compact((SEEDS / name).read_text(encoding="utf-8")) for name in sources)
    quoted = list(Target.objects.filter(key_task__plan__slug=slug).values_list("source_text", flat=True))
    assert quoted
    missing = [q for q in quoted if _compact(q) not in corpus]
    assert len(missing) <= len(quoted) // 10, missing[:5]  # a few are joined from table rows split over lines


@pytest.mark.parametrize("slug", sorted(RECORDED))
def test_key_tasks_keep_the_deadline_text_as_written(slug, seed):
    for task in KeyTask.objects.filter(plan__slug=slug).exclude(deadline_text=""):
        assert task.deadline_text == task.deadline_text.strip()
        if task.due_dates:
            assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", d) for d in task.due_dates), task.due_dates


def test_jilin_plan_carries_no_page_spam():
    """The Jilin seed page has unrelated advertising text around the plan; none of it may ship."""
    text = json.dumps(json.loads((FIXTURES / "jilin-2022.json").read_text(encoding="utf-8")), ensure_ascii=False)
    for spam in ("电竞", "泛亚"):
        assert spam not in text
    assert "破除学历、身份等限制" in text  # the sentence the spam was spliced into, restored


def test_liaoning_plan_reads_as_in_the_document(seed):
    plan = Plan.objects.get(slug="liaoning-2022")
    first = KeyTask.objects.get(plan=plan, number=1)
    assert first.title == "紧贴产业发展需求发布急需紧缺技能人才目录"
    quarterly = Target.objects.get(key_task=first, number=1)
    assert (quarterly.value, quarterly.unit, quarterly.period) == (50, "个", "quarter")
    training = Target.objects.get(key_task=first, number=2)
    assert (training.value, training.unit, training.kind) == (50000, "人次", "flow")
