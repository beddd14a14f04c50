"""What each kind of target means, in one table: the values of Target.Kind and Target.Period (repeated so the
engine's arithmetic needs no Django), which kind's arithmetic applies, and how a kind is named, summed, rolled
up and projected on every page and in every file.

Everything that asks “is this a per-quarter target?”, “what is its target column called?” or “which months
does its cumulative cover?” reads `spec(kind, period)`; adding a kind is one `KindSpec` entry plus its own
arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass

# The values of Target.Kind and Target.Period, repeated here so this module needs no Django.
FLOW = "flow"
COUNT = "count"
STOCK = "stock"
RATIO = "ratio"
MILESTONE = "milestone"
KINDS = (FLOW, COUNT, STOCK, RATIO, MILESTONE)
QUARTER = "quarter"

# The values of MonthlyFigure.MilestoneStatus.
MILESTONE_STATUS_DONE = "done"
MILESTONE_STATUS_IN_PROGRESS = "in_progress"

# Cumulative windows: which months a 累计 covers at the end of a month.
WINDOW_YEAR = "year"  # the year so far (from the plan's first month of the year)
WINDOW_QUARTER = "quarter"  # the quarter so far
WINDOW_LATEST = "latest"  # no sum: the latest value reported
WINDOW_NONE = "none"  # milestones: no number

# Roll-up rules: how a region's cell is made of the cells below it (targets/engine/report.py).
ROLLUP_SUM = "sum"  # flows and per-quarter counts: the figures add up
ROLLUP_SUM_LATEST = "sum_latest"  # stocks: every holder's latest value, carried forward and summed
ROLLUP_OWN_OR_RANGE = "own_or_range"  # ratios: never summed; the region's own value or the peers' range
ROLLUP_COUNT_DONE = "count_done"  # milestones: how many holders are done (N/M)

# Projection methods (targets/engine/projections.py).
PROJECT_PACE = "pace"  # the window's monthly average carried to its end
PROJECT_TREND = "trend"  # least-squares line through the last values
PROJECT_MILESTONE = "milestone"  # done, or not yet past the due date

# Whether a figure takes no decimals: always, never, or by its unit (plans.reading.counts_whole).
WHOLE_ALWAYS, WHOLE_NEVER, WHOLE_BY_UNIT = "always", "never", "by_unit"


@dataclass(frozen=True)
class KindSpec:
    """What one effective kind of target means everywhere it is shown, summed or judged."""

    kind: str
    label: str  # the kind as people name it (模板“类型”列)
    target_label: str  # the heading of its target column: 年度目标 / 季度目标 / 目标值（存量）…
    target_prefix: str  # before a target figure on a card: “每季度目标 50个”
    cumulative_label: str  # before the cumulative on a card: 累计 / 本季度累计 / 最新值
    completion_phrase: str  # what a rate is “of”: 完成{年度目标 / 本季度目标 / 存量目标}的…
    period_word: str  # the period its target covers: 全年 / 本季度
    window: str  # which months its cumulative covers
    sums: bool  # monthly figures add up (a 1—N月累计 entry is converted to the month's figure)
    rollup: str
    projection: str
    projection_label: str  # where the projection stands: 预计全年完成 / 本季度预计 / 预计到期完成
    whole: str  # whether figures take no decimals
    unit_suffix: str = ""  # after the unit where the period must be read: 个/季度

    def unit_label(self, unit: str) -> str:
        return f"{unit}{self.unit_suffix}" if unit and self.unit_suffix else unit

    def window_start(self, month: int, start_month: int = 1) -> int:
        """The first month whose figure counts in the cumulative at the end of `month`."""
        if self.window == WINDOW_QUARTER:
            return max(quarter_start(month), start_month)
        if self.window == WINDOW_YEAR:
            return start_month
        return month

    def window_words(self, month: int, start_month: int = 1) -> str:
        """The cumulative window in words, as a value column is headed: 1—5月累计, 4—5月累计 (本季度)."""
        first = self.window_start(month, start_month)
        span = f"{month}月" if first == month else f"{first}—{month}月"
        return f"{span}累计"

    @property
    def is_quarterly(self) -> bool:
        return self.window == WINDOW_QUARTER

    def projection_end(self, month: int, due_month: int | None) -> int:
        """The month a projection made at the end of `month` looks to: the quarter's end for a per-quarter
        count, else the due month (December when the document gives none)."""
        return quarter_end(month) if self.is_quarterly else (due_month or 12)

    def projection_words(self, due_month: int | None) -> str:
        """How a projected figure is introduced: 预计全年完成, 预计到期（10月底）完成, 本季度预计."""
        if self.is_quarterly or due_month in (None, 12):
            return self.projection_label
        return f"预计到期（{due_month}月底）完成"


SPECS: dict[str, KindSpec] = {
    FLOW: KindSpec(
        kind=FLOW,
        label="累计量",
        target_label="年度目标",
        target_prefix="年度目标",
        cumulative_label="累计",
        completion_phrase="年度目标",
        period_word="全年",
        window=WINDOW_YEAR,
        sums=True,
        rollup=ROLLUP_SUM,
        projection=PROJECT_PACE,
        projection_label="预计全年完成",
        whole=WHOLE_BY_UNIT,
    ),
    COUNT: KindSpec(
        kind=COUNT,
        label="每季度计数",
        target_label="季度目标",
        target_prefix="每季度目标",
        cumulative_label="本季度累计",
        completion_phrase="本季度目标",
        period_word="本季度",
        window=WINDOW_QUARTER,
        sums=True,
        rollup=ROLLUP_SUM,
        projection=PROJECT_PACE,
        projection_label="本季度预计",
        whole=WHOLE_ALWAYS,
        unit_suffix="/季度",
    ),
    STOCK: KindSpec(
        kind=STOCK,
        label="期末存量",
        target_label="目标值（存量）",
        target_prefix="目标",
        cumulative_label="最新值",
        completion_phrase="存量目标",
        period_word="到期",
        window=WINDOW_LATEST,
        sums=False,
        rollup=ROLLUP_SUM_LATEST,
        projection=PROJECT_TREND,
        projection_label="预计到期完成",
        whole=WHOLE_BY_UNIT,
    ),
    RATIO: KindSpec(
        kind=RATIO,
        label="比例",
        target_label="目标值（比例）",
        target_prefix="目标",
        cumulative_label="最新值",
        completion_phrase="目标比例",
        period_word="到期",
        window=WINDOW_LATEST,
        sums=False,
        rollup=ROLLUP_OWN_OR_RANGE,
        projection=PROJECT_TREND,
        projection_label="预计到期完成",
        whole=WHOLE_NEVER,
    ),
    MILESTONE: KindSpec(
        kind=MILESTONE,
        label="里程碑",
        target_label="年度目标",
        target_prefix="目标",
        cumulative_label="进展",
        completion_phrase="年度目标",
        period_word="到期",
        window=WINDOW_NONE,
        sums=False,
        rollup=ROLLUP_COUNT_DONE,
        projection=PROJECT_MILESTONE,
        projection_label="预计按期完成",
        whole=WHOLE_NEVER,
    ),
}


def effective_kind(kind: str, period: str | None) -> str:
    """Counts are per quarter only when the period says so; other counts add up like flows."""
    if kind == COUNT and period != QUARTER:
        return FLOW
    return kind


def spec(kind: str, period: str | None = None) -> KindSpec:
    """The meaning of a target of `kind` and `period` (a count not per quarter means what a flow means)."""
    try:
        return SPECS[effective_kind(kind, period)]
    except KeyError:
        raise ValueError(f"unknown target kind: {kind!r}") from None


def quarter_start(month: int) -> int:
    """The first month of the quarter `month` falls in: 1, 4, 7 or 10."""
    return (month - 1) // 3 * 3 + 1


def quarter_end(month: int) -> int:
    """The last month of the quarter `month` falls in: 3, 6, 9 or 12."""
    return quarter_start(month) + 2


def target_label(kind: str) -> str:
    """The target column's heading for an effective kind (COUNT: a per-quarter count)."""
    return SPECS[kind].target_label


def completion_phrase(kind: str) -> str:
    return SPECS[kind].completion_phrase
