"""Every kind of target computed by its own rule, at a region and at its parent, as of the month viewed.

The table these tests follow is in docs/progress.md: flows add up, per-quarter counts add up within the quarter,
stocks carry each holder's latest value forward, ratios are never summed, milestones count the regions done,
per-unit quotas are judged unit by unit.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
import time_machine
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reports import queries as dashboards
from reports.circular_content import circular_content
from targets.engine import Status, progress_report
from targets.grid import grid_for
from targets.models import Allocation, AuditEntry, MonthlyFigure, Rollup, Target
from targets.rollups import rollups_rebuild
from targets.services import FigureEntry, figures_save
from tests.conftest import DEMO_TODAY, LIAONING, SHENYANG, add_figures, make_small_plan

pytestmark = pytest.mark.django_db
D = Decimal


def _spec(kind: str, period: str | None = "year", value=100, **extra) -> dict:
    return {"name": f"测试{kind}", "value": D(value), "unit": "人", "kind": kind, "period": period, **extra}


# --- stocks --------------------------------------------------------------------------------------------------


def test_stock_total_is_every_regions_latest_value_not_only_this_months_reporters():
    plan, province, (a, b, c), (target,) = make_small_plan(targets=[_spec("stock", "plan", 300)])
    add_figures(target, a, 2024, D(100), {1: D(90)})  # reported in January only
    add_figures(target, b, 2024, D(100), {1: D(40), 2: D(50)})
    add_figures(target, c, 2024, D(100), {})  # holds the target, never reported
    total = progress_report(plan, 2024, 2).totals[target.id]
    assert total.progress.cumulative == D(140)  # 90 carried forward + 50
    assert total.progress.completion_rate == D(140) * 100 / D(300)
    assert (total.children, total.children_reported) == (3, 2)
    assert total.progress.schedule_rate == 100  # time does not enter a stock


def test_stock_of_a_city_carries_each_countys_latest_value_through_the_rollups():
    plan, province, (city,), (target,) = make_small_plan(
        cities=1, counties_per_city=3, targets=[_spec("stock", "plan")]
    )
    c1, c2, c3 = city.children.order_by("code")
    add_figures(target, c1, 2024, D(10), {1: D(7)})
    add_figures(target, c2, 2024, D(10), {2: D(5), 3: D(6)})
    add_figures(target, c3, 2024, D(10), {})
    cell = progress_report(plan, 2024, 3).cell(target.id, city.id)
    assert cell.progress.cumulative == D(13)
    assert (cell.children, cell.children_reported) == (3, 2)
    assert progress_report(plan, 2024, 2).cell(target.id, city.id).progress.cumulative == D(12)


def test_stock_rollups_kept_by_deltas_equal_a_rebuild_after_edits_in_the_middle():
    from targets.rollups import figure_change_deltas, rollups_apply

    plan, province, (city,), (target,) = make_small_plan(
        cities=1, counties_per_city=2, targets=[_spec("stock", "plan")]
    )
    county = city.children.order_by("code").first()
    allocation = add_figures(target, county, 2024, D(10), {1: D(3), 4: D(8)})
    # Correct March (between two figures) and then remove January.
    for month, old, new in ((3, None, D(5)), (1, D(3), None)):
        others = dict(
            MonthlyFigure.objects.filter(allocation=allocation).exclude(month=month).values_list("month", "value")
        )
        MonthlyFigure.objects.update_or_create(allocation=allocation, month=month, defaults={"value": new})
        rollups_apply(
            figure_change_deltas(
                target_id=target.id,
                kind="stock",
                path=county.path,
                year=2024,
                month=month,
                old=old,
                new=new,
                others=others,
            )
        )
    kept = _rollups(plan)
    rollups_rebuild(plan=plan, year=2024)
    assert kept == _rollups(plan)
    assert progress_report(plan, 2024, 3).cell(target.id, city.id).progress.cumulative == D(5)


def _rollups(plan):
    return sorted(
        Rollup.objects.filter(target__key_task__plan=plan, reported__gt=0).values_list(
            "target_id", "region_id", "month", "value", "reported"
        )
    )


def test_liaoning_stock_total_for_november_counts_every_citys_latest_value(demo_plan, region):
    target = Target.objects.get(key_task__plan=demo_plan, key_task__number=10, number=4)
    expected = D(0)
    for allocation in Allocation.objects.filter(target=target, year=2022, region__parent=region(LIAONING)):
        latest = allocation.figures.filter(month__lte=11, value__isnull=False).order_by("-month").first()
        expected += latest.value if latest else 0
    total = progress_report(demo_plan, 2022, 11).totals[target.id]
    assert expected > 0
    assert total.progress.cumulative == expected
    content = circular_content(demo_plan, 2022, 11, region(LIAONING), today=DEMO_TODAY)
    sentence = next(s for s in content.overview_paragraphs if f"{target.name}达到" in s)
    assert f"{total.progress.completion_rate:.1f}%" in sentence


# --- ratios --------------------------------------------------------------------------------------------------


def test_ratio_is_never_summed_the_parent_shows_the_childrens_range_without_its_own_value():
    plan, province, (a, b, c), (target,) = make_small_plan(targets=[_spec("ratio", None, 80, unit="%")])
    add_figures(target, a, 2024, D(80), {1: D(40)})
    add_figures(target, b, 2024, D(80), {2: D(60)})
    total = progress_report(plan, 2024, 2).totals[target.id]
    assert total.progress.cumulative is None
    assert "40%—60%" in total.note and "2/2" in total.note
    add_figures(target, province, 2024, D(80), {2: D(55)})  # the province's own figure
    total = progress_report(plan, 2024, 2).totals[target.id]
    assert total.progress.cumulative == D(55)


# --- per-quarter counts --------------------------------------------------------------------------------------


def test_quarterly_count_counts_the_quarter_so_far_and_is_worded_by_the_quarter(region):
    plan, province, (a, b, c), (target,) = make_small_plan(targets=[_spec("count", "quarter", 50)])
    add_figures(target, a, 2024, D(20), {9: D(30), 10: D(8), 11: D(4)})
    report = progress_report(plan, 2024, 11)
    cell = report.cell(target.id, a.id)
    assert cell.progress.cumulative == D(12)  # October + November, not September
    assert cell.progress.completion_rate == D(60)
    assert round(cell.progress.schedule_rate, 1) == D("66.7")
    row = report.targets[0]
    assert row.target_label == "季度目标"
    content = circular_content(plan, 2024, 11, province, today=dt.date(2024, 12, 15))
    sentence = next(s for s in content.overview_paragraphs if "本季度累计" in s)
    assert target.name in sentence and "完成本季度目标的24.0%" in sentence and "年度目标" not in sentence


def test_quarterly_figure_is_checked_against_the_quarters_remaining_target(demo_plan, cast, region):
    """Liaoning 1-1 on 沈阳's November grid: the year so far is no measure of a per-quarter count."""
    grid = grid_for(demo_plan, 2022, 11, region(SHENYANG), today=DEMO_TODAY)
    row = next(r for r in grid.rows if r.target.code == "1-1")
    before = row.cumulative_before or D(0)
    remaining = row.target_value - before
    assert remaining > 0
    with time_machine.travel(DEMO_TODAY, tick=False):
        result = figures_save(
            plan=demo_plan,
            region=region(SHENYANG),
            year=2022,
            month=11,
            entries=[
                FigureEntry(
                    allocation_id=row.allocation_id,
                    value=remaining,
                    original_value=row.value,
                    original_remark=row.remark,
                )
            ],
            user=cast["shenyang_reporter"],
            expected_version=grid.version,
            today=DEMO_TODAY,
        )
    assert not [w for w in result.warnings if "剩余目标" in w]


