"""Plotly figures for the dashboards, built from plain rows: pure functions, no database, no plotly import.

Each builder returns {"data": [...], "layout": {...}} ready for `json_script` and `Plotly.newPlot`. Numbers
are floats (JSON has no Decimal). Targets and regions are the engine's `ProgressRow`s, read by attribute; trend
and sparkline points are the month dicts of `reports/queries.py`. Rates in percent, gaps in points.
Status is always written on the chart too (text or marker shape), so a black-and-white print still reads.
"""

from __future__ import annotations

import json
from decimal import Decimal

from django.core.serializers.json import DjangoJSONEncoder

from targets.engine import CSS_CHART, ProgressRow, Status
from targets.formatting import format_number, format_percent, format_points

FONT = "Noto Sans CJK SC, PingFang SC, Microsoft YaHei, sans-serif"
SCHEDULE_COLOUR = "#212529"
TARGET_COLOUR = "#6f42c1"
WAN = 10_000
LABEL_CHARS = 14  # long target names are cut on the axis; hover and tables show them whole
SHORT_BAR = 30  # percent: below this a bar is too short to hold its text
AXIS_CAP = 150  # percent: the axis stops here; a bar beyond still says its rate


def encoded(figure: dict) -> str:
    """The figure as JSON, made once per page body (it is cached with it); the template only escapes it."""
    return json.dumps(figure, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))


def status_colour(status: str) -> str:
    return Status(status).chart


def _f(value: Decimal | int | float | None) -> float | None:
    return None if value is None else round(float(value), 4)


