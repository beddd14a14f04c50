"""The arithmetic of progress, checked against hand-computed tables."""

import datetime as dt
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from targets.engine import (
    Progress,
    Status,
    classify_milestone,
    classify_schedule,
    completion_rate,
    cumulative_value,
    effective_kind,
    evaluate,
    latest_value,
    quarter_start,
    rank,
    rank_change,
    schedule_rate,
    sum_or_none,
)


def flow(target, figures, month, **kwargs):
    return evaluate(kind="flow", period="year", target=target, figures=figures, month=month, **kwargs)


def spread(total, months):
    """`total` reported in month 1 and zero afterwards up to `months`: a cumulative of `total`."""
    return {m: (D(total) if m == 1 else D(0)) for m in range(1, months + 1)}


# --- schedule rate -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("month", "due_month", "start_month", "expected"),
    [
        (1, None, 1, D(100) / 12),
        (3, None, 1, D(25)),
        (6, None, 1, D(50)),
        (11, None, 1, D(1100) / 12),
        (12, None, 1, D(100)),
        (5, 10, 1, D(50)),
        (10, 10, 1, D(100)),
        (11, 10, 1, D(100)),
        (12, 10, 1, D(100)),
        (6, 12, 7, D(0)),  # the plan starts in July: nothing is due in June
        (7, 12, 7, D(100) / 6),
        (9, 12, 7, D(50)),
        (12, 12, 7, D(100)),
        (8, 9, 7, D(200) / 3),
    ],
)
def test_schedule_rate_of_annual_flow(month, due_month, start_month, expected):
    rate = schedule_rate(kind="flow", month=month, due_month=due_month, start_month=start_month)
    assert rate == expected


def test_schedule_rate_of_eleven_months_keeps_full_precision():
    rate = schedule_rate(kind="flow", month=11)
    assert D("91.666") < rate < D("91.667")


@pytest.mark.parametrize(
    ("month", "expected"),
    [
        (1, D(100) / 3),
        (2, D(200) / 3),
        (3, D(100)),
        (4, D(100) / 3),
        (5, D(200) / 3),
        (6, D(100)),
        (12, D(100)),
    ],
)
def test_schedule_rate_of_quarterly_count(month, expected):
    assert schedule_rate(kind="count", month=month) == expected


@pytest.mark.parametrize("kind", ["stock", "ratio"])
@pytest.mark.parametrize("month", [1, 6, 12])
def test_schedule_rate_of_levels_is_always_full(kind, month):
    assert schedule_rate(kind=kind, month=month) == D(100)


def test_schedule_rate_of_milestone_is_none():
    assert schedule_rate(kind="milestone", month=6) is None


@pytest.mark.parametrize("month", [0, 13, -1])
def test_schedule_rate_rejects_months_out_of_range(month):
    with pytest.raises(ValueError, match="month"):
        schedule_rate(kind="flow", month=month)


def test_schedule_rate_rejects_unknown_kind():
    with pytest.raises(ValueError, match="kind"):
        schedule_rate(kind="annual", month=6)


@given(
    kind=st.sampled_from(["flow", "count", "stock", "ratio"]),
    month=st.integers(1, 12),
    due_month=st.none() | st.integers(1, 12),
    start_month=st.integers(1, 12),
)
def test_schedule_rate_stays_within_zero_and_hundred(kind, month, due_month, start_month):
    rate = schedule_rate(kind=kind, month=month, due_month=due_month, start_month=start_month)
    assert D(0) <= rate <= D(100)


@given(month=st.integers(1, 11), due_month=st.none() | st.integers(1, 12))
def test_schedule_rate_of_flow_never_falls_as_months_pass(month, due_month):
    earlier = schedule_rate(kind="flow", month=month, due_month=due_month)
    later = schedule_rate(kind="flow", month=month + 1, due_month=due_month)
    assert earlier <= later


# --- small helpers -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("month", "first"), [(1, 1), (3, 1), (4, 4), (6, 4), (7, 7), (9, 7), (10, 10), (12, 10)])
def test_quarter_start(month, first):
    assert quarter_start(month) == first


