"""Projected year-end outcome (预计全年完成), checked against hand-computed cases."""

import datetime as dt
from decimal import Decimal as D

import pytest

from targets.engine import (
    METHOD_LAST_YEAR,
    METHOD_MILESTONE,
    METHOD_PACE,
    METHOD_TREND,
    project,
    project_flow,
    project_quarter,
    project_trend,
)


def months(**values):
    return {int(k[1:]): D(v) for k, v in values.items()}


def test_flow_at_the_current_pace_extends_the_monthly_average_to_the_year():
    value, method = project_flow(figures=months(m1=10, m2=10, m3=10), month=3)
    assert (value, method) == (D(120), METHOD_PACE)


def test_flow_due_in_october_extends_to_october():
    value, _ = project_flow(figures={m: D(10) for m in range(1, 6)}, month=5, due_month=10)
    assert value == D(100)


def test_flow_of_a_plan_starting_in_july_counts_months_from_july():
    value, _ = project_flow(figures=months(m7=6, m8=6), month=8, start_month=7)
    assert value == D(36)


def test_flow_follows_last_years_monthly_profile_when_it_is_complete():
    last_year = {m: D(5) if m <= 6 else D(15) for m in range(1, 13)}  # 120 in all, 15 by March (1/8)
    value, method = project_flow(figures=months(m1=10, m2=10, m3=10), month=3, last_year=last_year)
    assert (value, method) == (D(240), METHOD_LAST_YEAR)


def test_flow_falls_back_to_pace_when_last_year_has_gaps():
    last_year = {m: D(5) for m in range(1, 12)}  # December missing
    value, method = project_flow(figures=months(m1=10, m2=10, m3=10), month=3, last_year=last_year)
    assert (value, method) == (D(120), METHOD_PACE)


def test_flow_past_the_due_month_is_its_cumulative():
    value, _ = project_flow(figures={m: D(10) for m in range(1, 12)}, month=11, due_month=10)
    assert value == D(100)


def test_flow_with_nothing_reported_has_no_projection():
    assert project_flow(figures={}, month=4) == (None, METHOD_PACE)


def test_quarter_count_projects_to_the_end_of_its_quarter():
    assert project_quarter(figures=months(m4=5, m5=5), month=5) == D(15)


def test_trend_extends_the_line_through_the_last_three_months():
    # 100, 110, 120 in April–June: +10 a month, 180 in December
    assert project_trend(figures=months(m4=100, m5=110, m6=120), month=6) == D(180)


def test_trend_uses_only_the_recent_window():
    assert project_trend(figures=months(m1=0, m4=100, m5=110, m6=120), month=6) == D(180)


def test_trend_of_one_value_is_that_value():
    assert project_trend(figures=months(m3=42), month=5) == D(42)


@pytest.mark.parametrize(
    ("target", "figures", "meets", "rate"),
    [
        (D(100), months(m1=10, m2=10, m3=10), True, D(120)),
        (D(150), months(m1=10, m2=10, m3=10), False, D(80)),
    ],
)
def test_flow_projection_says_whether_the_target_will_be_met(target, figures, meets, rate):
    p = project(kind="flow", period="year", target=target, figures=figures, month=3)
    assert p.will_meet is meets
    assert p.shortfall is (not meets)
    assert p.completion_rate == rate


def test_falling_ratio_with_lower_is_better_meets_a_ceiling():
    # 30, 28, 26 %: -2 a month → 14 in December, under the ceiling of 20
    p = project(
        kind="ratio", period=None, target=D(20), figures=months(m4=30, m5=28, m6=26), month=6, higher_is_better=False
    )
    assert (p.value, p.will_meet, p.method) == (D(14), True, METHOD_TREND)


def test_stock_trending_too_slowly_is_a_shortfall():
    p = project(kind="stock", period=None, target=D(200), figures=months(m4=100, m5=110, m6=120), month=6)
    assert p.value == D(180)
    assert p.shortfall


def test_quarterly_count_is_judged_on_its_quarter():
    p = project(kind="count", period="quarter", target=D(20), figures=months(m4=5, m5=5), month=5)
    assert (p.value, p.will_meet) == (D(15), False)


@pytest.mark.parametrize(
    ("status", "today", "meets"),
    [
        ("done", dt.date(2026, 12, 1), True),
        ("in_progress", dt.date(2026, 5, 1), True),
        ("", dt.date(2026, 5, 1), True),
        ("in_progress", dt.date(2026, 11, 1), False),
    ],
)
def test_milestone_projection_is_on_time_or_not(status, today, meets):
    p = project(
        kind="milestone",
        period=None,
        target=None,
        figures={},
        month=5,
        milestone_status=status,
        due_date=dt.date(2026, 10, 31),
        today=today,
    )
    assert (p.will_meet, p.method) == (meets, METHOD_MILESTONE)


def test_no_target_or_no_figure_projects_nothing():
    assert project(kind="flow", period="year", target=None, figures=months(m1=5), month=1).will_meet is None
    assert project(kind="flow", period="year", target=D(5), figures={}, month=1).will_meet is None


# --- through the engine --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_engine_projects_every_region_and_the_whole_province():
    from targets.engine import progress_report, projections
    from tests.conftest import add_figures, make_small_plan

    plan, province, (a, b, _), (target,) = make_small_plan()
    add_figures(target, a, 2024, D(1200), {m: D(100) for m in range(1, 7)})  # 600 by June → 1200: met
    add_figures(target, b, 2024, D(1200), {m: D(50) for m in range(1, 7)})  # 300 by June → 600: short
    report = progress_report(plan, 2024, 6)
    result = projections(plan, report)
    assert result[(target.id, a.id)].value == D(1200)
    assert result[(target.id, a.id)].will_meet is True
    assert result[(target.id, b.id)].shortfall
    assert result[(target.id, None)].value == D(1800)  # 900 by June; the province's target is 50000
    assert result[(target.id, None)].shortfall


@pytest.mark.django_db
def test_engine_follows_last_years_profile_when_the_plan_ran_last_year():
    from targets.engine import progress_report, projections
    from tests.conftest import add_figures, make_small_plan

    plan, province, (a, _, _), (target,) = make_small_plan(year=2023)
    plan.end_date = dt.date(2024, 12, 31)
    plan.save()
    last = add_figures(target, a, 2023, D(1200), {m: D(5) if m <= 6 else D(15) for m in range(1, 13)})
    assert last.year == 2023
    add_figures(target, a, 2024, D(200), {1: D(10), 2: D(10), 3: D(10)})
    report = progress_report(plan, 2024, 3)
    p = projections(plan, report)[(target.id, a.id)]
    assert (p.value, p.method) == (D(240), METHOD_LAST_YEAR)


@pytest.mark.django_db
def test_circular_names_targets_that_will_fall_short_under_its_problems():
    from reports.circular_content import circular_content
    from tests.conftest import add_figures, make_small_plan

    plan, province, (a, _, _), (target,) = make_small_plan()
    add_figures(target, a, 2024, D(50000), {m: D(1000) for m in range(1, 7)})  # 12000 a year of 50000
    content = circular_content(plan, 2024, 6, province, today=dt.date(2024, 7, 15))
    # the projected figure states its own method and inputs (#18)
    expected = "按当前进度预计无法完成的指标：“急需紧缺工种培训”（预计全年完成24.0%，按1—6月月均推算：6,000÷6×12）。"
    assert expected in content.problems
