"""Per-unit quotas given as a range (#18 point 4): 每个市1至2所 is judged city by city against its lower bound,
the total invents no figure, a unit's quota is allocated once, and missing figures say 无数据."""

import datetime as dt
from decimal import Decimal

import pytest

from targets.engine import Status, progress_report
from targets.models import Allocation, Target
from tests.conftest import add_figures, make_small_plan

D = Decimal
ONE, TWO = D(1), D(2)


def _schools(**extra):
    spec = {"name": "办好技师学院", "value": D(1), "upper": D(2), "unit": "所", "kind": "stock", "period": "plan"}
    return spec | {"per_unit_level": "city"} | extra


def _ranged(target, region, monthly, low=ONE, high=TWO):
    allocation = add_figures(target, region, 2024, low, monthly)
    Allocation.objects.filter(pk=allocation.pk).update(value_max=high)
    return allocation


@pytest.mark.django_db
def test_a_range_quota_is_judged_per_unit_with_no_invented_total():
    plan, province, (a, b, c), (target,) = make_small_plan(targets=[_schools()])
    _ranged(target, a, {1: D(2)})
    _ranged(target, b, {1: D(0)})
    _ranged(target, c, {})
    report = progress_report(plan, 2024, 1)
    total = report.totals[target.id]
    assert total.progress.target is None and total.progress.completion_rate is None  # not 1 + 1 + 1 = 3所
    assert total.progress.cumulative == D(2)  # what the cities reported still adds up
    assert total.note == "1/3个市达到下限" and (total.children, total.children_reported) == (3, 1)
    assert total.progress.status == Status.SEVERE  # 1 of 3 cities, against a year's schedule
    city = report.cell(target.id, a.id)
    assert city.progress.target == D(1) and city.progress.status == Status.DONE and "1—2所" in city.note
    row = report.total_row(report.targets[0])
    assert "1/3个市达到下限" in row.explanation


@pytest.mark.django_db
def test_an_untracked_per_unit_target_without_figures_says_no_data():
    plan, province, cities, (ranged, quota) = make_small_plan(
        targets=[_schools(is_reported=False), _schools(name="每市一个", upper=None, is_reported=False)]
    )
    for city in cities:
        _ranged(ranged, city, {})
        add_figures(quota, city, 2024, D(1), {})
    report = progress_report(plan, 2024, 3)
    for target in report.targets:
        total = report.totals[target.id]
        assert total.progress.status == Status.NOT_TRACKED
        explanation = report.total_row(target).explanation
        assert "无数据" in explanation and "0/3" not in explanation


@pytest.mark.django_db
def test_liaoning_schools_show_no_invented_province_total(seed):
    from plans.models import Plan
    from reports.circular_content import circular_content

    plan = Plan.objects.get(slug="liaoning-2022")
    report = progress_report(plan, 2022, 10)
    codes = {t.code: t for t in report.targets}
    for code, units in (("10-1", 12), ("10-2", 2)):
        total = report.totals[codes[code].id]
        assert total.progress.target is None, code  # was 18所 and 6所
        assert (total.children, total.note) == (units, "无数据")
    each_city = Target.objects.get(key_task__plan=plan, key_task__number=10, number=1)
    both = Allocation.objects.filter(
        target__key_task__number=10, target__number__in=[1, 2], target__key_task__plan=plan
    )
    regions = list(both.filter(year=2022).values_list("region__name", flat=True))
    assert len(regions) == len(set(regions)) == 14  # each city's quota allocated once
    assert each_city.allocations.filter(value_max__isnull=True).count() == 0
    content = circular_content(plan, 2022, 10, plan.region, today=dt.date(2022, 11, 15))
    text = "".join(content.overview_paragraphs)
    assert "18所" not in text and "0/14" not in text


@pytest.mark.django_db
def test_a_share_above_its_documented_range_is_refused_in_chinese_and_nothing_is_written():
    from plans.models import Profile
    from targets.errors import ReportingError
    from targets.services import allocations_save
    from tests.conftest import make_user

    plan, province, (a, _, _), (target,) = make_small_plan(targets=[_schools()])
    allocation = _ranged(target, a, {})
    admin = make_user("range_admin", Profile.Role.ADMIN, province.code)
    with pytest.raises(ReportingError, match="区间上限2所"):
        allocations_save(target=target, year=2024, shares={a.id: D(3)}, user=admin)
    allocation.refresh_from_db()
    assert (allocation.value, allocation.value_max) == (D(1), D(2))
    allocations_save(target=target, year=2024, shares={a.id: D(2)}, user=admin)
    allocation.refresh_from_db()
    assert (allocation.value, allocation.value_max) == (D(2), D(2))


@pytest.mark.django_db
def test_allocation_page_shows_each_shares_documented_range(seed, client_for, cast):
    from django.urls import reverse

    each_city = Target.objects.get(key_task__plan__slug="liaoning-2022", key_task__number=10, number=2)
    url = reverse("targets:allocations", args=["liaoning-2022"]) + f"?target={each_city.pk}&year=2022"
    html = client_for(cast["admin"]).get(url).content.decode()
    assert html.count("文件给出区间，上限5所") == 2  # 沈阳市 and 大连市


@pytest.mark.django_db
def test_api_gives_a_shares_documented_upper_bound(seed, cast, client):
    from tests.api.test_api import bearer

    rows = client.get("/api/plans/liaoning-2022/allocations", {"year": 2022}, headers=bearer(cast["admin"])).json()
    shenyang = [
        r for r in rows if r["region"] and r["region"]["name"] == "沈阳市" and r["target_code"] in ("10-1", "10-2")
    ]
    assert [(r["target_code"], r["value"], r["value_max"]) for r in shenyang] == [("10-2", "3.00", "5.00")]


@pytest.mark.django_db
@pytest.mark.parametrize("level", ["school", "township", "village", "household", "enterprise"])
def test_a_quota_for_units_that_are_not_regions_is_kept_and_judged_on_the_regions_totals(level):
    """每所技工院校至少建设1个…: the level is stored with the target, but schools are not regions of the plan,
    so each city's allocation (its schools' quotas together) is judged and summed like any other target."""
    spec = {"name": "每所技工院校至少建设1个实训基地", "value": D(1), "unit": "个", "kind": "flow", "period": "year"}
    plan, province, (a, b, c), (target,) = make_small_plan(targets=[spec | {"per_unit_level": level}])
    assert Target.objects.get(pk=target.pk).get_per_unit_level_display().startswith("每")
    for city, value, done in ((a, 4, 4), (b, 6, 3), (c, 2, 0)):
        add_figures(target, city, 2024, D(value), {1: D(done)})
    report = progress_report(plan, 2024, 12)
    total = report.totals[target.id]
    assert total.progress.target == D(12) and total.progress.cumulative == D(7)
    assert total.note == ""  # no “x/3所院校达到定额” counted over cities
    assert report.cell(target.id, a.id).progress.status == Status.DONE
