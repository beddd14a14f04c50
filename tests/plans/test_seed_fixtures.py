"""The four seed plans ship faithfully: counts as recorded in fixtures/plans/COUNTS-*.md, text from the documents.

The counts files were written by reading the documents; this test holds the loaded database to them, so a
fixture edit that drops a measure or a target fails here.
"""

import json
import re
from pathlib import Path

import pytest

from plans.models import KeyTask, KeyTaskDepartment, Measure, Plan, Region
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


def _recorded_self_description() -> dict[str, tuple[int, int, int]]:
    """plan → (per-unit quotas, targets with readings, untracked targets with an assessment)."""
    recorded = {}
    for path in sorted(FIXTURES.glob("COUNTS-*.md")):
        table = path.read_text(encoding="utf-8").split("## What the data says about itself", 1)[1].split("\n\n")[1]
        for line in table.splitlines():
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if len(cells) == 4 and re.fullmatch(r"[a-z]+-\d{4}", cells[0]):
                recorded[cells[0]] = tuple(map(int, cells[1:]))
    return recorded


@pytest.mark.parametrize("slug", sorted(RECORDED))
def test_per_unit_quotas_readings_and_assessments_match_the_recorded_counts(slug, seed):
    targets = Target.objects.filter(key_task__plan__slug=slug)
    loaded = (
        targets.exclude(per_unit_level="").count(),
        targets.exclude(readings=[]).count(),
        targets.filter(is_reported=False).exclude(assessment="").count(),
    )
    assert loaded == _recorded_self_description()[slug]


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


# ------------------------------------------------------------------ data that says what it is


def _target(slug: str, code: str) -> Target:
    task, number = map(int, code.split("-"))
    return Target.objects.get(key_task__plan__slug=slug, key_task__number=task, number=number)


def test_suqian_county_and_zone_contests_are_per_unit_quotas(seed):
    county, zone = _target("suqian-2022", "14-1"), _target("suqian-2022", "14-2")
    assert (county.value, county.per_unit_level) == (15, "county")
    assert (zone.value, zone.per_unit_level) == (6, "zone")
    shares = {a.region.code: a.value for a in zone.allocations.filter(is_demo=False, year=2022)}
    assert shares == {"321371": 6, "321391": 6, "321392": 6, "321393": 6}  # 经开区 has its real code
    assert {a.region.level for a in county.allocations.filter(is_demo=False)} == {"county"}


def test_liaoning_schools_per_city_with_the_documented_allocations(seed):
    each_city, two_cities = _target("liaoning-2022", "10-1"), _target("liaoning-2022", "10-2")
    assert (each_city.value, each_city.upper, each_city.per_unit_level) == (1, 2, "city")
    # 每个市办好1至2所…(沈阳市、大连市重点办好3—5所): the two cities' quota is 10-2's, allocated once (#18)
    shares = {a.region.name: (a.value, a.value_max) for a in each_city.allocations.filter(is_demo=False)}
    assert len(shares) == 12 and "沈抚示范区" not in shares and "沈阳市" not in shares and "大连市" not in shares
    assert shares["鞍山市"] == (1, 2)
    ranges = {a.region.name: (a.value, a.value_max) for a in two_cities.allocations.all()}
    assert ranges == {"沈阳市": (3, 5), "大连市": (3, 5)}
    assert two_cities.per_unit_level == "city"


UNTRACKED = {
    "liaoning-2022": {"10-1", "10-2", "10-6"},
    "suqian-2022": {"1-5", "10-4"},
    "hubin-2019": set(),
    "jilin-2022": set(),
}


@pytest.mark.parametrize("slug", sorted(UNTRACKED))
def test_targets_nobody_reports_monthly_say_how_they_are_judged(slug, seed):
    targets = Target.objects.filter(key_task__plan__slug=slug).select_related("key_task")
    untracked = {f"{t.key_task.number}-{t.number}": t for t in targets if not t.is_reported}
    assert set(untracked) == UNTRACKED[slug]
    assert all(t.assessment for t in untracked.values())
    assert not any(t.assessment for t in targets if t.is_reported)


def test_hubin_ratio_targets_are_reported_monthly_as_the_document_sets_up_a_monthly_report(seed):
    """三(一): 建立工作情况月报和季通报制度 — the ratios were once untracked with an invented 年度统计核定."""
    ratios = Target.objects.filter(key_task__plan__slug="hubin-2019", kind="ratio")
    assert ratios.count() == 9 and all(t.is_reported for t in ratios)


SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"


@pytest.mark.parametrize("slug", sorted(UNTRACKED))
def test_an_assessment_quotes_the_document_with_its_place(slug, seed):
    """“年度统计核定” and “不按地区月报” were attached as the document's words; the documents never say them."""
    for target in Target.objects.filter(key_task__plan__slug=slug).exclude(assessment=""):
        quoted = re.fullmatch(r"“(.+)”（(\d{3}_[0-9a-f]+\.txt) 第(\d+)行，.+）", target.assessment)
        assert quoted, target.assessment
        line = (SEEDS / quoted[2]).read_text(encoding="utf-8").splitlines()[int(quoted[3]) - 1]
        words = quoted[1].replace("‘", "“").replace("’", "”")
        assert _compact(_simplified(words)) in _compact(_simplified(line)), (target.assessment, line[:80])
        assert target.assessment_source == "document"
        assert "年度统计核定" not in target.assessment and "不按地区月报" not in target.assessment


