"""What a monthly circular (月度通报) says, as plain frozen values: the builders turn it into files.

Numbers are Decimals. Percentages are percent numbers (Decimal("64.0") means 64.0%), gaps are percentage
points; None means “not applicable” and is written as “—”. No database access here or in the builders.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

NO_TASK_LABEL = "无任务"


@dataclass(frozen=True)
class RankingRow:
    """One region's line in a target's ranking; `has_task` False means no allocation (“无任务”)."""

    rank: int | None
    rank_change: int | None  # positive when the region moved up since last month
    region_name: str
    unit: str
    target_value: Decimal | None
    this_month: Decimal | None
    cumulative: Decimal | None
    completion_rate: Decimal | None
    schedule_rate: Decimal | None
    schedule_gap: Decimal | None
    status_label: str
    status_code: str
    remark: str
    has_task: bool


@dataclass(frozen=True)
class TargetSummary:
    """One target (指标) over the whole scope, with its regional ranking and its 总体情况 sentence."""

    code: str  # "1-2" = key task 1, target 2
    key_task_title: str
    name: str
    unit: str
    kind_label: str
    target_value: Decimal | None
    this_month: Decimal | None
    cumulative: Decimal | None
    completion_rate: Decimal | None
    schedule_rate: Decimal | None
    schedule_gap: Decimal | None
    status_label: str
    status_code: str
    ranking: list[RankingRow]
    sentence: str
    note: str = ""  # a footnote: the document states the target more than once
    target_label: str = "年度目标"  # the heading of the target column: 季度目标, 目标值（存量）…


@dataclass(frozen=True)
class CompletenessRow:
    """Whether a region reported this month (填报情况)."""

    region_name: str
    status_label: str
    submitted_at: dt.datetime | None
    on_time: bool | None


@dataclass(frozen=True)
class LaggingRow:
    """A region behind schedule on a target (滞后名单)."""

    region_name: str
    target_name: str
    unit: str
    completion_rate: Decimal | None
    schedule_rate: Decimal | None
    schedule_gap: Decimal | None
    status_label: str


@dataclass(frozen=True)
class CircularContent:
    """Everything one circular says, for one scope (全省 / 全市 / 全区), year and month (1—month)."""

    title: str
    plan_title: str
    document_number: str  # the plan's 文号, cited in the opening
    issuer: str
    issue_date: dt.date
    year: int
    month: int
    scope_name: str
    opening: str
    overview_paragraphs: list[str]
    targets: list[TargetSummary]
    problems: list[str]
    next_steps: str
    completeness: list[CompletenessRow]
    lagging: list[LaggingRow]
    version: int
    is_demo: bool

    @property
    def period_label(self) -> str:
        """“2026年1—6月” (or “2026年1月”)."""
        return f"{self.year}年1月" if self.month == 1 else f"{self.year}年1—{self.month}月"