def plain(text: str) -> str:
    """User text as Plotly shows it, never as markup: Plotly turns <a href>, <b>, <br> in labels into links and
    formatting, so a region or target name holding a link would become clickable on an axis."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _short(label: str, size: int = LABEL_CHARS) -> str:
    label = label if len(label) <= size else label[: size - 1] + "…"
    return plain(label)


def _layout(**extra) -> dict:
    layout = {
        "font": {"family": FONT, "size": 12},
        "margin": {"l": 10, "r": 10, "t": 20, "b": 40},
        "legend": {"orientation": "h", "y": -0.15},
        "hoverlabel": {"font": {"family": FONT}},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
    }
    layout.update({k: v for k, v in extra.items() if v is not None})
    return layout


def _statuses_in_order(rows: list[ProgressRow]) -> list[Status]:
    seen = []
    for row in sorted(rows, key=lambda r: r.status.severity):
        if row.status not in seen:
            seen.append(row.status)
    return seen


def _bar_text(row: ProgressRow) -> str:
    rate = row.completion_rate
    return f"{format_percent(rate)} {row.status_label}" if rate is not None else row.status_label


def progress_bars(rows: list[ProgressRow], *, title: str = "") -> dict:
    """One horizontal bar per target: 完成率 coloured by status, a tick at 序时进度, the status written on it."""
    labels = [_short(f"{r.code} {r.name}") for r in rows]
    data = []
    for status in _statuses_in_order(rows):
        mine = [(label, r) for label, r in zip(labels, rows, strict=True) if r.status == status]
        data.append(_status_bar(status, mine))
    data.append(
        {
            "type": "scatter",
            "mode": "markers",
            "name": "序时进度",
            "x": [_f(r.schedule_rate) for r in rows],
            "y": labels,
            "marker": {"symbol": "line-ns-open", "size": 16, "color": SCHEDULE_COLOUR, "line": {"width": 2}},
            "hovertemplate": "%{y}<br>序时进度 %{x:.1f}%<extra></extra>",
        }
    )
    height = 110 + 32 * max(len(rows), 1)
    layout = _layout(
        title={"text": title} if title else None,
        height=height,
        barmode="overlay",
        bargap=0.3,
        xaxis={"title": {"text": "完成率(%)"}, "ticksuffix": "%", "range": [0, _axis_top(rows)], "zeroline": True},
        yaxis={
            "automargin": True,
            "categoryorder": "array",
            "categoryarray": list(reversed(labels)),
        },
    )
    return {"data": data, "layout": layout}


def _axis_top(rows: list[ProgressRow]) -> float:
    rates = [_f(rate) or 0 for r in rows for rate in (r.completion_rate, r.schedule_rate)]
    return min(max([100, *rates]) * 1.1, AXIS_CAP)


def _status_bar(status: Status, items: list[tuple[str, ProgressRow]]) -> dict:
    rows = [r for _, r in items]
    return {
        "type": "bar",
        "orientation": "h",
        "name": Status(status).label,
        # A bar past the axis cap (a 1-个 target done three times over) is drawn to the cap; its text and
        # hover keep the real rate, and plotly would otherwise drop the text of a bar that leaves the axis.
        "x": [min(_f(r.completion_rate) or 0, AXIS_CAP) for r in rows],
        "y": [label for label, _ in items],
        "text": [_bar_text(r) for r in rows],
        # Short bars (and rows with nothing to draw) carry their text outside, where it has room.
        "textposition": ["inside" if (r.completion_rate or 0) >= SHORT_BAR else "outside" for r in rows],
        "insidetextanchor": "start",
        "textfont": {"size": 12, "color": "#000"},
        "constraintext": "none",
        "cliponaxis": False,
        "marker": {
            "color": status_colour(status),
            "line": {"color": "#343a40", "width": 0.5},
            "pattern": {"shape": Status(status).hatch},
        },
        "hovertext": [_hover(r) for r in rows],
        "hoverinfo": "text",
    }


def _hover(row: ProgressRow) -> str:
    unit = row.unit or ""
    parts = [
        f"<b>{plain(row.region_name or '')} {row.code} {plain(row.name)}</b>".replace("<b> ", "<b>"),
        f"目标 {format_number(row.target_value, unit)}{unit}",
        f"累计 {format_number(row.cumulative, unit)}{unit}",
        f"完成率 {format_percent(row.completion_rate)}",
        f"序时进度 {format_percent(row.schedule_rate)}",
        f"序时差 {format_points(row.schedule_gap)}",
        f"状态 {row.status_label}",
    ]
    if row.rank:
        parts.append(f"排名 第{row.rank}位 {rank_change_text(row.rank_change)}")
    return "<br>".join(parts)


def rank_change_text(change: int | None) -> str:
    if change is None:
        return "—"
    if change > 0:
        return f"↑{change}"
    if change < 0:
        return f"↓{-change}"
    return "持平"


GAP_LIMIT = 30  # points; the colour saturates beyond ±30 so that one outlier does not wash out the rest


def heatmap(targets: list[ProgressRow], regions: list[dict], cells: dict[tuple[int, int], ProgressRow]) -> dict:
    """Regions × targets coloured by 序时差 (red below, green above schedule); each cell says gap and status."""
    z, text = [], []
    for t in targets:
        row_z, row_text = [], []
        for r in regions:
            cell = cells.get((t.target_id, r["id"]))
            row_z.append(_f(cell.schedule_gap) if cell else None)
            row_text.append(_heat_text(cell))
        z.append(row_z)
        text.append(row_text)
    data = [
        {
            "type": "heatmap",
            "x": [plain(r["name"]) for r in regions],
            "y": [_short(f"{t.code} {t.name}", 12) for t in targets],
            "z": z,
            "text": text,
            "texttemplate": "%{text}",
            "textfont": {"size": 10},
            # The hover repeats the cell's text under the region and target: rates and amounts are in the
            # ranking and the tables. Writing them for every cell (~2,800 at province scale) in Python was
            # a fifth of a recomputed overview.
            "hovertemplate": "<b>%{x}</b><br>%{y}<br>序时差 %{text}<extra></extra>",
            "zmid": 0,
            "zmin": -GAP_LIMIT,
            "zmax": GAP_LIMIT,
            "colorscale": [[0, "#b2182b"], [0.35, "#f4a582"], [0.5, "#f7f7f7"], [0.65, "#a6dba0"], [1, "#1b7837"]],
            "colorbar": {"title": {"text": "序时差"}, "ticksuffix": "点", "thickness": 12},
            "xgap": 1,
            "ygap": 1,
        }
    ]
    layout = _layout(
        height=120 + 26 * max(len(targets), 1),
        xaxis={"side": "top", "tickangle": -45, "automargin": True},
        yaxis={"automargin": True, "autorange": "reversed"},
        margin={"l": 10, "r": 10, "t": 60, "b": 10},
    )
    return {"data": data, "layout": layout}


def _heat_text(cell: ProgressRow | None) -> str:
    if cell is None:
        return "无任务"
    if cell.schedule_gap is None:
        return cell.status_label
    return f"{format_points(cell.schedule_gap)}{cell.status.mark}"


def ranking_bars(
    rows: list[ProgressRow], *, schedule_rate: Decimal | None, highlight_region_id: int | None = None
) -> dict:
    """Regions by 完成率, coloured by status, the 序时进度 as a line; hover gives each region's figures."""
    ranked = [r for r in rows if r.completion_rate is not None]
    names = [plain(r.region_name) for r in ranked]
    data = [
        {
            "type": "bar",
            "name": "完成率",
            "x": names,
            "y": [_f(r.completion_rate) for r in ranked],
            "text": [_bar_text(r) for r in ranked],
            "textposition": "outside",
            "cliponaxis": False,
            "marker": {
                "color": [status_colour(r.status) for r in ranked],
                "pattern": {"shape": [r.status.hatch for r in ranked]},
                "line": {
                    "color": ["#000" if r.region_id == highlight_region_id else "#343a40" for r in ranked],
                    "width": [3 if r.region_id == highlight_region_id else 0.5 for r in ranked],
                },
            },
            "hovertext": [_hover(r) for r in ranked],
            "hoverinfo": "text",
            "showlegend": False,
        }
    ]
    if schedule_rate is not None and names:
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": f"序时进度 {format_percent(schedule_rate)}",
                "x": names,
                "y": [_f(schedule_rate)] * len(names),
                "line": {"color": SCHEDULE_COLOUR, "dash": "dash", "width": 2},
                "hoverinfo": "name",
            }
        )
    layout = _layout(
        height=420,
        showlegend=True,
        yaxis={"title": {"text": "完成率(%)"}, "ticksuffix": "%", "rangemode": "tozero", "automargin": True},
        xaxis={"tickangle": -45, "automargin": True},
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
    )
    return {"data": data, "layout": layout}


