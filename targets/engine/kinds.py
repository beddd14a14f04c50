"""What each kind of target means: the values of Target.Kind and Target.Period (repeated so the engine's
arithmetic needs no Django), which kind's arithmetic applies, and how a kind is named on pages and in files."""

from __future__ import annotations

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


def effective_kind(kind: str, period: str | None) -> str:
    """Counts are per quarter only when the period says so; other counts add up like flows."""
    if kind == COUNT and period != QUARTER:
        return FLOW
    return kind


def quarter_start(month: int) -> int:
    """The first month of the quarter `month` falls in: 1, 4, 7 or 10."""
    return (month - 1) // 3 * 3 + 1


# How a target of each effective kind is named: the heading of its target column and what a rate is "of".
TARGET_LABELS = {COUNT: "季度目标", STOCK: "目标值（存量）", RATIO: "目标值（比例）"}
COMPLETION_PHRASES = {COUNT: "本季度目标", STOCK: "存量目标", RATIO: "目标比例"}


def target_label(kind: str) -> str:
    return TARGET_LABELS.get(kind, "年度目标")


def completion_phrase(kind: str) -> str:
    return COMPLETION_PHRASES.get(kind, "年度目标")