@pytest.mark.parametrize(
    ("kind", "period", "expected"),
    [
        ("count", "quarter", "count"),
        ("count", "year", "flow"),
        ("count", "month", "flow"),
        ("count", None, "flow"),
        ("flow", "quarter", "flow"),
        ("stock", None, "stock"),
    ],
)
def test_effective_kind(kind, period, expected):
    assert effective_kind(kind, period) == expected


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([], None),
        ([None, None], None),
        ([D(1), None, D("2.5")], D("3.5")),
        ([D(0)], D(0)),
        ([D(0), None], D(0)),
    ],
)
def test_sum_or_none(values, expected):
    assert sum_or_none(values) == expected


def test_sum_or_none_takes_a_generator():
    assert sum_or_none(v for v in [D(1), D(2)]) == D(3)


@pytest.mark.parametrize(
    ("figures", "month", "expected"),
    [
        ({1: D(5), 2: D(3)}, 2, D(3)),
        ({1: D(5), 2: D(3)}, 1, D(5)),
        ({1: D(5), 2: None, 3: None}, 3, D(5)),
        ({1: D(5), 4: D(7)}, 3, D(5)),
        ({4: D(7)}, 3, None),
        ({}, 6, None),
    ],
)
def test_latest_value(figures, month, expected):
    assert latest_value(figures, month) == expected


@pytest.mark.parametrize(
    ("kind", "figures", "month", "start_month", "expected"),
    [
        ("flow", {1: D(10), 2: D(20), 3: D(30)}, 3, 1, D(60)),
        ("flow", {1: D(10), 2: D(20), 3: D(30)}, 2, 1, D(30)),
        ("flow", {1: D(10), 3: D(30)}, 3, 1, D(40)),  # February not reported
        ("flow", {5: D(10), 6: D(20)}, 6, 5, D(30)),
        ("flow", {4: D(99), 5: D(10), 6: D(20)}, 6, 5, D(30)),  # before the plan started: not counted
        ("flow", {}, 6, 1, None),
        ("flow", {1: None, 2: None}, 2, 1, None),
        ("count", {1: D(5), 2: D(5), 3: D(5), 4: D(20), 5: D(10)}, 5, 1, D(30)),
        ("count", {1: D(5), 2: D(5), 3: D(5)}, 4, 1, None),  # nothing yet in the new quarter
        ("stock", {1: D(100), 2: D(120), 3: D(110)}, 3, 1, D(110)),
        ("ratio", {1: D(20), 2: None}, 2, 1, D(20)),
    ],
)
def test_cumulative_value(kind, figures, month, start_month, expected):
    assert cumulative_value(kind=kind, figures=figures, month=month, start_month=start_month) == expected


# --- completion rate and classification ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("cumulative", "target", "higher_is_better", "expected"),
    [
        (D(24580), D(50000), True, D("49.16")),
        (D(12960), D(10000), True, D("129.6")),
        (D(0), D(100), True, D(0)),
        (D(5), D(0), True, None),  # zero target: nothing to divide, counted as done
        (None, D(100), True, None),
        (D(5), None, True, None),
        (D(4), D(5), False, D(125)),
        (D(8), D(5), False, D("62.5")),
        (D(0), D(5), False, None),  # nothing against a ceiling: met
        (D(5), D(0), False, D(0)),
    ],
)
def test_completion_rate(cumulative, target, higher_is_better, expected):
    assert completion_rate(cumulative, target, higher_is_better=higher_is_better) == expected


@pytest.mark.parametrize(
    ("completion", "schedule", "lag_points", "expected"),
    [
        (D(100), D(50), D(10), Status.DONE),
        (D("129.6"), D("58.33"), D(10), Status.DONE),
        (D("99.99"), D(100), D(10), Status.LAGGING),
        (D(50), D(50), D(10), Status.ON_TRACK),
        (D(64), D(50), D(10), Status.ON_TRACK),
        (D("49.16"), D(50), D(10), Status.LAGGING),
        (D(40), D(50), D(10), Status.LAGGING),  # exactly 10 points behind is still amber
        (D("39.99"), D(50), D(10), Status.SEVERE),
        (D(35), D(50), D(10), Status.SEVERE),
        (D(35), D(50), D(20), Status.LAGGING),
        (D(45), D(50), D(0), Status.SEVERE),
        (D(90), None, D(10), Status.LAGGING),  # no schedule: compared with the whole target
    ],
)
def test_classify_schedule(completion, schedule, lag_points, expected):
    assert classify_schedule(completion, schedule, lag_points) == expected


# --- evaluate: flows -----------------------------------------------------------------------------------


