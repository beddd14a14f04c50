"""Dashboards: each view resolves the selection (scope-checked), reads through reports/queries.py once, builds
figures with reports/charts.py and tables with reports/tables.py, and renders. Every table on a page can be
downloaded as xlsx or csv through `table_export` with the same filters."""

from __future__ import annotations

import pickle
from dataclasses import replace
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from plans.scope import scope_for
from plans.views import get_plan_for_user
from reports import charts, page_cache, queries, services, tables, tasks
from reports.circular_content import circular_title
from reports.forms import CircularIssueForm, CircularRequestForm, NextStepsForm
from reports.models import Circular, CircularJob
from skills_admin.lib import clock
from skills_admin.lib.downloads import attachment, media_file
from targets.formatting import months_through
from targets.selection import Selection, filter_context, resolve

EXPORT_FORMATS = ("xlsx", "csv")
PER_PAGE = 25
# Region × target cells: the heat map and its table are built from them, the page itself never reads them, and
# unpickling ~5,600 dicts of Decimals from the cache cost ~13 ms of every cached province overview.
PAGE_SKIPS = ("cells", "matrix")


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
    return queries.ranking(*_sel_args(sel), target_id=target_id, user=request.user)


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


def _asks_for(request, name: str) -> bool:
    """A table is rendered into the page only when its own sort or page parameter is in the URL (a link
    followed without JavaScript); otherwise the page carries a link and static/js/tables.js fetches it."""
    return any(key.startswith(f"{name}-") for key in request.GET)


def _table_html(request, make, data, name: str) -> str:
    table = make(data, prefix=f"{name}-")
    RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    return tables.render_html(table, request.GET)


def _tables(request, data, names: list[str], query: str) -> list[dict]:
    """The page's table sections: rendered when asked for, otherwise a title, the row count and a link."""
    blocks = []
    for name in names:
        title, _, make = TABLES[name]
        inline = _asks_for(request, name)
        html = _table_html(request, make, data, name) if inline else ""
        count = len(make(data).data)
        blocks.append({"name": name, "title": title, "query": query, "table_html": html, "count": count})
    return blocks


def _dashboard(request, sel: Selection, view: str, title: str, build):
    """The page, its body (figures, charts, table sections, the filter bar) rendered once and kept in the
    dashboard cache; a request that finds it only wraps it in base.html (user, navigation).

    See reports/page_cache.py: the key carries the version of `sel.region`, so a saved figure shows on the next
    request. `build()` returns the body template's context; its "data" also goes into the page's context.
    """

    def compute() -> dict:
        body = build()
        ctx = {
            **filter_context(request, sel),
            "action_url": request.path,
            "page_query": request.GET.urlencode(),
            # Within the cached body: a figure saved over a demo one bumps the data version, so the marker goes
            # with the next request.
            "demo_in_view": queries.demo_in_view(*_sel_args(sel)),
        }
        html = render_to_string(f"reports/{view}.html", {**ctx, **body}, request=request)
        return {"data": pickle.dumps(body["data"]), "html": html}

    cached = page_cache.cached_page(_page_key(request, view, sel.region), compute)
    # The page is the HTML; the figures behind it stay pickled unless someone reads them (tests, debugging):
    # unpickling thousands of Decimals was most of a cached national overview.
    data = SimpleLazyObject(lambda: pickle.loads(cached["data"]))
    return render(request, "reports/dashboard.html", {"sel": sel, "title": title, "data": data, "body": cached["html"]})


def _page_key(request, view: str, region) -> str:
    return page_cache.page_key(request, view, scope_for(request.user), clock.today(), region)


@cache_control(private=True)
@login_required
def overview(request):
    sel = resolve(request)

    def build() -> dict:
        data = _overview_data(request, sel)
        return {
            "data": {k: v for k, v in data.items() if k not in PAGE_SKIPS},
            "bars": charts.encoded(charts.progress_bars(data["targets"])),
            "heat": charts.encoded(charts.heatmap(data["targets"], data["regions"], data["cells"])),
            "tables": _tables(request, data, ["overview", "heatmap", "lagging"], _export_query(sel)),
        }

    return _dashboard(request, sel, "overview", "进度总览", build)


@cache_control(private=True)
@login_required
def ranking(request):
    sel = resolve(request)

    def build() -> dict:
        data = _ranking_data(request, sel)
        total = data["total"]
        figure = charts.ranking_bars(
            data["rows"], schedule_rate=total.schedule_rate, highlight_region_id=data["highlight_id"]
        )
        query = _export_query(sel, target=data["target"].id)
        return {
            "data": data,
            "figure": charts.encoded(figure),
            "tables": _tables(request, data, ["ranking"], query),
            "extra_filters": [("target", data["target"].id)],
        }

    return _dashboard(request, sel, "ranking", "指标排名", build)


