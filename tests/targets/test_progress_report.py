"""The progress engine's reads against hand-computed tables."""

import datetime as dt
from decimal import Decimal

import pytest

from targets.engine import progress_report
from tests.conftest import add_figures, make_small_plan

pytestmark = pytest.mark.django_db
TODAY = dt.date(2024, 7, 15)


def _even(total: int, months: int) -> dict[int, Decimal]:
    return {m: Decimal(total) / months for m in range(1, months + 1)}


def test_mid_year_one_region_just_behind_and_one_ahead_of_the_whole_year():
    plan, province, (a, b, c), (target,) = make_small_plan()
    add_figures(target, a, 2024, Decimal(10000), _even(4916, 6))  # 49.16% at 1—6月
    add_figures(target, b, 2024, Decimal(10000), _even(12960, 6))  # 129.6%: whole year done
    add_figures(target, c, 2024, Decimal(30000), _even(19200, 6))  # 64.0%: 14.0 points ahead
    report = progress_report(plan, 2024, 6)
    pa, pb, pc = (report.cell(target.id, r.id).progress for r in (a, b, c))
    assert (pa.completion_rate.quantize(Decimal("0.01")), pa.schedule_rate, pa.status.value) == (
        Decimal("49.16"),
        Decimal(50),
        "lagging",
    )
    assert pa.schedule_gap.quantize(Decimal("0.01")) == Decimal("-0.84")
    assert (pb.completion_rate.quantize(Decimal("0.1")), pb.status.value) == (Decimal("129.6"), "done")
    assert (pc.schedule_gap.quantize(Decimal("0.1")), pc.status.value) == (Decimal("14.0"), "on_track")
    assert [report.cell(target.id, r.id).rank for r in (b, c, a)] == [1, 2, 3]
    total = report.totals[target.id].progress
    assert total.target == Decimal(50000)
    assert total.cumulative.quantize(Decimal(1)) == Decimal(4916 + 12960 + 19200)
    assert total.completion_rate.quantize(Decimal("0.1")) == Decimal("74.2")


def test_counties_roll_up_into_their_city_plus_the_citys_own_direct_figures():
    plan, province, (city,), (target,) = make_small_plan(cities=1, counties_per_city=2)
    county1, county2 = city.children.order_by("code")
    add_figures(target, city, 2024, Decimal(12000), {1: Decimal(99)})  # 市本级: done by the city itself
    add_figures(target, county1, 2024, Decimal(6000), {1: Decimal(300), 2: Decimal(200)})
    add_figures(target, county2, 2024, Decimal(6000), {1: Decimal(100)})
    report = progress_report(plan, 2024, 2)
    cell = report.cell(target.id, city.id)
    assert cell.progress.cumulative == Decimal(699)
    assert cell.progress.target == Decimal(12000)
    county_view = progress_report(plan, 2024, 2, region=city)
    assert [c.progress.cumulative for c in county_view.target_cells(target.id)] == [
        Decimal(500),
        Decimal(100),
    ]
    assert county_view.totals[target.id].progress.cumulative == Decimal(699)  # the same city seen from below


def test_rank_change_against_last_month():
    plan, province, (a, b, _), (target,) = make_small_plan()
    add_figures(target, a, 2024, Decimal(100), {1: Decimal(10), 2: Decimal(1)})
    add_figures(target, b, 2024, Decimal(100), {1: Decimal(5), 2: Decimal(20)})
    report = progress_report(plan, 2024, 2)
    assert report.cell(target.id, b.id).rank == 1
    assert report.cell(target.id, b.id).rank_change == 1
    assert report.cell(target.id, a.id).rank_change == -1


def test_region_without_allocation_has_no_cell():
    plan, province, (a, b, c), (target,) = make_small_plan()
    add_figures(target, a, 2024, Decimal(100), {1: Decimal(10)})
    report = progress_report(plan, 2024, 1)
    assert report.cell(target.id, b.id) is None
    assert [cell.region_id for cell in report.target_cells(target.id)] == [a.id]


@pytest.mark.parametrize("cities", [3, 12])
def test_query_count_does_not_grow_with_regions(cities, django_assert_max_num_queries):
    specs = [
        {"name": f"指标{i}", "value": Decimal(1000), "unit": "人", "kind": "flow", "period": "year"} for i in range(8)
    ]
    plan, province, city_list, targets = make_small_plan(cities=cities, targets=specs)
    for t in targets:
        for city in city_list:
            add_figures(t, city, 2024, Decimal(100), _even(40, 4))
    with django_assert_max_num_queries(6):
        report = progress_report(plan, 2024, 4)
    assert len(report.cells) == cities * len(targets)
