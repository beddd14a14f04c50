"""plans.deadlines: the completion times (完成时限) of the annex read into due dates."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plans.deadlines import due_month, parse_deadline

Y = 2022


def d(month: int, day: int, year: int = Y) -> dt.date:
    return dt.date(year, month, day)


QUARTERLY = [d(4, 20), d(7, 20), d(10, 20), d(1, 20, Y + 1)]


@pytest.mark.parametrize(
    ("text", "dates", "ongoing"),
    [
        ("12月底前", [d(12, 31)], False),
        ("10月底前", [d(10, 31)], False),
        ("9月底前", [d(9, 30)], False),
        ("6月底前", [d(6, 30)], False),
        ("2月底前", [d(2, 28)], False),
        ("每季度末次月20日前", QUARTERLY, False),
        ("每季度末次月20日前、12月底前", sorted([*QUARTERLY, d(12, 31)]), False),
        ("每季度末次月20日前,12月底前", sorted([*QUARTERLY, d(12, 31)]), False),
        ("6月底前、长期推进", [d(6, 30)], True),
        ("10月底前、12月底前", [d(10, 31), d(12, 31)], False),
        ("12月底前、10月底前、12月底前", [d(10, 31), d(12, 31)], False),
        ("长期推进", [], True),
        ("持续推进", [], True),
        ("长期", [], True),
        ("按时推进", [], False),
        ("", [], False),
        ("１２月底前", [d(12, 31)], False),
        ("6月30日前", [d(6, 30)], False),
        ("年底前", [d(12, 31)], False),
        ("每季度末", [d(3, 31), d(6, 30), d(9, 30), d(12, 31)], False),
    ],
)
def test_parse_deadline(text, dates, ongoing):
    assert parse_deadline(text, Y) == (dates, ongoing)


def test_leap_year_february():
    assert parse_deadline("2月底前", 2024) == ([dt.date(2024, 2, 29)], False)


def test_impossible_dates_are_dropped():
    assert parse_deadline("13月底前、2月30日前", Y) == ([], False)


@pytest.mark.parametrize(
    ("text", "month"),
    [
        ("10月底前", 10),
        ("6月底前、长期推进", 6),
        ("9月底前", 9),
        ("12月底前", None),
        ("10月底前、12月底前", None),
        ("12月底前、10月底前", 10),
        ("每季度末次月20日前、12月底前", None),
        ("每季度末次月20日前", None),
        ("按时推进", None),
        ("长期推进", None),
        ("", None),
    ],
)
def test_due_month(text, month):
    assert due_month(text) == month


@given(st.integers(1, 12), st.integers(2000, 2100))
def test_month_end_is_the_last_day_of_that_month(month, year):
    (date,), ongoing = parse_deadline(f"{month}月底前", year)
    assert (date.year, date.month, ongoing) == (year, month, False)
    assert (date + dt.timedelta(days=1)).day == 1


@given(st.lists(st.sampled_from(["12月底前", "10月底前", "6月底前", "每季度末次月20日前", "长期推进"]), min_size=1))
def test_combinations_are_sorted_and_unique(parts):
    dates, ongoing = parse_deadline("、".join(parts), Y)
    assert dates == sorted(set(dates))
    assert ongoing == ("长期推进" in parts)


@pytest.mark.parametrize(
    ("text", "dates"),
    [
        ("到2021年底", [d(12, 31, 2021)]),
        ("2021年底前", [d(12, 31, 2021)]),
        ("2020年6月底前", [d(6, 30, 2020)]),
        ("2021年3月15日前", [d(3, 15, 2021)]),
        ("2020年底前、2021年底前", [d(12, 31, 2020), d(12, 31, 2021)]),
        ("12月底前", [d(12, 31, 2019)]),
    ],
)
def test_a_deadline_that_names_a_year_uses_that_year(text, dates):
    """Hubin's “到2021年底” is due at the end of 2021, not of the plan's first year (2019)."""
    assert parse_deadline(text, 2019) == (dates, False)
