"""The dashboards through the test client: scope, figures equal to the progress engine's, exports, query cost."""

import csv
import io
import itertools
from decimal import Decimal
from urllib.parse import quote

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from plans.models import Profile
from targets.engine import Status, progress_report
from tests.conftest import DALIAN, DEMO_TODAY, SHENYANG, add_figures, make_small_plan, make_user

pytestmark = pytest.mark.django_db

VIEWS = ["overview", "ranking", "trend", "my_region", "by_department", "milestones"]
TABLES = [
    "overview",
    "heatmap",
    "lagging",
    "ranking",
    "trend",
    "my_region",
    "departments",
    "milestones",
    "milestone_targets",
]
PERIOD = {"year": 2022, "month": 10}


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(DEMO_TODAY, tick=False):
        yield


def _get(client, name, plan, **params):
    return client.get(reverse(f"reports:{name}"), {"plan": plan.slug, **PERIOD, **params})


@pytest.mark.parametrize("who", ["admin", "leader", "dalian_viewer"])
def test_every_dashboard_renders_for_each_role(who, client_for, cast, demo_plan):
    client = client_for(cast[who])
    for name in VIEWS:
        response = _get(client, name, demo_plan)
        assert response.status_code == 200, (who, name)
        assert "data-figure" in response.content.decode(), (who, name)


def test_pages_load_plotly_and_the_chart_script_but_no_inline_script(client_for, cast, demo_plan):
    html = _get(client_for(cast["leader"]), "overview", demo_plan).content.decode()
    assert "vendor/plotly/plotly-cartesian.min.js" in html and "js/charts.js" in html
    inline = [chunk for chunk in html.split("<script")[1:] if 'src="' not in chunk.split(">")[0]]
    assert all('type="application/json"' in chunk.split(">")[0] for chunk in inline)


def test_overview_figures_equal_the_progress_engines(client_for, cast, demo_plan):
    response = _get(client_for(cast["leader"]), "overview", demo_plan)
    data = response.context["data"]
    report = progress_report(demo_plan, 2022, 10)
    lagging = {
        (key, c.progress.completion_rate)
        for key, c in report.cells.items()
        if c.progress.status in (Status.LAGGING, Status.SEVERE)
    }
    assert lagging  # the demo has laggards
    assert {((r.target_id, r.region_id), r.completion_rate) for r in data["lagging"]} == lagging
    totals = {t.target_id: (t.completion_rate, t.schedule_gap, t.status) for t in data["targets"]}
    assert totals == {
        tid: (c.progress.completion_rate, c.progress.schedule_gap, c.progress.status.value)
        for tid, c in report.totals.items()
    }
    cards = {card["label"]: card["value"] for card in data["headline"]}
    counts = report.status_counts()
    assert cards["滞后"] == counts.get("lagging", 0)
    assert cards["严重滞后"] == counts.get("severe", 0)
    assert cards["指标总数"] == len(report.targets)


def test_ranking_lists_peers_in_rank_order_with_the_viewers_region_highlighted(client_for, cast, demo_plan):
    response = _get(client_for(cast["dalian_viewer"]), "ranking", demo_plan)
    data = response.context["data"]
    report = progress_report(demo_plan, 2022, 10)
    expected = [(c.region_id, c.rank, c.progress.completion_rate) for c in report.target_cells(data["target"].id)]
    assert [(r.region_id, r.rank, r.completion_rate) for r in data["rows"]] == expected
    assert [r.region_name for r in data["rows"] if r.is_self] == ["大连市"]
    assert len(data["rows"]) > 1  # a viewer sees the ranking of their peers


def test_trend_ends_where_the_report_stands(client_for, cast, demo_plan):
    report = progress_report(demo_plan, 2022, 10)
    target = next(t for t in report.targets if t.kind == "flow")
    response = _get(client_for(cast["leader"]), "trend", demo_plan, target=target.id)
    points = response.context["data"]["points"]
    assert [p["month"] for p in points] == list(range(1, 11))
    last = report.totals[target.id].progress
    assert (points[-1]["cumulative"], points[-1]["completion_rate"]) == (last.cumulative, last.completion_rate)
    assert all(a["cumulative"] <= b["cumulative"] for a, b in itertools.pairwise(points))


