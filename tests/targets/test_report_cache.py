"""One engine pass per data version: the report is shared until the data under it changes, a save rebuilds only
the subtrees it touches, and the rebuilt report is the one a full pass gives."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plans.models import Region
from targets import report_cache
from targets.engine import progress_report
from targets.engine import report as engine_report
from targets.models import Allocation, MonthlyFigure
from targets.report_cache import shared_report
from targets.services import FigureEntry, figures_save
from tests.conftest import DALIAN, DEMO_TODAY, SHENYANG

pytestmark = pytest.mark.django_db


def _save(plan, user, code: str, *, add=Decimal(1000), remark="核实后补报"):
    region = Region.objects.get(code=code)
    allocation = Allocation.objects.filter(
        target__key_task__plan=plan, region=region, year=2022, target__kind="flow"
    ).first()
    figure = MonthlyFigure.objects.filter(allocation=allocation, month=11).first()
    old = figure.value if figure else Decimal(0)
    figures_save(
        plan=plan,
        region=region,
        year=2022,
        month=11,
        entries=[
            FigureEntry(
                allocation_id=allocation.id,
                value=old + add,
                remark=remark,
                original_value=old,
                original_remark=figure.remark if figure else "",
            )
        ],
        user=user,
        expected_version=None,
        today=DEMO_TODAY,
    )
    return allocation


def _same(a, b) -> None:
    """Two reports say the same: every cell and total, with ranks."""
    assert a.cells.keys() == b.cells.keys()
    for key, cell in a.cells.items():
        other = b.cells[key]
        assert (cell.progress, cell.rank, cell.previous_rank, cell.remark, cell.monthly, cell.note) == (
            other.progress,
            other.rank,
            other.previous_rank,
            other.remark,
            other.monthly,
            other.note,
        ), key
    assert {k: (c.progress, c.remark, c.note) for k, c in a.totals.items()} == {
        k: (c.progress, c.remark, c.note) for k, c in b.totals.items()
    }


def test_a_report_is_built_once_per_data_version_and_then_costs_no_query(demo_plan):
    first = shared_report(demo_plan, 2022, 11)
    with CaptureQueriesContext(connection) as captured:
        again = shared_report(demo_plan, 2022, 11)
    assert len(captured) == 0
    _same(again, first)
    _same(first, progress_report(demo_plan, 2022, 11))


def test_a_save_rebuilds_the_report_above_it_and_only_the_saving_regions_cells(demo_plan, cast, monkeypatch):
    shenyang, dalian = Region.objects.get(code=SHENYANG), Region.objects.get(code=DALIAN)
    shared_report(demo_plan, 2022, 11)
    dalian_report = shared_report(demo_plan, 2022, 11, region=dalian)
    allocation = _save(demo_plan, cast["province_reporter"], SHENYANG)

    evaluated = []
    original = engine_report._ReportBuilder._region_cell
    monkeypatch.setattr(
        engine_report._ReportBuilder,
        "_region_cell",
        lambda self, target, region: evaluated.append(region.id) or original(self, target, region),
    )
    rebuilt = shared_report(demo_plan, 2022, 11)
    assert set(evaluated) == {shenyang.id}  # the other cities' cells were reused, not read again
    monkeypatch.undo()
    _same(rebuilt, progress_report(demo_plan, 2022, 11))  # and the report is the full pass's
    cell = rebuilt.cell(allocation.target_id, shenyang.id)
    assert cell.remark == "核实后补报"

    with CaptureQueriesContext(connection) as captured:  # a save in 沈阳 leaves 大连's report alone
        assert shared_report(demo_plan, 2022, 11, region=dalian) is not None
    assert len(captured) == 0
    _same(shared_report(demo_plan, 2022, 11, region=dalian), dalian_report)


def test_a_remark_alone_renews_the_version_so_pages_and_reports_show_it(demo_plan, cast):
    shenyang = Region.objects.get(code=SHENYANG)
    allocation = _save(demo_plan, cast["province_reporter"], SHENYANG, remark="第一次")
    assert shared_report(demo_plan, 2022, 11).cell(allocation.target_id, shenyang.id).remark == "第一次"
    _save(demo_plan, cast["province_reporter"], SHENYANG, add=Decimal(0), remark="第二次说明")
    assert shared_report(demo_plan, 2022, 11).cell(allocation.target_id, shenyang.id).remark == "第二次说明"


def test_the_caller_gets_its_own_plan_object_never_a_pickled_copy(demo_plan):
    shared_report(demo_plan, 2022, 11)
    report_cache._local.clear()  # from the shared cache, as another worker reads it
    assert shared_report(demo_plan, 2022, 11).plan is demo_plan


def test_an_edited_plan_or_target_renews_every_report(demo_plan):
    before = shared_report(demo_plan, 2022, 11)
    demo_plan.lag_threshold_points = (demo_plan.lag_threshold_points or 0) + 50
    demo_plan.save()
    after = shared_report(demo_plan, 2022, 11)
    assert after is not before
    _same(after, progress_report(demo_plan, 2022, 11))


def test_a_progress_row_is_a_record_not_a_mapping(demo_plan):
    report = shared_report(demo_plan, 2022, 11)
    row = report.total_row(report.targets[0])
    with pytest.raises(TypeError):
        row["completion_rate"]
    assert not hasattr(row, "get")


def test_a_departments_saved_figure_shows_in_the_plan_regions_report():
    import datetime as dt

    from plans.models import Department, Profile
    from tests.conftest import make_small_plan, make_user

    plan, province, cities, (target,) = make_small_plan(year=2024)
    hr = Department.objects.create(name="测试人社厅")
    share = Allocation.objects.create(target=target, department=hr, year=2024, value=Decimal(30000))
    reporter = make_user("hr_rep", Profile.Role.REPORTER, province.code)
    Profile.objects.filter(user=reporter).update(department=hr)
    before = shared_report(plan, 2024, 3).totals[target.id].progress.cumulative or Decimal(0)
    figures_save(
        plan=plan,
        region=province,
        year=2024,
        month=3,
        entries=[FigureEntry(allocation_id=share.id, value=Decimal(2500))],
        user=reporter,
        expected_version=None,
        today=dt.date(2024, 4, 7),
        department=hr,
    )
    assert shared_report(plan, 2024, 3).totals[target.id].progress.cumulative == before + 2500
