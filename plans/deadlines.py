"""Reading a key task's completion time (完成时限) into due dates. Pure functions, no Django.

parse_deadline("每季度末次月20日前、12月底前", 2022)
→ ([2022-04-20, 2022-07-20, 2022-10-20, 2022-12-31, 2023-01-20], False)
parse_deadline("6月底前、长期推进", 2022) → ([2022-06-30], True)
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

_FULL_WIDTH = str.maketrans("".join(chr(0xFF10 + digit) for digit in range(10)), "0123456789")
_PARTS = re.compile(r"[、，,；;\s]+")
_QUARTERLY = re.compile(r"每季度?末次月(\d{1,2})日")
_QUARTER_END = re.compile(r"每季度?末")
_MONTH_END = re.compile(r"(\d{1,2})月(?:底|末)")
_DAY = re.compile(r"(\d{1,2})月(\d{1,2})日")
_YEAR_END = re.compile(r"年底|年末")
_NAMED_YEAR = re.compile(r"((?:19|20)\d{2})年")
_ONGOING = re.compile(r"长期|持续|常态化")


def parse_deadline(text: str, year: int) -> tuple[list[dt.date], bool]:
    """Due dates within `year` (a quarter's report may fall in January of the next) and whether ongoing."""
    dates: set[dt.date] = set()
    ongoing = False
    for part in _PARTS.split(_clean(text)):
        dates.update(_part_dates(part, year))
        ongoing = ongoing or bool(_ONGOING.search(part))
    return sorted(dates), ongoing


def due_month(text: str) -> int | None:
    """The month of the last “N月底前” when it comes before December (“10月底前” → 10), else None."""
    months = [int(month) for month in _MONTH_END.findall(_clean(text))]
    return months[-1] if months and 1 <= months[-1] < 12 else None


def _clean(text: str) -> str:
    return (text or "").translate(_FULL_WIDTH)


def _part_dates(part: str, year: int) -> list[dt.date]:
    """The dates one part of the text names: quarterly, a month's end, a day, or the year's end.

    A part that names a year (“到2021年底”, “2020年6月底前”) is dated in that year, not the plan's first.
    """
    if named := _NAMED_YEAR.search(part):
        year = int(named.group(1))
        part = part[named.end() - 1 :]
    if match := _QUARTERLY.search(part):
        return _quarterly(year, int(match.group(1)))
    if _QUARTER_END.search(part):
        return [_month_end(year, month) for month in (3, 6, 9, 12)]
    if match := _DAY.search(part):
        return _valid_date(year, int(match.group(1)), int(match.group(2)))
    if match := _MONTH_END.search(part):
        month = int(match.group(1))
        return [_month_end(year, month)] if 1 <= month <= 12 else []
    return [dt.date(year, 12, 31)] if _YEAR_END.search(part) else []


def _quarterly(year: int, day: int) -> list[dt.date]:
    """Day `day` of the month after each quarter: April, July, October and January of the next year."""
    return [
        date for y, month in ((year, 4), (year, 7), (year, 10), (year + 1, 1)) for date in _valid_date(y, month, day)
    ]


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _valid_date(year: int, month: int, day: int) -> list[dt.date]:
    try:
        return [dt.date(year, month, day)]
    except ValueError:
        return []
