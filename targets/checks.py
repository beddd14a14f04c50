"""Plausibility warnings on a monthly figure: they do not block, but ask the reporter for a remark."""

from __future__ import annotations

from decimal import Decimal

from targets.engine.kinds import SPECS, STOCK

UNUSUAL_FACTOR = Decimal(3)
OVERSHOOT_FACTOR = Decimal("1.5")
MIN_HISTORY = 2


def figure_warnings(
    *,
    kind: str,
    value: Decimal | None,
    history: list[Decimal],
    target: Decimal | None,
    cumulative_before: Decimal | None,
) -> list[str]:
    """Warnings for one figure of a target of effective `kind`. `history` holds the region's earlier monthly
    values of the same year."""
    if value is None:
        return []
    warnings = []
    if SPECS[kind].sums:
        warnings += _unusual(value, history) + _overshoot(value, target, cumulative_before)
    if kind == STOCK and history and value < history[-1]:
        warnings.append(f"期末存量由{history[-1].normalize():f}下降为{value.normalize():f}")
    return warnings


def _unusual(value: Decimal, history: list[Decimal]) -> list[str]:
    past = [h for h in history if h is not None]
    if len(past) < MIN_HISTORY:
        return []
    average = sum(past) / len(past)
    if average > 0 and value > average * UNUSUAL_FACTOR:
        return [f"本月数{_number(value)}远高于以往月均值({_number(average)})的{UNUSUAL_FACTOR}倍"]
    return []


def _number(value: Decimal) -> str:
    """A figure as people read it: two decimals at most, no trailing zeros (0.33, not "(0)")."""
    rounded = value.quantize(Decimal("0.01"))
    return f"{rounded.normalize():f}" if rounded else "0"


def _overshoot(value: Decimal, target: Decimal | None, cumulative_before: Decimal | None) -> list[str]:
    if target is None or target <= 0:  # never `not target`: a Decimal is tested against None, not for truth
        return []
    remaining = max(target - (cumulative_before or 0), Decimal(0))
    if value > max(remaining * OVERSHOOT_FACTOR, target * Decimal("0.2")):
        return [f"本月数大幅超过剩余目标({remaining.normalize():f})"]
    return []