TRADITIONAL = str.maketrans("報務進況強績評標為統據區織導將", "报务进况强绩评标为统据区织导将")


def _simplified(text: str) -> str:
    """Enough of traditional → simplified for the quoted Suqian sentences (the seed is in traditional script)."""
    return text.translate(TRADITIONAL)


@pytest.mark.parametrize(
    ("slug", "code", "values"),
    [
        ("liaoning-2022", "6-1", {("60000", "人次"), ("50000", "人次")}),
        ("hubin-2019", "3-6", {("900", "人次"), ("1000", "人次")}),
        ("hubin-2019", "37-1", {("900", "人次"), ("1000", "人次")}),
        ("hubin-2019", "7-1", {("300", "人次"), ("400", "人次")}),
        ("hubin-2019", "44-1", {("300", "人次"), ("400", "人次")}),
        ("hubin-2019", "6-1", {("1800", "人次"), ("2000", "人次")}),
        ("hubin-2019", "31-1", {("1800", "人次"), ("2000", "人次")}),
        ("hubin-2019", "3-4", {("600", "人次"), ("600", "人")}),
        ("hubin-2019", "40-1", {("600", "人次"), ("600", "人")}),
        ("liaoning-2022", "12-5", {("10", "家"), ("15", "家")}),  # once linked on one side only
        ("hubin-2019", "4-1", {("3000", "人次"), ("1500", "人次")}),  # 贫困劳动力 vs 建档立卡贫困劳动力
        ("hubin-2019", "27-1", {("3000", "人次"), ("1500", "人次")}),
    ],
)
def test_contradicting_statements_are_kept_as_readings(slug, code, values, seed):
    target = _target(slug, code)
    assert {(r["value"], r["unit"]) for r in target.readings} == values
    assert all(r["where"] and r["text"] for r in target.readings)
    used = f"{target.value.normalize():f}{target.unit}"
    assert used in target.reading_note  # the note names the figure used, and why
    assert (f"{target.value.normalize():f}", target.unit) in values


def test_only_contradicted_targets_carry_readings(seed):
    with_readings = Target.objects.exclude(readings=[]).exclude(reading_note="")
    assert with_readings.count() == 12
    assert not Target.objects.filter(reading_note="").exclude(readings=[]).exists()


def test_an_alternative_reading_keeps_its_qualifier(seed):
    """“3年培训1800人次以上” is at least 1800, not 1800: a reading whose text says 以上 / 左右 says so."""
    words = {"以上": "at_least", "左右": "about"}
    for target in Target.objects.exclude(readings=[]):
        for reading in target.readings:
            for word, code in words.items():
                if reading["text"].endswith(word) or f"{word}," in reading["text"]:
                    assert reading.get("qualifier") == code, (target.name, reading)


def test_jilin_plan_claims_no_metadata_the_seed_lacks(seed):
    plan = Plan.objects.get(slug="jilin-2022")
    assert (plan.document_number, plan.issuers, plan.issue_date) == ("", "", None)


def test_hubin_deadline_that_names_a_year_is_due_that_year(seed):
    task = KeyTask.objects.get(plan__slug="hubin-2019", deadline_text="到2021年底")
    assert task.due_dates == ["2021-12-31"]


# ------------------------------------------------------------------ demo marking (after load_demo)


def test_every_figure_of_the_demo_generator_is_marked_demo(demo_plan):
    from targets.models import MonthlyFigure

    figures = MonthlyFigure.objects.all()
    assert figures.exists()
    assert not figures.filter(is_demo=False).exists()
    # including the figures written on shares the documents themselves give (Hubin departments, Suqian counties)
    on_real_shares = figures.filter(allocation__is_demo=False)
    assert on_real_shares.filter(allocation__department__isnull=False).exists()
    assert on_real_shares.filter(allocation__target__key_task__plan__slug="suqian-2022").exists()


def test_real_allocations_stay_real_after_the_demo(demo_plan):
    real = Allocation.objects.filter(is_demo=False)
    assert real.filter(target__key_task__plan__slug="suqian-2022", target__per_unit_level="county").count() == 15
    assert not Allocation.objects.filter(target__per_unit_level="zone", region__level="county").exists()


def test_demo_allocations_of_a_per_unit_quota_give_each_unit_the_quota():
    """A per-unit quota without the document's own split: every unit of its level gets the quota."""
    from targets.demo import per_unit_holders

    regions = [Region(code=c, level=level) for c, level in (("1", "county"), ("2", "county"), ("3", "zone"))]
    assert [r.code for r in per_unit_holders(regions, "county")] == ["1", "2"]
    assert [r.code for r in per_unit_holders(regions, "zone")] == ["3"]


def test_targets_not_reported_monthly_get_no_demo_figures(demo_plan):
    from targets.models import MonthlyFigure

    assert not MonthlyFigure.objects.filter(allocation__target__is_reported=False).exists()
    assert (
        Allocation.objects.filter(target__is_reported=False, is_demo=False).count() == 14
    )  # Liaoning 10-1 (12 cities), 10-2 (2)