@cache_control(private=True)
@login_required
def trend(request):
    sel = resolve(request)

    def build() -> dict:
        data = _trend_data(request, sel)
        target = data["target"]
        figure = charts.trend(data["points"], unit=target.unit, target_value=data["current"].target_value)
        query = _export_query(sel, target=target.id)
        return {
            "data": data,
            "figure": charts.encoded(figure),
            "tables": _tables(request, data, ["trend"], query),
            "extra_filters": [("target", target.id)],
        }

    return _dashboard(request, sel, "trend", "月度趋势", build)


@cache_control(private=True)
@login_required
def my_region(request):
    sel = resolve(request)

    def build() -> dict:
        data = _my_region_data(request, sel)
        data["rows"] = [
            replace(card, spark=charts.encoded(charts.sparkline(card.sparkline)) if card.sparkline else None)
            for card in data["rows"]
        ]
        return {"data": data, "tables": _tables(request, data, ["my_region"], _export_query(sel))}

    return _dashboard(request, sel, "my_region", "本地区", build)


@cache_control(private=True)
@login_required
def by_department(request):
    sel = resolve(request)

    def build() -> dict:
        data = _department_data(request, sel)
        figures = [
            (name, f"fig-dept-{i}", charts.encoded(charts.progress_bars(rows)))
            for i, (name, rows) in enumerate(data["groups"].items())
        ]
        query = _export_query(sel, department=data["department"])
        return {
            "data": data,
            "figures": figures,
            "tables": _tables(request, data, ["departments"], query),
            "department_links": [(name, _export_query(sel, department=name)) for name in data["departments"]],
            "all_departments_query": _export_query(sel),
            "extra_filters": [("department", data["department"])] if data["department"] else [],
        }

    return _dashboard(request, sel, "by_department", "分部门进度", build)


@cache_control(private=True)
@login_required
def milestones(request):
    sel = resolve(request)

    def build() -> dict:
        data = _milestone_data(request, sel)
        figure = charts.encoded(charts.state_counts(data["counts"])) if data["counts"] else None
        names = ["milestones", "milestone_targets"]
        return {"data": data, "figure": figure, "tables": _tables(request, data, names, _export_query(sel))}

    return _dashboard(request, sel, "milestones", "时限任务", build)


@cache_control(private=True)
@login_required
def table_fragment(request, table):
    """One dashboard table as an HTML fragment, fetched when the user opens it (static/js/tables.js); cached
    like the pages, by the version of the region it is about."""
    if table not in TABLES:
        raise Http404("没有该表格")
    sel = resolve(request)
    _, load, make = TABLES[table]
    html = page_cache.cached_page(
        _page_key(request, f"table:{table}", sel.region),
        lambda: _table_html(request, make, load(request, sel), table),
    )
    return HttpResponse(html)


@cache_control(private=True)
@login_required
def table_export(request, table, fmt):
    if table not in TABLES or fmt not in EXPORT_FORMATS:
        raise Http404("没有该表格")
    sel = resolve(request)
    title, load, make = TABLES[table]
    exported = make(load(request, sel))
    filename = f"{sel.plan.display_short_title}_{sel.region.name}_{sel.year}年{months_through(sel.month)}_{title}.{fmt}"
    heading = f"{sel.plan.display_short_title} · {sel.region.name} · {sel.year}年{months_through(sel.month)} · {title}"
    data = tables.export_xlsx(exported, title, heading) if fmt == "xlsx" else tables.export_csv(exported)
    ascii_name = f"{sel.plan.slug}_{sel.region.code}_{sel.year}-01-{sel.month:02d}_{table}.{fmt}"
    return attachment(data, filename, ascii_name)


# --- monthly circulars (月度通报): list, request, job status, download, next steps -------------------------------


def _require_circular_role(user) -> None:
    if not scope_for(user).can_download_circulars:
        raise PermissionDenied("只有领导和省级管理员可以生成和下载月度通报")


def _user_region(request, plan):
    return scope_for(request.user).home_region(plan)


