"""Dashboards: each view resolves the selection (scope-checked), reads through reports/queries.py once, builds
figures with reports/charts.py and tables with reports/tables.py, and renders. Every table on a page can be
downloaded as xlsx or csv through `table_export` with the same filters."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django_tables2 import RequestConfig

from plans.scope import scope_for
from reports import charts, page_cache, queries, tables
from skills_admin.lib.downloads import attachment
from targets.selection import Selection, filter_context, resolve

EXPORT_FORMATS = ("xlsx", "csv")


def _int_param(request, name: str) -> int | None:
    value = request.GET.get(name)
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        raise Http404("参数无效") from None


def _sel_args(sel: Selection) -> tuple:
    return sel.plan, sel.year, sel.month, sel.region


def _overview_data(request, sel):
    return queries.overview(*_sel_args(sel), user=request.user)


def _ranking_data(request, sel):
    target_id = _int_param(request, "target")
    return queries.ranking(*_sel_args(sel), target_id=target_id)


def _trend_data(request, sel):
    target_id = _int_param(request, "target")
    return queries.trend(*_sel_args(sel), target_id=target_id)


def _my_region_data(request, sel):
    return queries.my_region(*_sel_args(sel), user=request.user)


def _department_data(request, sel):
    department = request.GET.get("department", "")
    return queries.by_department(*_sel_args(sel), department=department)


def _milestone_data(request, sel):
    return queries.milestones(*_sel_args(sel))


# table name → (title, how its page reads the data, how the table is made from that data)
TABLES = {
    "overview": ("指标完成情况", _overview_data, lambda d, **kw: tables.TargetProgressTable(d["targets"], **kw)),
    "heatmap": ("各地序时差", _overview_data, lambda d, **kw: tables.matrix_table(d["matrix"], d["regions"], **kw)),
    "lagging": ("滞后地区和指标", _overview_data, lambda d, **kw: tables.RegionCellTable(d["lagging"], **kw)),
    "ranking": ("地区排名", _ranking_data, lambda d, **kw: tables.RankingTable(d["rows"], **kw)),
    "trend": ("月度趋势", _trend_data, lambda d, **kw: tables.TrendTable(d["points"], **kw)),
    "my_region": ("本地区指标", _my_region_data, lambda d, **kw: tables.MyRegionTable(d["rows"], **kw)),
    "departments": ("分部门进度", _department_data, lambda d, **kw: tables.DepartmentTable(d["rows"], **kw)),
    "milestones": ("重点任务时限", _milestone_data, lambda d, **kw: tables.KeyTaskTable(d["tasks"], **kw)),
    "milestone_targets": (
        "限时目标",
        _milestone_data,
        lambda d, **kw: tables.DatedTargetTable(d["targets"], **kw),
    ),
}


def _export_query(sel: Selection, **extra) -> str:
    values = {"plan": sel.plan.slug, "year": sel.year, "month": sel.month, "region": sel.region.code, **extra}
    return urlencode({k: v for k, v in values.items() if v not in (None, "")})


def _tables(request, data, names: list[str], query: str) -> list[dict]:
    """The page's tables, sortable and paginated by their own prefixed GET parameters."""
    blocks = []
    for name in names:
        title, _, make = TABLES[name]
        table = make(data, prefix=f"{name}-")
        RequestConfig(request, paginate={"per_page": 25}).configure(table)
        blocks.append({"name": name, "title": title, "table": table, "query": query})
    return blocks


def _page(request, sel: Selection, **ctx) -> dict:
    return {**filter_context(request, sel), "action_url": request.path, **ctx}


def _rendered(request, block: dict) -> dict:
    html = render_to_string("reports/includes/table_block.html", {"block": block}, request=request)
    return {"name": block["name"], "title": block["title"], "query": block["query"], "html": html}