def test_published_example_behind_schedule():
    """1—6月 高技能人才 49.16% against a 50% schedule is reported as behind."""
    figures = {1: D(4000), 2: D(3000), 3: D(4580), 4: D(5000), 5: D(4000), 6: D(4000)}
    result = flow(D(50000), figures, 6)
    assert result == Progress(
        target=D(50000),
        this_month=D(4000),
        cumulative=D(24580),
        completion_rate=D("49.16"),
        schedule_rate=D(50),
        schedule_gap=D("-0.84"),
        status=Status.LAGGING,
        reported=True,
        schedule_target=D(25000),
    )


def test_whole_year_target_met_early_is_done():
    """湖南 1—7月 129.6% “提前完成全年任务”."""
    result = flow(D(10000), spread(12960, 7), 7)
    assert result.completion_rate == D("129.6")
    assert result.status == Status.DONE
    assert result.status.label == "已完成"
    assert result.schedule_gap > 0


@pytest.mark.parametrize(
    ("cumulative", "month", "status", "gap"),
    [
        (640, 6, Status.ON_TRACK, D(14)),  # 超序时进度14.0个百分点
        (500, 6, Status.ON_TRACK, D(0)),
        (450, 6, Status.LAGGING, D(-5)),
        (400, 6, Status.LAGGING, D(-10)),
        (350, 6, Status.SEVERE, D(-15)),
        (250, 3, Status.ON_TRACK, D(0)),
        (150, 3, Status.LAGGING, D(-10)),
        (1000, 12, Status.DONE, D(0)),
        (990, 12, Status.LAGGING, D(-1)),
        (1200, 3, Status.DONE, D(95)),
    ],
)
def test_flow_statuses_against_a_target_of_1000(cumulative, month, status, gap):
    result = flow(D(1000), spread(cumulative, month), month)
    assert result.status == status
    assert result.schedule_gap == gap
    assert result.cumulative == D(cumulative)


def test_lag_threshold_is_configurable():
    result = flow(D(1000), spread(350, 6), 6, lag_points=D(20))
    assert result.status == Status.LAGGING


def test_target_due_in_october_uses_months_toward_the_due_date():
    """10月底前: 序时进度 = m ÷ 10."""
    may = flow(D(1000), spread(450, 5), 5, due_month=10)
    assert may.schedule_rate == D(50)
    assert may.schedule_gap == D(-5)
    assert may.status == Status.LAGGING
    assert may.schedule_target == D(500)


def test_target_due_in_october_is_fully_due_after_october():
    november = flow(D(1000), spread(950, 11), 11, due_month=10)
    assert november.schedule_rate == D(100)
    assert november.status == Status.LAGGING
    assert november.schedule_gap == D(-5)


def test_plan_starting_mid_year_counts_from_its_first_month():
    figures = {6: D(999), 7: D(100), 8: D(100), 9: D(100)}
    result = flow(D(1200), figures, 9, start_month=7)
    assert result.cumulative == D(300)
    assert result.schedule_rate == D(50)
    assert result.completion_rate == D(25)
    assert result.status == Status.SEVERE


def test_schedule_target_is_the_share_of_the_target_due_so_far():
    result = flow(D(60000), spread(1, 3), 3)
    assert result.schedule_target == D(15000)


def test_month_without_a_figure_is_not_reported_but_keeps_the_cumulative():
    result = flow(D(1000), {1: D(100), 2: D(100)}, 3)
    assert result.reported is False
    assert result.this_month is None
    assert result.cumulative == D(200)
    assert result.completion_rate == D(20)
    assert result.status == Status.LAGGING


def test_zero_figure_counts_as_reported():
    result = flow(D(1000), {1: D(0)}, 1)
    assert result.reported is True
    assert result.this_month == D(0)
    assert result.cumulative == D(0)
    assert result.status == Status.LAGGING  # 0% against 8.3%


@pytest.mark.parametrize("figures", [{}, {1: None, 2: None, 3: None}])
def test_nothing_reported_up_to_the_month(figures):
    result = flow(D(1000), figures, 3)
    assert result.status == Status.NOT_REPORTED
    assert result.reported is False
    assert result.cumulative is None
    assert result.completion_rate is None
    assert result.schedule_gap is None
    assert result.schedule_rate == D(25)  # time passes whether or not anyone reports


