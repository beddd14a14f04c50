"""Reporting periods: which months may be entered, when they are due and when they lock."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from plans.models import Plan
from targets.models import Submission


@dataclass(frozen=True)
class MonthState:
    editable: bool
    reason: str  # Chinese, shown when not editable
    deadline: dt.date | None


def reporting_deadline(plan: Plan, year: int, month: int) -> dt.date:
    """Figures for a month are due on the plan's deadline day of the following month."""
    next_year, next_month = (year + 1, 1) if month == 12 else (year, month + 1)
    return dt.date(next_year, next_month, min(plan.reporting_deadline_day, 28))


def applicable_deadline(plan: Plan, year: int, month: int, submission: Submission | None) -> dt.date:
    """The plan's deadline, or the reopening date of a reopened month when that is later."""
    deadline = reporting_deadline(plan, year, month)
    until = submission.reopened_until if submission is not None else None
    return until if until is not None and until > deadline else deadline


def month_state(plan: Plan, year: int, month: int, submission: Submission | None, today: dt.date) -> MonthState:
    deadline = reporting_deadline(plan, year, month) if 1 <= month <= 12 else None
    if not 1 <= month <= 12 or not plan.covers_month(year, month):
        return MonthState(False, f"{year}年{month}月不在方案实施期内", deadline)
    if (year, month) > (today.year, today.month):
        return MonthState(False, "不能填报未来月份", deadline)
    if submission is not None and submission.status == Submission.Status.APPROVED:
        return MonthState(False, "本月数据已审核并锁定", deadline)
    reopened = submission is not None and submission.reopened_until and submission.reopened_until >= today
    if today > deadline and not reopened:
        return MonthState(
            False,
            f"已过填报截止日({deadline:%Y-%m-%d})，本月已锁定；如需修改请联系省级管理员重新开放",
            deadline,
        )
    return MonthState(True, "", deadline)


def submission_is_on_time(plan: Plan, submission: Submission) -> bool | None:
    if submission.submitted_at is None:
        return None
    local_day = submission.submitted_at.astimezone(dt.timezone(dt.timedelta(hours=8))).date()
    deadline = reporting_deadline(plan, submission.year, submission.month)
    return local_day <= deadline or bool(submission.reopened_until and local_day <= submission.reopened_until)


def latest_closed_month(plan: Plan, today: dt.date) -> tuple[int, int]:
    """The most recent month of the plan whose reporting deadline has passed (or the plan's last month)."""
    year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    end = (plan.end_date.year, plan.end_date.month)
    if (year, month) > end:
        return end
    return year, month