def test_my_region_shows_the_viewers_own_cells_and_rank(client_for, cast, demo_plan, region):
    response = _get(client_for(cast["dalian_viewer"]), "my_region", demo_plan)
    data = response.context["data"]
    dalian = region(DALIAN)
    report = progress_report(demo_plan, 2022, 10)
    expected = {c.target_id: (c.progress.completion_rate, c.rank) for c in report.region_cells(dalian.id)}
    assert {r.target_id: (r.completion_rate, r.rank) for r in data["rows"]} == expected
    with_peers = [r for r in data["rows"] if r.peers]
    assert with_peers and all(any(p["is_self"] for p in r.peers) for r in with_peers)
    assert all(r.peers[0]["rank"] == 1 for r in with_peers)  # the top is always shown


def test_by_department_filters_on_the_lead_department(client_for, cast, demo_plan):
    client = client_for(cast["leader"])
    departments = _get(client, "by_department", demo_plan).context["data"]["departments"]
    chosen = departments[0]
    data = _get(client, "by_department", demo_plan, department=chosen).context["data"]
    assert list(data["groups"]) == [chosen]
    assert data["rows"] and all(r.department == chosen for r in data["rows"])


def test_milestones_list_key_tasks_with_their_deadlines(client_for, cast, demo_plan):
    data = _get(client_for(cast["leader"]), "milestones", demo_plan).context["data"]
    assert len(data["tasks"]) == demo_plan.key_tasks.count()
    assert {t["state"] for t in data["tasks"]} <= {"已完成", "逾期", "按期推进", "长期推进", "无明确时限"}


@pytest.mark.parametrize("name", VIEWS)
def test_viewer_asking_for_another_citys_region_gets_404(name, client_for, cast, demo_plan):
    response = _get(client_for(cast["dalian_viewer"]), name, demo_plan, region=SHENYANG)
    assert response.status_code == 404


def test_viewer_cannot_export_another_citys_figures(client_for, cast, demo_plan):
    client = client_for(cast["dalian_viewer"])
    url = reverse("reports:table_export", args=["ranking", "xlsx"])
    assert client.get(url, {"plan": demo_plan.slug, **PERIOD, "region": SHENYANG}).status_code == 404


def test_outsider_sees_no_dashboard(client_for, cast, demo_plan):
    assert _get(client_for(cast["outsider"]), "overview", demo_plan).status_code == 404


def test_unknown_table_or_format_is_404(client_for, cast, demo_plan):
    client = client_for(cast["leader"])
    assert client.get(reverse("reports:table_export", args=["nope", "xlsx"])).status_code == 404
    assert client.get(reverse("reports:table_export", args=["overview", "pdf"])).status_code == 404


def test_ranking_export_to_xlsx_holds_the_figures_under_a_chinese_name(client_for, cast, demo_plan):
    client = client_for(cast["leader"])
    url = reverse("reports:table_export", args=["ranking", "xlsx"])
    response = client.get(url, {"plan": demo_plan.slug, **PERIOD})
    assert response.status_code == 200
    name = "技能辽宁行动_辽宁省_2022年1—10月_地区排名.xlsx"
    assert f"filename*=UTF-8''{quote(name)}" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "技能辽宁行动 · 辽宁省 · 2022年1—10月 · 地区排名"  # the file says what it covers
    header = rows[1]
    assert header[:3] == ("排名", "位次变化", "地区") and "完成率(%)" in header
    report = progress_report(demo_plan, 2022, 10)
    target_id = next(t.id for t in report.targets if t.kind != "milestone")
    rate = header.index("完成率(%)")
    expected = [
        (c.rank, region_name, float(c.progress.completion_rate.quantize(Decimal("0.1"))))
        for c in report.target_cells(target_id)
        for region_name in [next(r.name for r in report.regions if r.id == c.region_id)]
    ]
    assert [(r[0], r[2], r[rate]) for r in rows[2:]] == expected


def test_overview_export_to_csv_has_a_bom_and_every_target(client_for, cast, demo_plan):
    client = client_for(cast["admin"])
    url = reverse("reports:table_export", args=["overview", "csv"])
    response = client.get(url, {"plan": demo_plan.slug, **PERIOD})
    assert response["Content-Type"].startswith("text/csv")
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    report = progress_report(demo_plan, 2022, 10)
    assert rows[0][:2] == ["序号", "指标"]
    assert [r[0] for r in rows[1:]] == [f'="{t.code}"' for t in report.targets]  # text as a spreadsheet opens it