def test_figures_after_the_month_are_ignored():
    result = flow(D(1000), {1: D(100), 2: D(100), 3: D(900)}, 2)
    assert result.cumulative == D(200)


def test_no_target_is_no_task():
    result = flow(None, {1: D(100)}, 1)
    assert result.status == Status.NO_TASK
    assert result.status.label == "无任务"
    assert result.cumulative == D(100)
    assert result.completion_rate is None
    assert result.schedule_gap is None
    assert result.schedule_target is None


def test_no_target_wins_over_not_reported():
    assert flow(None, {}, 6).status == Status.NO_TASK


def test_zero_target_is_done():
    result = flow(D(0), {1: D(0)}, 1)
    assert result.status == Status.DONE
    assert result.completion_rate is None
    assert result.schedule_gap is None
    assert result.schedule_target == D(0)


def test_zero_target_not_reported_is_still_not_reported():
    assert flow(D(0), {}, 1).status == Status.NOT_REPORTED


def test_count_of_another_period_adds_up_like_a_flow():
    result = evaluate(kind="count", period="year", target=D(120), figures=spread(60, 6), month=6)
    assert result.cumulative == D(60)
    assert result.schedule_rate == D(50)
    assert result.status == Status.ON_TRACK


# --- evaluate: quarterly counts, stocks, ratios --------------------------------------------------------


def count(figures, month, target=D(50)):
    return evaluate(kind="count", period="quarter", target=target, figures=figures, month=month)


def test_quarterly_count_compares_the_quarter_with_its_own_target():
    """每季度发布50个: April 20 + May 10 = 30 of 50 = 60% against 66.67%."""
    result = count({1: D(30), 2: D(30), 3: D(30), 4: D(20), 5: D(10)}, 5)
    assert result.cumulative == D(30)
    assert result.completion_rate == D(60)
    assert D("66.666") < result.schedule_rate < D("66.667")
    assert D("-6.667") < result.schedule_gap < D("-6.666")
    assert result.status == Status.LAGGING
    assert result.target == D(50)


@pytest.mark.parametrize(
    ("figures", "month", "status"),
    [
        ({1: D(50)}, 1, Status.DONE),
        ({1: D(17)}, 1, Status.ON_TRACK),  # 34% against 33.3%
        ({1: D(10)}, 1, Status.SEVERE),  # 20% against 33.3%
        ({1: D(20), 2: D(10), 3: D(15)}, 3, Status.LAGGING),  # 90% at the quarter's end
        ({1: D(50), 2: D(50), 3: D(50), 4: D(10)}, 6, Status.SEVERE),  # a new quarter starts from zero
        ({1: D(50), 2: D(50), 3: D(50)}, 4, Status.NOT_REPORTED),
    ],
)
def test_quarterly_count_statuses(figures, month, status):
    assert count(figures, month).status == status


def test_quarterly_schedule_target_is_the_quarter_share():
    result = count({4: D(20)}, 4, target=D(60))
    assert result.schedule_target.quantize(D("0.01")) == D(20)


def test_stock_uses_the_latest_value_even_when_it_falls():
    figures = {1: D(90), 2: D(96), 3: D(93)}
    result = evaluate(kind="stock", period=None, target=D(100), figures=figures, month=3)
    assert result.cumulative == D(93)
    assert result.this_month == D(93)
    assert result.completion_rate == D(93)
    assert result.schedule_rate == D(100)
    assert result.schedule_gap == D(-7)
    assert result.status == Status.LAGGING


def test_stock_not_reported_this_month_keeps_the_last_value():
    result = evaluate(kind="stock", period=None, target=D(100), figures={1: D(101)}, month=4)
    assert result.cumulative == D(101)
    assert result.reported is False
    assert result.status == Status.DONE


@pytest.mark.parametrize(
    ("value", "status"),
    [(D(25), Status.DONE), (D(26), Status.DONE), (D(24), Status.LAGGING), (D(20), Status.SEVERE)],
)
def test_ratio_against_its_target(value, status):
    """占比25%以上: 24% is 96% of the target, 4 points short; 20% is 80%, 20 points short."""
    result = evaluate(kind="ratio", period=None, target=D(25), figures={2: value}, month=2)
    assert result.cumulative == value
    assert result.status == status


def test_ratio_not_reported_this_month_uses_the_latest_before_it():
    result = evaluate(kind="ratio", period=None, target=D(25), figures={1: D(30), 2: None}, month=2)
    assert result.cumulative == D(30)
    assert result.reported is False