@cache_control(private=True)
@login_required
def circular_list(request):
    _require_circular_role(request.user)
    selection = resolve(request)
    region = _user_region(request, selection.plan)
    circulars = Circular.objects.filter(plan=selection.plan, region=region).select_related("created_by")
    jobs = CircularJob.objects.visible_to(request.user).filter(plan=selection.plan).select_related("requested_by")[:10]
    ctx = {
        "circulars": circulars,
        "jobs": jobs,
        "region": region,
        "form": CircularRequestForm(selection=selection),
        "title": circular_title(selection.plan, selection.year, selection.month),
        "next_steps_form": NextStepsForm(instance=selection.plan),
        "issue_form": CircularIssueForm(initial={"issue_date": clock.today()}),
        **filter_context(request, selection, with_regions=False),
    }
    return render(request, "reports/circular_list.html", ctx)


@cache_control(private=True)
@login_required
@require_POST
def circular_request_view(request):
    _require_circular_role(request.user)
    plan = get_plan_for_user(request, request.POST.get("plan", ""))
    form = CircularRequestForm(request.POST, selection=None, plan=plan)
    if not form.is_valid():
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
        return redirect(reverse("reports:circulars") + f"?plan={plan.slug}")
    year, month = form.cleaned_data["year"], form.cleaned_data["month"]
    job = tasks.circular_request(
        plan=plan, year=year, month=month, region=_user_region(request, plan), user=request.user
    )
    messages.info(request, f"已提交生成任务：{circular_title(plan, year, month)}")
    return redirect(reverse("reports:circulars") + f"?plan={plan.slug}&year={year}&month={month}#job-{job.pk}")


@cache_control(private=True)
@login_required
def job_status(request, pk):
    _require_circular_role(request.user)
    job = get_object_or_404(CircularJob.objects.visible_to(request.user), pk=pk)
    data = {
        "id": job.pk,
        "status": job.status,
        "status_label": job.get_status_display(),
        "progress": job.progress,
        "error": job.error,
    }
    if job.circular_id:
        data["downloads"] = {
            fmt: reverse("reports:circular_download", args=[job.circular_id, fmt]) for fmt in job.circular.formats
        }
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


@cache_control(private=True)
@login_required
@require_POST
def job_retry_view(request, pk):
    _require_circular_role(request.user)
    job = get_object_or_404(CircularJob.objects.visible_to(request.user), pk=pk)
    new_job = tasks.job_retry(job=job, user=request.user)
    messages.info(request, "已重新提交生成任务")
    return redirect(reverse("reports:circulars") + f"?plan={job.plan.slug}#job-{new_job.pk}")


@cache_control(private=True)
@login_required
def circular_download(request, pk, fmt):
    _require_circular_role(request.user)
    circular = get_object_or_404(Circular.objects.select_related("plan", "region"), pk=pk)
    if fmt not in circular.formats or not scope_for(request.user).covers(circular.region):
        raise Http404("找不到该通报")
    path = media_file(circular.path_of(fmt))
    if path is None:
        raise Http404("通报文件不存在，请重新生成")
    suffix = "（附表）" if fmt == "xlsx" else ""
    ascii_name = (
        f"circular_{circular.plan.slug}_{circular.region.code}_{circular.year}-{circular.month:02d}"
        f"{'_annex' if fmt == 'xlsx' else ''}_v{circular.version}.{fmt}"
    )
    return attachment(path.read_bytes(), f"{circular.title}{suffix}（第{circular.version}版）.{fmt}", ascii_name)


@cache_control(private=True)
@login_required
@require_POST
def circular_issue_view(request, pk):
    """签发: the admin chooses the 成文日期 (today by default); the 文号 is taken now, the 草稿 mark goes."""
    _require_circular_role(request.user)
    circular = get_object_or_404(Circular.objects.select_related("plan", "region"), pk=pk)
    if not scope_for(request.user).covers(circular.region):
        raise Http404("找不到该通报")
    back = redirect(
        reverse("reports:circulars") + f"?plan={circular.plan.slug}&year={circular.year}&month={circular.month}"
    )
    form = CircularIssueForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择成文日期")
        return back
    try:
        services.circular_issue(
            circular=circular, issue_date=form.cleaned_data["issue_date"], user=request.user, today=clock.today()
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return back
    messages.success(
        request, f"已签发：{circular.title}{'（' + circular.document_number + '）' if circular.document_number else ''}"
    )
    return back


@cache_control(private=True)
@login_required
@require_POST
def next_steps_edit(request, slug):
    plan = get_plan_for_user(request, slug)
    if not scope_for(request.user).administers(plan.region):
        raise PermissionDenied("只有方案所属地区的管理员可以修改下步工作要求")
    form = NextStepsForm(request.POST, instance=plan)
    if form.is_valid():
        form.save()
        messages.success(request, "已保存“下步工作要求”，下次生成通报时使用")
    return redirect(reverse("reports:circulars") + f"?plan={plan.slug}")