@pytest.mark.parametrize("code", ["210100", "210200", "210400", "210800", "211000", "211200"])
def test_every_liaoning_city_grid_saves_as_loaded_once_returned(demo_plan, region, code):
    from plans.models import Profile
    from targets.models import Submission
    from tests.conftest import make_user

    user = make_user(f"reporter_{code}", Profile.Role.REPORTER, code)
    Submission.objects.filter(plan=demo_plan, region=region(code), year=2022, month=11).update(status="returned")
    grid = grid_for(demo_plan, 2022, 11, region(code), today=DEMO_TODAY)
    entries = [
        FigureEntry(
            allocation_id=r.allocation_id,
            value=r.value,
            milestone_status=r.milestone_status,
            milestone_date=r.milestone_date,
            remark=r.remark,
            original_value=r.value,
            original_remark=r.remark,
        )
        for r in grid.rows
    ]
    result = figures_save(
        plan=demo_plan,
        region=region(code),
        year=2022,
        month=11,
        entries=entries,
        user=user,
        expected_version=grid.version,
        today=DEMO_TODAY,
    )
    assert result.changed == 0


# --- milestones ----------------------------------------------------------------------------------------------


def _milestone_plan(due_month=None):
    plan, province, cities, (target,) = make_small_plan(
        targets=[
            {"name": "建成品牌", "value": None, "unit": "", "kind": "milestone", "period": None, "due_month": due_month}
        ]
    )
    return plan, province, cities, target