@pytest.mark.parametrize("table", TABLES)
def test_every_table_exports_in_both_formats(table, client_for, cast, demo_plan):
    client = client_for(cast["dalian_viewer"])
    for fmt in ("xlsx", "csv"):
        url = reverse("reports:table_export", args=[table, fmt])
        response = client.get(url, {"plan": demo_plan.slug, **PERIOD})
        assert response.status_code == 200, (table, fmt)
        assert "%E5%A4%A7%E8%BF%9E" in response["Content-Disposition"]  # 大连 in the file name


# --- Query cost and empty states on a small synthetic plan ------------------------------------------------


def _targets(count: int = 3) -> list[dict]:
    return [
        {"name": f"指标{n}", "value": Decimal(50000), "unit": "人次", "kind": "flow", "period": "year"}
        for n in range(1, count + 1)
    ]


def _add_city_figures(targets, cities):
    for target in targets:
        for i, city in enumerate(cities):
            monthly = {m: Decimal(500 + 10 * i) for m in range(1, 7)}
            add_figures(target, city, 2024, Decimal(10000), monthly)


def _count_queries(client, plan) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("reports:overview"), {"plan": plan.slug, "year": 2024, "month": 6})
    assert response.status_code == 200
    return len(captured)


def test_overview_queries_stay_bounded_and_do_not_grow_with_regions(client, django_assert_max_num_queries):
    plan, province, cities, targets = make_small_plan(cities=15, targets=_targets(), year=2024)
    client.force_login(make_user("boss", Profile.Role.LEADER, province.code))
    _add_city_figures(targets, cities[:5])
    with django_assert_max_num_queries(25):
        few = _count_queries(client, plan)
    _add_city_figures(targets, cities[5:])
    with django_assert_max_num_queries(25):
        many = _count_queries(client, plan)
    assert few == many, (few, many)
    assert few < 15 * 3  # fewer than one query per region and target


def test_empty_month_says_who_has_not_reported(client, db):
    specs = [{"name": "指标1", "value": Decimal(100), "unit": "人", "kind": "flow", "period": "year"}]
    plan, province, cities, (target,) = make_small_plan(cities=3, targets=specs, year=2024)
    for city in cities:
        add_figures(target, city, 2024, Decimal(50), {})
    client.force_login(make_user("boss", Profile.Role.LEADER, province.code))
    response = client.get(reverse("reports:overview"), {"plan": plan.slug, "year": 2024, "month": 3})
    html = response.content.decode()
    assert response.status_code == 200
    assert "2024年3月尚无填报数据" in html
    assert all(city.name in html for city in cities)


# --- The 演示 marker ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", VIEWS)
def test_every_dashboard_of_demo_figures_shows_the_demo_marker(name, client_for, cast, demo_plan):
    response = _get(client_for(cast["leader"]), name, demo_plan)
    assert response.status_code == 200
    assert "demo-badge" in response.content.decode()


def test_demo_marker_follows_the_figures_in_view_at_a_constant_query_cost(client):
    """Real figures: no marker. One demo figure (even on a real allocation) in the region's subtree: the marker,
    for the same number of queries; a demo figure outside the region viewed does not mark it."""
    from django.core.cache import cache

    from targets.models import MonthlyFigure

    plan, province, cities, targets = make_small_plan(cities=3, targets=_targets(1), year=2024)
    _add_city_figures(targets, cities)
    client.force_login(make_user("boss", Profile.Role.LEADER, province.code))
    cache.clear()
    real = _count_queries(client, plan)
    assert "demo-badge" not in _overview_html(client, plan)
    MonthlyFigure.objects.filter(allocation__region=cities[0], month=1).update(is_demo=True)
    cache.clear()
    assert _count_queries(client, plan) == real
    assert "demo-badge" in _overview_html(client, plan)
    assert "demo-badge" not in _overview_html(client, plan, region=cities[1].code)


def _overview_html(client, plan, **params) -> str:
    response = client.get(reverse("reports:overview"), {"plan": plan.slug, "year": 2024, "month": 6, **params})
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("path", ["/reports/", "/reports/ranking/", "/reports/my-region/", "/reports/circulars/"])
def test_dashboards_are_never_kept_by_shared_caches(path, cast, client, demo_plan):
    client.force_login(cast["admin"])
    response = client.get(f"{path}?plan={demo_plan.slug}&year=2022&month=11")
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]
