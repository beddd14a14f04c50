"""Monthly reporting end to end through the services: save, conflicts, locks, submit/return/approve, audit."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from targets.grid import grid_for
from targets.models import AuditEntry, MonthlyFigure, Submission
from targets.services import (
    ConflictError,
    FigureEntry,
    ReportingError,
    figures_save,
    submission_approve,
    submission_reopen,
    submission_return,
    submission_submit,
)
from tests.conftest import DEMO_TODAY, SHENYANG

OPEN_MONTH = 11  # the demo leaves November 2022 open for every Liaoning region


@pytest.fixture
def shenyang_grid(demo_plan, region):
    return grid_for(demo_plan, 2022, OPEN_MONTH, region(SHENYANG), today=DEMO_TODAY)


def _first_number_row(grid):
    return next(r for r in grid.rows if not r.is_milestone and r.target.kind == "flow")


def _save(plan, region, rows_values, user, version, **kwargs):
    entries = [
        FigureEntry(
            allocation_id=row.allocation_id,
            value=value,
            remark=kwargs.pop("remark", ""),
            original_value=row.value,
            original_remark=row.remark,
        )
        for row, value in rows_values
    ]
    return figures_save(
        plan=plan,
        region=region,
        year=2022,
        month=OPEN_MONTH,
        entries=entries,
        user=user,
        expected_version=version,
        today=DEMO_TODAY,
        **kwargs,
    )


def test_grid_lists_every_allocation_of_the_region_with_progress(shenyang_grid):
    assert shenyang_grid.rows, "沈阳 has demo allocations"
    assert shenyang_grid.state.editable
    row = _first_number_row(shenyang_grid)
    assert row.target_value > 0
    assert row.progress.schedule_rate is not None


def test_city_reporter_saves_and_the_change_is_audited(shenyang_grid, cast, demo_plan, region):
    row = _first_number_row(shenyang_grid)
    result = _save(
        demo_plan,
        region(SHENYANG),
        [(row, Decimal(7))],
        cast["shenyang_reporter"],
        shenyang_grid.version,
        remark="按实名制系统统计",
    )
    assert result.changed == 1
    figure = MonthlyFigure.objects.get(allocation_id=row.allocation_id, month=OPEN_MONTH)
    assert figure.value == 7
    entry = AuditEntry.objects.filter(allocation_id=row.allocation_id, field="value").latest("at")
    assert (entry.old_value, entry.new_value, entry.user, entry.via) == (
        "" if row.value is None else f"{row.value.normalize():f}",
        "7",
        cast["shenyang_reporter"],
        "form",
    )


def test_second_save_from_a_stale_grid_is_refused_with_what_changed(shenyang_grid, cast, demo_plan, region):
    row = _first_number_row(shenyang_grid)
    version = shenyang_grid.version
    _save(demo_plan, region(SHENYANG), [(row, Decimal(5))], cast["shenyang_reporter"], version)
    with pytest.raises(ConflictError) as exc:
        _save(demo_plan, region(SHENYANG), [(row, Decimal(9))], cast["province_reporter"], version)
    assert "保存冲突" in exc.value.messages[0]
    assert any("现为 5" in m for m in exc.value.changes)
    assert MonthlyFigure.objects.get(allocation_id=row.allocation_id, month=OPEN_MONTH).value == 5


def test_city_reporter_cannot_save_another_citys_grid(demo_plan, cast, region):
    dalian = region("210200")
    grid = grid_for(demo_plan, 2022, OPEN_MONTH, dalian, today=DEMO_TODAY)
    row = _first_number_row(grid)
    with pytest.raises(PermissionDenied):
        _save(demo_plan, dalian, [(row, Decimal(1))], cast["shenyang_reporter"], grid.version)
    assert not AuditEntry.objects.filter(allocation_id=row.allocation_id, field="value").exists()


def test_negative_and_foreign_rows_are_refused_and_nothing_is_written(shenyang_grid, demo_plan, cast, region):
    row = _first_number_row(shenyang_grid)
    before = MonthlyFigure.objects.count()
    with pytest.raises(ReportingError):
        _save(
            demo_plan,
            region(SHENYANG),
            [(row, Decimal(-1))],
            cast["shenyang_reporter"],
            shenyang_grid.version,
        )
    foreign = FigureEntry(allocation_id=999999, value=Decimal(1))
    with pytest.raises(ReportingError) as exc:
        figures_save(
            plan=demo_plan,
            region=region(SHENYANG),
            year=2022,
            month=OPEN_MONTH,
            entries=[foreign],
            user=cast["shenyang_reporter"],
            expected_version=shenyang_grid.version,
            today=DEMO_TODAY,
        )
    assert "不属于本表" in exc.value.messages[0]
    assert MonthlyFigure.objects.count() == before


def test_future_months_and_months_outside_the_plan_are_refused(demo_plan, cast, region):
    for year, month, reason in [(2023, 1, "不在方案实施期内"), (2022, 12, "不能填报未来月份")]:
        with pytest.raises(ReportingError) as exc:
            figures_save(
                plan=demo_plan,
                region=region(SHENYANG),
                year=year,
                month=month,
                entries=[],
                user=cast["shenyang_reporter"],
                expected_version=None,
                today=dt.date(2022, 11, 5),
            )
        assert reason in exc.value.messages[0]


def test_month_locks_after_the_deadline_until_the_province_reopens_it(demo_plan, cast, region):
    shenyang = region(SHENYANG)
    Submission.objects.filter(plan=demo_plan, region=shenyang, month=OPEN_MONTH).update(reopened_until=None)
    with pytest.raises(ReportingError) as exc:
        figures_save(
            plan=demo_plan,
            region=shenyang,
            year=2022,
            month=OPEN_MONTH,
            entries=[],
            user=cast["shenyang_reporter"],
            expected_version=None,
            today=DEMO_TODAY,
        )
    assert "已过填报截止日" in exc.value.messages[0]
    submission_reopen(
        plan=demo_plan,
        region=shenyang,
        year=2022,
        month=OPEN_MONTH,
        until=DEMO_TODAY + dt.timedelta(days=7),
        user=cast["admin"],
    )
    figures_save(
        plan=demo_plan,
        region=shenyang,
        year=2022,
        month=OPEN_MONTH,
        entries=[],
        user=cast["shenyang_reporter"],
        expected_version=None,
        today=DEMO_TODAY,
    )


def test_submit_return_correct_and_approve_locks_the_month(shenyang_grid, demo_plan, cast, region):
    shenyang, reporter, admin = region(SHENYANG), cast["shenyang_reporter"], cast["admin"]
    row = _first_number_row(shenyang_grid)
    _save(demo_plan, shenyang, [(row, Decimal(3))], reporter, shenyang_grid.version)
    sub = submission_submit(
        plan=demo_plan, region=shenyang, year=2022, month=OPEN_MONTH, user=reporter, today=DEMO_TODAY
    )
    assert sub.status == "submitted"
    with pytest.raises(ReportingError):  # submitted: read-only for the reporter
        _save(demo_plan, shenyang, [(row, Decimal(4))], reporter, None)
    with pytest.raises(PermissionDenied):
        submission_return(submission_id=sub.pk, user=reporter, reason="x")
    submission_return(submission_id=sub.pk, user=admin, reason="培训人次与系统不符，请核对")
    _save(demo_plan, shenyang, [(row, Decimal(4))], reporter, None)
    submission_submit(plan=demo_plan, region=shenyang, year=2022, month=OPEN_MONTH, user=reporter, today=DEMO_TODAY)
    approved = submission_approve(submission_id=sub.pk, user=admin)
    assert approved.status == "approved"
    with pytest.raises(ReportingError) as exc:
        _save(demo_plan, shenyang, [(row, Decimal(5))], reporter, None)
    assert "已审核" in exc.value.messages[0]
    statuses = list(
        AuditEntry.objects.filter(subject="submission", region=shenyang, month=OPEN_MONTH)
        .order_by("at", "id")
        .values_list("new_value", flat=True)
    )
    assert statuses == ["已报送", "已退回", "已报送", "已审核"]


def test_unusual_figure_needs_a_remark(shenyang_grid, demo_plan, cast, region):
    row = _first_number_row(shenyang_grid)
    huge = (row.target_value or Decimal(100)) * 5
    with pytest.raises(ReportingError) as exc:
        _save(demo_plan, region(SHENYANG), [(row, huge)], cast["shenyang_reporter"], shenyang_grid.version)
    assert "请在备注中说明" in exc.value.messages[0]
    result = _save(
        demo_plan,
        region(SHENYANG),
        [(row, huge)],
        cast["shenyang_reporter"],
        shenyang_grid.version,
        remark="集中开班，数据已核实",
    )
    assert result.warnings


def test_grid_query_count_does_not_grow_with_targets(shenyang_grid, demo_plan, region, django_assert_max_num_queries):
    assert len(shenyang_grid.rows) > 10
    with django_assert_max_num_queries(8):
        grid_for(demo_plan, 2022, OPEN_MONTH, region(SHENYANG), today=DEMO_TODAY)


@pytest.mark.parametrize("rows", [3, 15])
def test_grid_save_query_count_does_not_grow_with_rows(
    rows, shenyang_grid, demo_plan, region, cast, django_assert_max_num_queries
):
    """Figures, audit entries and roll-ups are written in bulk: a 3-row and a 15-row save cost the same."""
    numbers = [r for r in shenyang_grid.rows if not r.is_milestone and r.target.kind == "flow"][:rows]
    assert len(numbers) == rows
    entries = [
        FigureEntry(
            allocation_id=row.allocation_id,
            value=(row.value or Decimal(0)) + 1,
            remark="核实后补报",
            original_value=row.value,
            original_remark=row.remark,
        )
        for row in numbers
    ]
    with django_assert_max_num_queries(16):
        result = figures_save(
            plan=demo_plan,
            region=region(SHENYANG),
            year=2022,
            month=OPEN_MONTH,
            entries=entries,
            user=cast["shenyang_reporter"],
            expected_version=shenyang_grid.version,
            today=DEMO_TODAY,
        )
    assert result.changed == rows


def _rollup_rows(plan):
    from targets.models import Rollup

    return sorted(
        Rollup.objects.filter(target__key_task__plan=plan, reported__gt=0).values_list(
            "target_id", "region_id", "year", "month", "value", "reported"
        )
    )


def test_rollups_kept_on_save_equal_a_rebuild(shenyang_grid, demo_plan, cast, region):
    from targets.rollups import rollups_rebuild

    rows = [r for r in shenyang_grid.rows if not r.is_milestone][:5]
    _save(
        demo_plan,
        region(SHENYANG),
        [(r, Decimal(11)) for r in rows],
        cast["shenyang_reporter"],
        shenyang_grid.version,
        remark="核实",
    )
    _save(demo_plan, region(SHENYANG), [(rows[0], None)], cast["shenyang_reporter"], None)
    kept = _rollup_rows(demo_plan)
    rollups_rebuild(plan=demo_plan, year=2022)
    assert kept == _rollup_rows(demo_plan)


def test_grid_marks_demo_figures_on_a_documented_share_as_demo(demo_plan, region):
    """Suqian's county contest quota is the document's own share (a real allocation); its figures are demo."""
    from plans.models import Plan

    suqian = Plan.objects.get(slug="suqian-2022")
    grid = grid_for(suqian, 2022, 8, region("321302"), today=DEMO_TODAY)
    contest = next(row for row in grid.rows if row.target.code == "14-1")
    assert contest.is_demo


def test_a_figure_a_person_saves_over_a_demo_figure_is_no_longer_demo(shenyang_grid, cast, demo_plan, region):
    row = next(r for r in shenyang_grid.rows if r.target.kind == "flow" and r.value is not None)
    assert MonthlyFigure.objects.get(allocation_id=row.allocation_id, month=OPEN_MONTH).is_demo
    _save(demo_plan, region(SHENYANG), [(row, row.value + 1)], cast["shenyang_reporter"], shenyang_grid.version)
    assert not MonthlyFigure.objects.get(allocation_id=row.allocation_id, month=OPEN_MONTH).is_demo


def test_a_figure_corrected_in_the_django_admin_cannot_be_undone_by_an_older_grid(
    shenyang_grid, cast, demo_plan, region, rf
):
    from django.contrib import admin

    from targets.admin import MonthlyFigureAdmin

    row = next(r for r in shenyang_grid.rows if not r.is_milestone and r.value is not None)
    figure = MonthlyFigure.objects.get(allocation_id=row.allocation_id, month=OPEN_MONTH)
    initial = {"value": figure.value}
    figure.value = Decimal(123)
    request = rf.post("/admin/")
    request.user = cast["admin"]
    form = type("Form", (), {"changed_data": ["value"], "initial": initial})()
    MonthlyFigureAdmin(MonthlyFigure, admin.site).save_model(request, figure, form, change=True)
    with pytest.raises(ConflictError):
        _save(demo_plan, region(SHENYANG), [(row, Decimal(9))], cast["shenyang_reporter"], shenyang_grid.version)
    assert MonthlyFigure.objects.get(pk=figure.pk).value == 123


def test_a_first_figure_of_zero_is_stored_and_audited(shenyang_grid, cast, demo_plan, region):
    """Decimal(0) == False: a typed 0 with no remark was once taken for an empty cell and thrown away."""
    row = next(r for r in shenyang_grid.rows if not r.is_milestone and r.value is None)
    result = _save(demo_plan, region(SHENYANG), [(row, Decimal(0))], cast["shenyang_reporter"], shenyang_grid.version)
    assert result.changed == 1
    assert MonthlyFigure.objects.get(allocation_id=row.allocation_id, month=OPEN_MONTH).value == 0
    assert AuditEntry.objects.filter(allocation_id=row.allocation_id, field="value", new_value="0").exists()