def _milestone(target, region, month, status, date=None):
    allocation, _ = Allocation.objects.get_or_create(target=target, region=region, year=2024)
    MonthlyFigure.objects.update_or_create(
        allocation=allocation, month=month, defaults={"milestone_status": status, "milestone_date": date}
    )


@time_machine.travel(dt.date(2026, 11, 30), tick=False)
def test_a_milestone_is_judged_as_of_the_month_viewed_not_todays_clock():
    plan, province, (a, b, c), target = _milestone_plan()
    _milestone(target, a, 11, "in_progress")
    assert progress_report(plan, 2024, 11).cell(target.id, a.id).progress.status == Status.MILESTONE_ON_TIME
    assert progress_report(plan, 2024, 12).cell(target.id, a.id).progress.status == Status.MILESTONE_ON_TIME


def test_a_milestone_is_overdue_the_month_after_its_due_month():
    plan, province, (a, b, c), target = _milestone_plan(due_month=6)
    _milestone(target, a, 6, "in_progress")
    assert progress_report(plan, 2024, 6).cell(target.id, a.id).progress.status == Status.MILESTONE_ON_TIME
    _milestone(target, a, 7, "in_progress")
    assert progress_report(plan, 2024, 7).cell(target.id, a.id).progress.status == Status.MILESTONE_OVERDUE


def test_milestone_total_counts_the_regions_done():
    plan, province, (a, b, c), target = _milestone_plan(due_month=6)
    _milestone(target, a, 5, "done", dt.date(2024, 5, 3))
    _milestone(target, b, 5, "done", dt.date(2024, 5, 9))
    _milestone(target, c, 5, "in_progress")
    total = progress_report(plan, 2024, 5).totals[target.id]
    assert total.progress.status == Status.MILESTONE_ON_TIME
    assert (total.children, total.children_reported) == (3, 2) and total.note == "2/3已完成"
    _milestone(target, c, 7, "in_progress")
    assert progress_report(plan, 2024, 7).totals[target.id].progress.status == Status.MILESTONE_OVERDUE
    _milestone(target, c, 7, "done", dt.date(2024, 7, 1))
    assert progress_report(plan, 2024, 7).totals[target.id].progress.status == Status.MILESTONE_DONE


@time_machine.travel(dt.date(2026, 11, 30), tick=False)
def test_november_2022_shows_no_false_overdue_on_the_milestones_page_or_in_the_circular(demo_plan, region):
    page = dashboards.milestones(demo_plan, 2022, 11, region(LIAONING))
    due_in_december = [t for t in page["tasks"] if t["due_dates"] == "2022-12-31"]
    assert due_in_december and not [t for t in due_in_december if t["state"] == "逾期"]
    content = circular_content(demo_plan, 2022, 11, region(LIAONING), today=DEMO_TODAY)
    assert not [p for p in content.problems if "逾期" in p and ("9-2" in p or "评选一批" in p)]
    later = circular_content(demo_plan, 2022, 11, region(LIAONING), today=dt.date(2030, 1, 1))
    assert later.overview_paragraphs == content.overview_paragraphs and later.problems == content.problems


# --- targets nobody reports monthly --------------------------------------------------------------------------


