"""How numbers are written for people."""

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from targets.formatting import format_number, format_percent, format_points, format_target_value


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (None, "", "—"),
        (D(0), "", "0"),
        (D("0.00"), "人", "0"),
        (D(7), "所", "7"),
        (D("12.50"), "个", "12.5"),
        (D("12.345"), "个", "12.35"),  # half up
        (D("1234.00"), "元", "1,234"),
        (D("9876.5"), "人次", "9,876.5"),
        (D(9999), "人", "9,999"),
        (D(10000), "人", "1万"),
        (D(32000), "人次", "3.2万"),
        (D(24580), "名", "2.46万"),
        (D(50000), "人次", "5万"),
        (D(123456), "", "12.35万"),
        (D(12345678), "个", "1,234.57万"),
        (D(135000000), "元", "1.35亿"),
        (D(100000000), "", "1亿"),
        (D(99999999), "人", "1亿"),  # rounds up into the next magnitude
        (D("9999.999"), "人", "10,000"),
        (D("99999999.99"), "", "1亿"),
        (D(-32000), "人", "-3.2万"),
        (D("-0.001"), "", "0"),
        (12000, "人", "1.2万"),
        (12.5, "", "12.5"),
    ],
)
def test_format_number(value, unit, expected):
    assert format_number(value, unit) == expected


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (D(15000), "万元", "15,000"),
        (D(100), "万人", "100"),
        (D("2.5"), "亿元", "2.5"),
    ],
)
def test_format_number_never_scales_units_that_carry_a_magnitude(value, unit, expected):
    assert format_number(value, unit) == expected


def test_format_number_without_unit():
    assert format_number(D(45000)) == "4.5万"


@pytest.mark.parametrize(
    ("value", "digits", "expected"),
    [
        (None, 1, "—"),
        (D(64), 1, "64.0%"),
        (D("49.16"), 1, "49.2%"),
        (D("49.15"), 1, "49.2%"),  # half up, not half even
        (D(1100) / 12, 1, "91.7%"),
        (D(100), 1, "100.0%"),
        (D("129.6"), 1, "129.6%"),
        (D("49.16"), 2, "49.16%"),
        (D("66.666"), 0, "67%"),
        (D(0), 1, "0.0%"),
        (D("-0.04"), 1, "0.0%"),
        (50, 1, "50.0%"),
    ],
)
def test_format_percent(value, digits, expected):
    assert format_percent(value, digits) == expected


@pytest.mark.parametrize(
    ("gap", "expected"),
    [
        (None, "—"),
        (D(14), "+14.0"),
        (D("-0.84"), "-0.8"),
        (D("-15"), "-15.0"),
        (D(0), "0.0"),
        (D("0.04"), "0.0"),
        (D("-0.04"), "0.0"),
        (D("0.05"), "+0.1"),
        (D(200) / 3 - D(100), "-33.3"),
    ],
)
def test_format_points(gap, expected):
    assert format_points(gap) == expected


def test_format_points_digits():
    assert format_points(D("-0.844"), digits=2) == "-0.84"


@pytest.mark.parametrize(
    ("value", "upper", "unit", "qualifier", "expected"),
    [
        (D(50000), None, "人次", "exact", "5万人次"),
        (D(2), D(3), "所", "exact", "2—3所"),
        (D(10000), None, "人", "at_least", "1万人以上"),
        (D(25), None, "%", "at_least", "25%以上"),
        (D("5.5"), None, "%", "at_most", "5.5%以内"),
        (D(100), None, "万人", "about", "100万人左右"),
        (D(30), None, "%", "strive", "力争30%"),
        (D(2), D(3), "所", "strive", "力争2—3所"),
        (D(20000), D(30000), "人", "exact", "2万—3万人"),
        (D(5), D(5), "个", "exact", "5个"),  # an upper equal to the value is no range
        (D(12), None, "", "exact", "12"),
        (D(12), None, None, "exact", "12"),
        (D("1500.00"), None, "家", "exact", "1,500家"),
        (None, None, "", "exact", "—"),
        (None, None, "", "strive", "—"),
    ],
)
def test_format_target_value(value, upper, unit, qualifier, expected):
    assert format_target_value(value, upper, unit, qualifier) == expected


@given(st.decimals(min_value=-(10**12), max_value=10**12, allow_nan=False, allow_infinity=False))
def test_format_number_always_gives_text(value):
    text = format_number(value, "人")
    assert text
    assert not text.endswith(".")
    assert "-0" != text


@given(st.decimals(min_value=0, max_value=10**4, places=4, allow_nan=False, allow_infinity=False))
def test_format_percent_has_one_decimal(value):
    text = format_percent(value)
    assert text.endswith("%")
    assert len(text.rstrip("%").split(".")[1]) == 1