# --- evaluate: lower is better -------------------------------------------------------------------------


def ceiling(value, target=D(5)):
    return evaluate(kind="ratio", period=None, target=target, figures={3: value}, month=3, higher_is_better=False)


@pytest.mark.parametrize(
    ("value", "completion", "status"),
    [
        (D(4), D(125), Status.DONE),
        (D(5), D(100), Status.DONE),
        (D("5.2"), D(500) / D("5.2"), Status.LAGGING),  # 96.15%: 3.85 points short
        (D(8), D("62.5"), Status.SEVERE),
        (D(0), None, Status.DONE),
    ],
)
def test_lower_is_better_flips_the_comparison(value, completion, status):
    """控制在5%以内."""
    result = ceiling(value)
    assert result.completion_rate == completion
    assert result.status == status


def test_lower_is_better_with_zero_target():
    assert ceiling(D(0), target=D(0)).status == Status.DONE
    assert ceiling(D(1), target=D(0)).status == Status.SEVERE


# --- evaluate: milestones ------------------------------------------------------------------------------

DUE = dt.date(2025, 10, 31)


def milestone(status, today, milestone_date=None, due_date=DUE):
    return evaluate(
        kind="milestone",
        period=None,
        target=None,
        figures={},
        month=6,
        milestone_status=status,
        milestone_date=milestone_date,
        due_date=due_date,
        as_of=today,
    )


@pytest.mark.parametrize(
    ("status", "today", "milestone_date", "expected"),
    [
        ("done", dt.date(2025, 6, 30), dt.date(2025, 6, 15), Status.MILESTONE_DONE),
        ("done", dt.date(2025, 12, 1), dt.date(2025, 11, 20), Status.MILESTONE_DONE),  # late, but done
        ("in_progress", dt.date(2025, 6, 30), None, Status.MILESTONE_ON_TIME),
        ("in_progress", DUE, None, Status.MILESTONE_ON_TIME),  # the due day itself is still on time
        ("in_progress", dt.date(2025, 11, 1), None, Status.MILESTONE_OVERDUE),
        ("not_started", dt.date(2025, 11, 1), None, Status.MILESTONE_OVERDUE),
        ("", dt.date(2025, 11, 1), None, Status.MILESTONE_OVERDUE),
        ("not_started", dt.date(2025, 6, 30), None, Status.MILESTONE_NOT_STARTED),
        ("", dt.date(2025, 6, 30), None, Status.MILESTONE_NOT_STARTED),
    ],
)
def test_milestone_statuses(status, today, milestone_date, expected):
    result = milestone(status, today, milestone_date)
    assert result.status == expected
    assert result.completion_rate is None
    assert result.schedule_rate is None
    assert result.schedule_gap is None
    assert result.cumulative is None


@pytest.mark.parametrize(
    ("status", "due_date", "today", "expected"),
    [
        ("in_progress", None, dt.date(2030, 1, 1), Status.MILESTONE_ON_TIME),
        ("in_progress", DUE, None, Status.MILESTONE_ON_TIME),
        ("", None, None, Status.MILESTONE_NOT_STARTED),
    ],
)
def test_milestone_without_dates_is_never_overdue(status, due_date, today, expected):
    assert classify_milestone(status, due_date, today) == expected


@pytest.mark.parametrize(
    ("status", "milestone_date", "reported"),
    [("in_progress", None, True), ("done", dt.date(2025, 6, 1), True), ("", None, False)],
)
def test_milestone_reported(status, milestone_date, reported):
    assert milestone(status, dt.date(2025, 6, 30), milestone_date).reported is reported


# --- status labels -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "label", "css"),
    [
        (Status.DONE, "已完成", "success"),
        (Status.ON_TRACK, "正常", "primary"),
        (Status.LAGGING, "滞后", "warning"),
        (Status.SEVERE, "严重滞后", "danger"),
        (Status.NOT_REPORTED, "未报", "secondary"),
        (Status.NO_TASK, "无任务", "light"),
        (Status.MILESTONE_DONE, "已完成", "success"),
        (Status.MILESTONE_ON_TIME, "推进中", "primary"),
        (Status.MILESTONE_OVERDUE, "逾期", "danger"),
        (Status.MILESTONE_NOT_STARTED, "未启动", "secondary"),
    ],
)
def test_status_label_and_colour(status, label, css):
    assert status.label == label
    assert status.css == css