def test_a_target_not_reported_monthly_is_not_tracked_never_not_reported(region):
    plan, province, (a, b, c), (target,) = make_small_plan(
        targets=[_spec("stock", "plan", 14, is_reported=False, assessment="年底统计核定")]
    )
    Allocation.objects.create(target=target, region=a, year=2024, value=D(1))
    report = progress_report(plan, 2024, 5)
    assert report.totals[target.id].progress.status == Status.NOT_TRACKED
    assert report.cell(target.id, a.id).progress.status == Status.NOT_TRACKED
    assert report.cell(target.id, a.id).rank is None
    content = circular_content(plan, 2024, 5, province, today=dt.date(2024, 6, 15))
    assert any("不按月统计" in p and "年底统计核定" in p for p in content.overview_paragraphs)


def test_liaoning_overview_shows_no_not_reported_for_targets_nobody_reports(demo_plan, region, cast):
    page = dashboards.overview(demo_plan, 2022, 11, region(LIAONING), user=cast["admin"])
    untracked = {row.code for row in page["targets"] if not row.tracked}
    assert {"10-1", "10-2", "10-6"} <= untracked  # 10-3 is reported by the province (按月通报)
    assert not [row for row in page["targets"] if row.code in untracked and row.status == "not_reported"]


# --- per-unit quotas -----------------------------------------------------------------------------------------


def test_per_unit_quota_is_judged_unit_by_unit_and_the_total_against_quota_times_units():
    plan, province, (a, b, c), (target,) = make_small_plan(targets=[_spec("flow", "year", 15, per_unit_level="city")])
    add_figures(target, a, 2024, D(15), {1: D(16)})
    add_figures(target, b, 2024, D(15), {1: D(10)})
    add_figures(target, c, 2024, D(15), {1: D(15)})
    report = progress_report(plan, 2024, 1)
    assert report.cell(target.id, a.id).progress.status == Status.DONE
    total = report.totals[target.id]
    assert total.progress.target == D(45)  # 15 × 3, not 15
    assert total.progress.cumulative == D(41)
    assert (total.children, total.children_reported) == (3, 2)


# --- the grid keeps what it shows ----------------------------------------------------------------------------


class _FormValues(HTMLParser):
    """Every successful control of the grid form, as a browser would send it back."""

    def __init__(self):
        super().__init__()
        self.values: dict[str, str] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "input" and a.get("name") and "disabled" not in a and a.get("type") not in ("submit", "button"):
            self.values[a["name"]] = a.get("value") or ""
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
            self.values.setdefault(a["name"], "")
        elif tag == "option" and self._select and "selected" in a:
            self.values[self._select] = a.get("value") or ""
        elif tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            self.values[a["name"]] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        if tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data


def test_every_value_the_grid_shows_survives_a_save_that_did_not_touch_it(demo_plan, cast, region, client):
    grid = grid_for(demo_plan, 2022, 11, region(SHENYANG), today=DEMO_TODAY)
    milestone = next(r for r in grid.rows if r.is_milestone)
    figures_save(
        plan=demo_plan,
        region=region(SHENYANG),
        year=2022,
        month=11,
        user=cast["shenyang_reporter"],
        entries=[
            FigureEntry(
                allocation_id=milestone.allocation_id,
                milestone_status="done",
                milestone_date=dt.date(2022, 11, 8),
                remark="已完成",
                original_value=milestone.value,
                original_remark=milestone.remark,
            )
        ],
        expected_version=None,
        today=DEMO_TODAY,
    )
    url = reverse("targets:grid", args=[demo_plan.slug, 2022, 11, SHENYANG])
    client.force_login(cast["shenyang_reporter"])
    audit_before = AuditEntry.objects.count()
    with time_machine.travel(DEMO_TODAY, tick=False):
        page = client.get(url).content.decode()
        form = _FormValues()
        form.feed(page[page.index('id="grid-form"') if 'id="grid-form"' in page else 0 :])
        assert form.values[f"date_{milestone.allocation_id}"] == "2022-11-08"
        response = client.post(url, form.values, follow=True)
    assert "修改0项" in response.content.decode()
    assert AuditEntry.objects.count() == audit_before
    saved = MonthlyFigure.objects.get(allocation_id=milestone.allocation_id, month=11)
    assert (saved.milestone_status, saved.milestone_date) == ("done", dt.date(2022, 11, 8))


