"""How numbers look to people: “3.2万”, “64.0%”, “+14.0”, “2—3所”. Pure functions, no Django."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

DASH = "—"
WAN = Decimal(10_000)
YI = Decimal(100_000_000)
# Units that already carry a magnitude (万元, 亿元, 万人): their numbers are never scaled again.
MAGNITUDE_UNITS = ("万", "亿")

QUALIFIER_PREFIXES = {"strive": "力争"}
QUALIFIER_SUFFIXES = {"at_least": "以上", "about": "左右", "at_most": "以内"}


def format_number(value: Decimal | int | float | None, unit: str = "") -> str:
    """12,345 → “1.23万”, 135,000,000 → “1.35亿”, 9,876.5 → “9,876.5”; at most 2 decimals, no trailing zeros.

    The unit is not written (tables show it in its own column); it only stops scaling when it already says
    万 or 亿.
    """
    if value is None:
        return DASH
    number = _to_decimal(value)
    size, suffix = _magnitude(number, unit or "")
    return _grouped(_round(number / size, 2)) + suffix


def _magnitude(number: Decimal, unit: str) -> tuple[Decimal, str]:
    """The magnitude to write `number` in: 亿 from 1亿 (or when 万 would round to 10,000万), 万 from 1万."""
    if unit.startswith(MAGNITUDE_UNITS):
        return Decimal(1), ""
    if abs(number) >= YI or abs(_round(number / WAN, 2)) >= WAN:
        return YI, "亿"
    if abs(number) >= WAN:
        return WAN, "万"
    return Decimal(1), ""


def format_percent(value: Decimal | int | float | None, digits: int = 1) -> str:
    """64 → “64.0%”; None → “—”."""
    if value is None:
        return DASH
    return _fixed(value, digits) + "%"


def format_points(gap: Decimal | int | float | None, digits: int = 1) -> str:
    """序时差: 14 → “+14.0”, -0.84 → “-0.8”, 0 → “0.0”; None → “—”."""
    if gap is None:
        return DASH
    text = _fixed(gap, digits)
    return "+" + text if _round(_to_decimal(gap), digits) > 0 else text


def format_target_value(
    value: Decimal | int | float | None, upper: Decimal | int | float | None, unit: str, qualifier: str
) -> str:
    """The target as the document says it: “5万人次”, “2—3所”, “1万人以上”, “力争25%”; “—” for milestones."""
    if value is None:
        return DASH
    unit = unit or ""
    amount = format_number(value, unit)
    if upper is not None and _to_decimal(upper) != _to_decimal(value):
        amount = f"{amount}—{format_number(upper, unit)}"
    return f"{QUALIFIER_PREFIXES.get(qualifier, '')}{amount}{unit}{QUALIFIER_SUFFIXES.get(qualifier, '')}"


def _to_decimal(value: Decimal | int | float) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _round(number: Decimal, digits: int) -> Decimal:
    rounded = number.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    return abs(rounded) if rounded == 0 else rounded  # never “-0”


def _fixed(value: Decimal | int | float, digits: int) -> str:
    return f"{_round(_to_decimal(value), digits):.{digits}f}"


def _grouped(number: Decimal) -> str:
    """Thousands separators, trailing zeros trimmed: 1234.50 → “1,234.5”, 1200.00 → “1,200”."""
    text = f"{number:,.2f}"
    return text.rstrip("0").rstrip(".")


def months_through(month: int) -> str:
    """The months from January: “1—6月”, and January alone “1月” (never “1—1月”)."""
    return "1月" if month == 1 else f"1{DASH}{month}月"


def scoped(where: str, name: str) -> str:
    """“全省” + “技工院校在校生规模”; a name that already says its scope (“全省技工院校…”) is not doubled."""
    return name if name.startswith(where) else f"{where}{name}"


def sentence(text: str) -> str:
    """One full stop at the end, whatever the text brought (“…口径。” + “。” is not “。。”)."""
    return text.rstrip().rstrip("。；;，,") + "。"


def person_name(user) -> str:
    """A user's full name (姓名), falling back to the username; "" for no user."""
    if user is None:
        return ""
    full = f"{user.last_name}{user.first_name}".strip() if hasattr(user, "last_name") else ""
    return full or getattr(user, "username", "") or str(user)