def test_every_status_has_a_severity():
    assert all(isinstance(s.severity, int) for s in Status)
    assert Status.DONE.severity < Status.ON_TRACK.severity < Status.LAGGING.severity < Status.SEVERE.severity
    assert Status.MILESTONE_ON_TIME.severity < Status.MILESTONE_OVERDUE.severity


def test_status_is_a_string():
    assert Status.ON_TRACK == "on_track"
    assert f"status-{Status.LAGGING}" == "status-lagging"


def test_meets_schedule():
    meeting = {s for s in Status if s.meets_schedule}
    assert meeting == {Status.DONE, Status.ON_TRACK, Status.MILESTONE_DONE, Status.MILESTONE_ON_TIME}
    assert flow(D(1000), spread(640, 6), 6).meets_schedule is True


def test_milestone_statuses_know_they_are_milestones():
    assert {s for s in Status if s.is_milestone} == {
        Status.MILESTONE_DONE,
        Status.MILESTONE_ON_TIME,
        Status.MILESTONE_OVERDUE,
        Status.MILESTONE_NOT_STARTED,
    }


def test_progress_is_frozen():
    result = flow(D(1000), spread(640, 6), 6)
    with pytest.raises(AttributeError):
        result.status = Status.DONE


# --- rank ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({}, {}),
        ({"a": D(1)}, {"a": 1}),
        ({"a": D(90), "b": D(80), "c": D(80), "d": D(70)}, {"a": 1, "b": 2, "c": 2, "d": 4}),
        ({"a": D(50), "b": D(60), "c": D(70)}, {"c": 1, "b": 2, "a": 3}),
        ({"a": D(5), "b": D(5), "c": D(5)}, {"a": 1, "b": 1, "c": 1}),
        ({"a": None, "b": D(10), "c": None, "d": D(20)}, {"d": 1, "b": 2, "a": None, "c": None}),
        ({"a": D("50.0"), "b": D(50), "c": D("129.6")}, {"c": 1, "a": 2, "b": 2}),
        ({"a": D(0), "b": None}, {"a": 1, "b": None}),
    ],
)
def test_rank(values, expected):
    assert rank(values) == expected


def test_rank_lists_unranked_last():
    ranks = rank({1: None, 2: D(10), 3: D(30)})
    assert list(ranks) == [3, 2, 1]


@pytest.mark.parametrize(
    ("previous", "current", "expected"),
    [(5, 3, 2), (3, 5, -2), (4, 4, 0), (None, 3, None), (3, None, None), (None, None, None)],
)
def test_rank_change(previous, current, expected):
    assert rank_change(previous, current) == expected


# --- properties ----------------------------------------------------------------------------------------

amounts = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False)
positive_amounts = st.decimals(min_value="0.01", max_value=10**9, places=2, allow_nan=False, allow_infinity=False)


@given(smaller=amounts, larger=amounts, target=positive_amounts)
def test_completion_rate_rises_with_cumulative(smaller, larger, target):
    smaller, larger = sorted([smaller, larger])
    assert completion_rate(smaller, target) <= completion_rate(larger, target)


@given(smaller=positive_amounts, larger=positive_amounts, target=amounts)
def test_completion_rate_falls_with_cumulative_when_lower_is_better(smaller, larger, target):
    smaller, larger = sorted([smaller, larger])
    assert completion_rate(smaller, target, higher_is_better=False) >= completion_rate(
        larger, target, higher_is_better=False
    )


@given(smaller=amounts, larger=amounts, target=positive_amounts, month=st.integers(1, 12))
def test_status_never_worsens_as_cumulative_grows(smaller, larger, target, month):
    smaller, larger = sorted([smaller, larger])
    worse = flow(target, spread(smaller, month), month).status.severity
    better = flow(target, spread(larger, month), month).status.severity
    assert better <= worse


@given(values=st.dictionaries(st.integers(0, 20), st.none() | amounts, max_size=12))
def test_rank_orders_by_value(values):
    ranks = rank(values)
    assert set(ranks) == set(values)
    for a, value_a in values.items():
        for b, value_b in values.items():
            if value_a is not None and value_b is not None and value_a > value_b:
                assert ranks[a] < ranks[b]
            if value_a is None:
                assert ranks[a] is None