# --- property: a parent's value is its children's by the kind's rule ----------------------------------------

MONTHLY = st.dictionaries(st.integers(1, 6), st.integers(0, 500).map(D), max_size=6)


@pytest.fixture
def tree():
    plan, province, cities, targets = make_small_plan(
        cities=2, counties_per_city=2, targets=[_spec("flow"), _spec("stock", "plan"), _spec("count", "quarter")]
    )
    return plan, cities, targets


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(figures=st.lists(MONTHLY, min_size=4, max_size=4), month=st.integers(1, 6))
def test_roll_ups_follow_the_kind_rule_for_random_figures(tree, figures, month):
    plan, cities, targets = tree
    Allocation.objects.filter(target__in=targets).delete()
    Rollup.objects.filter(target__in=targets).delete()
    counties = [county for city in cities for county in city.children.order_by("code")]
    for target in targets:
        for county, monthly in zip(counties, figures, strict=True):
            add_figures(target, county, 2024, D(100), monthly)
    report = progress_report(plan, 2024, month)
    for target in targets:
        kind = target.kind if target.period == "quarter" or target.kind != "count" else "flow"
        expected_cities = []
        for city in cities:
            series = [figures[counties.index(c)] for c in city.children.order_by("code")]
            expected_cities.append(_by_rule(kind, series, month))
            assert report.cell(target.id, city.id).progress.cumulative == expected_cities[-1], (target.kind, city)
        assert report.totals[target.id].progress.cumulative == _sum_present(expected_cities)
    kept = _rollups(plan)
    rollups_rebuild(plan=plan, year=2024)
    assert kept == _rollups(plan)


def _by_rule(kind: str, series: list[dict[int, Decimal]], month: int) -> Decimal | None:
    if kind == "stock":
        values = [next((s[m] for m in range(month, 0, -1) if m in s), None) for s in series]
    else:
        first = (month - 1) // 3 * 3 + 1 if kind == "count" else 1
        values = [_sum_present([s.get(m) for m in range(first, month + 1)]) for s in series]
    return _sum_present(values)


def _sum_present(values) -> Decimal | None:
    present = [v for v in values if v is not None]
    return sum(present, D(0)) if present else None


def test_semantics_are_documented():
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "progress.md").read_text(encoding="utf-8")
    for kind in ("年度累计", "季度计数", "期末存量", "比例", "里程碑", "定额", "跨年度"):
        assert re.search(kind, doc), kind


def test_every_monthly_target_of_a_demo_plan_year_has_a_holder(demo_plan):
    from plans.models import Plan
    from targets.demo import DEMO_PLANS

    for config in DEMO_PLANS:
        plan = Plan.objects.get(slug=config.plan_slug)
        orphans = Target.objects.filter(key_task__plan=plan, is_reported=True).exclude(allocations__year=config.year)
        assert not orphans.exists(), (plan.slug, list(orphans.values_list("name", flat=True)))
        report = progress_report(plan, config.year, 6)
        shown = {report.totals[t.id].progress.status for t in report.targets if not t.is_reported}
        assert shown <= {Status.NOT_TRACKED, Status.DONE, Status.ON_TRACK, Status.LAGGING, Status.SEVERE}


def test_a_target_nobody_split_is_on_the_plan_regions_own_grid(seed, region):
    from plans.models import Plan
    from targets.services import holders_ensure

    plan = Plan.objects.get(slug="jilin-2022")
    created = holders_ensure(plan=plan, year=2022)
    assert created > 0 and holders_ensure(plan=plan, year=2022) == 0
    grid = grid_for(plan, 2022, 6, plan.region, today=dt.date(2022, 7, 1))
    assert {r.target.code for r in grid.rows} >= {"5-1", "10-1"}


def test_a_target_the_document_states_twice_carries_a_footnote_in_the_circular(demo_plan, region):
    target = Target.objects.get(key_task__plan=demo_plan, key_task__number=6, number=1)
    assert target.readings and target.reading_note
    content = circular_content(demo_plan, 2022, 11, region(LIAONING), today=DEMO_TODAY)
    assert any(p.startswith("注：") and target.name in p for p in content.overview_paragraphs)