def _dashboard(request, view: str, region, build) -> dict:
    """The page body (figures, charts, rendered tables) from the dashboard cache, or built and stored there.

    See reports/page_cache.py: the key carries the version of `region`, so a saved figure shows on the next
    request.
    """

    def compute() -> dict:
        body = build()
        body["tables"] = [_rendered(request, block) for block in body["tables"]]
        return body

    key = page_cache.page_key(request, view, scope_for(request.user), timezone.localdate(), region)
    return page_cache.cached_page(key, compute)


@login_required
def overview(request):
    sel = resolve(request)

    def build() -> dict:
        data = _overview_data(request, sel)
        return {
            "data": data,
            "bars": charts.progress_bars(data["targets"]),
            "heat": charts.heatmap(data["targets"], data["regions"], data["cells"]),
            "tables": _tables(request, data, ["overview", "heatmap", "lagging"], _export_query(sel)),
        }

    ctx = _page(request, sel, **_dashboard(request, "overview", sel.region, build))
    return render(request, "reports/overview.html", ctx)


@login_required
def ranking(request):
    sel = resolve(request)
    data = _ranking_data(request, sel)
    figure = charts.ranking_bars(
        data["rows"], schedule_rate=data["total"]["schedule_rate"], highlight_region_id=data["highlight_id"]
    )
    query = _export_query(sel, target=data["target"].id)
    ctx = _page(request, sel, data=data, figure=figure, tables=_tables(request, data, ["ranking"], query))
    ctx["extra_filters"] = [("target", data["target"].id)]
    return render(request, "reports/ranking.html", ctx)


@login_required
def trend(request):
    sel = resolve(request)
    data = _trend_data(request, sel)
    target = data["target"]
    figure = charts.trend(data["points"], unit=target.unit, target_value=data["current"]["target_value"])
    query = _export_query(sel, target=target.id)
    ctx = _page(request, sel, data=data, figure=figure, tables=_tables(request, data, ["trend"], query))
    ctx["extra_filters"] = [("target", target.id)]
    return render(request, "reports/trend.html", ctx)


@login_required
def my_region(request):
    sel = resolve(request)
    data = _my_region_data(request, sel)
    data["rows"] = [
        replace(card, spark=charts.sparkline(card.sparkline) if card.sparkline else None) for card in data["rows"]
    ]
    ctx = _page(
        request,
        sel,
        data=data,
        tables=_tables(request, data, ["my_region"], _export_query(sel)),
    )
    return render(request, "reports/my_region.html", ctx)


@login_required
def by_department(request):
    sel = resolve(request)
    data = _department_data(request, sel)
    figures = [
        (name, f"fig-dept-{i}", charts.progress_bars(rows)) for i, (name, rows) in enumerate(data["groups"].items())
    ]
    query = _export_query(sel, department=data["department"])
    links = [(name, _export_query(sel, department=name)) for name in data["departments"]]
    ctx = _page(
        request,
        sel,
        data=data,
        figures=figures,
        department_links=links,
        all_departments_query=_export_query(sel),
        tables=_tables(request, data, ["departments"], query),
    )
    ctx["extra_filters"] = [("department", data["department"])] if data["department"] else []
    return render(request, "reports/by_department.html", ctx)


@login_required
def milestones(request):
    sel = resolve(request)
    data = _milestone_data(request, sel)
    figure = charts.state_counts(data["counts"]) if data["counts"] else None
    names = ["milestones", "milestone_targets"]
    ctx = _page(request, sel, data=data, figure=figure, tables=_tables(request, data, names, _export_query(sel)))
    return render(request, "reports/milestones.html", ctx)


@login_required
def table_export(request, table, fmt):
    if table not in TABLES or fmt not in EXPORT_FORMATS:
        raise Http404("没有该表格")
    sel = resolve(request)
    title, load, make = TABLES[table]
    exported = make(load(request, sel))
    filename = f"{sel.plan.display_short_title}_{sel.region.name}_{sel.year}年1—{sel.month}月_{title}.{fmt}"
    data = tables.export_xlsx(exported, title) if fmt == "xlsx" else tables.export_csv(exported)
    return attachment(data, filename)