def _scale(values: list[float | None], unit: str) -> tuple[float, str]:
    """Large counts are drawn in 万 (the axis says so) unless the unit already carries a magnitude."""
    top = max((abs(v) for v in values if v is not None), default=0)
    if top >= WAN and not unit.startswith(("万", "亿")):
        return WAN, f"万{unit}"
    return 1, unit


def trend(points: list[dict], *, unit: str = "", target_value: Decimal | None = None, title: str = "") -> dict:
    """Monthly figures as bars, the cumulative line against the engine's 序时目标值 line and the target line."""
    months = [f"{p['month']}月" for p in points]
    raw = [_f(p.get(k)) for p in points for k in ("this_month", "cumulative", "schedule_target")]
    size, axis_unit = _scale([*raw, _f(target_value)], unit)

    def series(key):
        return [None if p.get(key) is None else float(p[key]) / size for p in points]

    def hover(key, name):
        return [f"{name} {format_number(p.get(key), unit)}{unit}" for p in points]

    data = [
        _trend_trace("bar", "本月完成", months, series("this_month"), hover("this_month", "本月完成"), "#9ec5fe"),
        _trend_trace("scatter", "累计完成", months, series("cumulative"), hover("cumulative", "累计完成"), "#0d6efd"),
        _trend_trace(
            "scatter",
            "序时目标",
            months,
            series("schedule_target"),
            hover("schedule_target", "序时目标"),
            SCHEDULE_COLOUR,
        ),
    ]
    data[1].update(mode="lines+markers", line={"width": 3, "color": "#0d6efd"})
    data[2].update(mode="lines", line={"dash": "dash", "width": 2, "color": SCHEDULE_COLOUR})
    if target_value is not None and months:
        label = f"目标 {format_number(target_value, unit)}{unit}"
        data.append(
            _trend_trace(
                "scatter",
                label,
                months,
                [float(target_value) / size] * len(months),
                [label] * len(months),
                TARGET_COLOUR,
            )
        )
        data[-1].update(mode="lines", line={"dash": "dot", "width": 2, "color": TARGET_COLOUR})
    layout = _layout(
        title={"text": title} if title else None,
        height=400,
        yaxis={"title": {"text": axis_unit}, "rangemode": "tozero", "automargin": True},
        hovermode="x unified",
    )
    return {"data": data, "layout": layout}


def _trend_trace(kind: str, name: str, x: list, y: list, hover: list[str], colour: str) -> dict:
    return {
        "type": kind,
        "name": name,
        "x": x,
        "y": y,
        "hovertext": hover,
        "hoverinfo": "text",
        "marker": {"color": colour},
    }


def sparkline(points: list[dict]) -> dict:
    """A small line of 完成率 by month with the 序时进度 dashed behind it; no axes."""
    months = [p["month"] for p in points]
    data = [
        {
            "type": "scatter",
            "mode": "lines",
            "name": "序时进度",
            "x": months,
            "y": [_f(p.get("schedule_rate")) for p in points],
            "line": {"color": "#adb5bd", "dash": "dot", "width": 1},
            "hoverinfo": "skip",
        },
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": "完成率",
            "x": months,
            "y": [_f(p.get("completion_rate")) for p in points],
            "line": {"color": "#0d6efd", "width": 2},
            "marker": {"size": 3},
            "hovertemplate": "%{x}月 %{y:.1f}%<extra></extra>",
        },
    ]
    hidden = {"visible": False, "fixedrange": True}
    layout = {
        "height": 40,
        "width": 140,
        "margin": {"l": 2, "r": 2, "t": 2, "b": 2},
        "showlegend": False,
        "xaxis": hidden,
        "yaxis": {**hidden, "rangemode": "tozero"},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
    }
    return {"data": data, "layout": layout}


def state_counts(counts: list[tuple[str, int, str]]) -> dict:
    """Horizontal bars of how many items are in each state: (label, count, bootstrap colour name)."""
    data = [
        {
            "type": "bar",
            "orientation": "h",
            "x": [n for _, n, _ in counts],
            "y": [label for label, _, _ in counts],
            "text": [f"{label} {n}项" for label, n, _ in counts],
            "textposition": "auto",
            "marker": {"color": [CSS_CHART.get(css, CSS_CHART["secondary"]) for _, _, css in counts]},
            "hoverinfo": "text",
            "showlegend": False,
        }
    ]
    layout = _layout(
        height=80 + 36 * max(len(counts), 1),
        xaxis={"title": {"text": "项数"}, "dtick": 1, "rangemode": "tozero"},
        yaxis={"automargin": True, "autorange": "reversed"},
    )
    return {"data": data, "layout": layout}
