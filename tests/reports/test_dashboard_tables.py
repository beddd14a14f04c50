"""Dashboard tables: loaded on demand as fragments, written by the lean renderer with the same cells as
django-tables2 would write, sortable and paginated, scope-checked and fresh after a save."""

import re
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_tables2 import RequestConfig

from plans.models import Region
from reports import tables, views
from targets.engine import progress_report
from targets.models import Allocation, MonthlyFigure
from targets.services import FigureEntry, figures_save
from tests.conftest import DEMO_TODAY, SHENYANG

pytestmark = pytest.mark.django_db

PERIOD = {"year": 2022, "month": 10}
CELL = re.compile(r"<td[^>]*>(.*?)</td>", re.S)
PAGES = ["overview", "ranking", "trend", "my_region", "by_department", "milestones"]


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(DEMO_TODAY, tick=False):
        yield


def _fragment(client, table, plan, **params):
    return client.get(reverse("reports:table_fragment", args=[table]), {"plan": plan.slug, **PERIOD, **params})


@pytest.mark.parametrize("name", PAGES)
def test_pages_lead_with_charts_and_link_their_tables_instead_of_carrying_them(name, client_for, cast, demo_plan):
    response = client_for(cast["leader"]).get(reverse(f"reports:{name}"), {"plan": demo_plan.slug, **PERIOD})
    html = response.content.decode()
    assert "<table" not in html
    assert 'class="lazy-table"' in html and "显示表格" in html
    assert "js/tables.js" in html


def test_overview_first_response_is_small(client_for, cast, demo_plan):
    response = client_for(cast["leader"]).get(reverse("reports:overview"), {"plan": demo_plan.slug, **PERIOD})
    fragment = _fragment(client_for(cast["leader"]), "heatmap", demo_plan)
    assert len(response.content) < 150_000
    assert fragment.status_code == 200 and "<table" in fragment.content.decode()


def test_table_fragment_holds_every_target_with_the_engines_figures(client_for, cast, demo_plan):
    html = _fragment(client_for(cast["leader"]), "overview", demo_plan, **{"overview-page": 1}).content.decode()
    report = progress_report(demo_plan, 2022, 10)
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", html.split("<tbody>")[1], re.S)
    codes = [CELL.findall(row)[0] for row in rows]
    assert codes == [t.code for t in report.targets][: views.PER_PAGE]


def test_a_table_asked_for_in_the_url_is_rendered_in_the_page(client_for, cast, demo_plan):
    client = client_for(cast["leader"])
    params = {"plan": demo_plan.slug, **PERIOD, "ranking-sort": "-completion_rate"}
    html = client.get(reverse("reports:ranking"), params).content.decode()
    assert html.count("<table") == 1
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", html.split("<tbody>")[1], re.S)
    rates = [Decimal(CELL.findall(row)[6].rstrip("%")) for row in rows]  # 完成率 is the seventh column
    assert len(rates) > 1 and rates == sorted(rates, reverse=True)


def test_sort_and_page_links_keep_the_filters(client_for, cast, demo_plan):
    html = _fragment(client_for(cast["leader"]), "lagging", demo_plan, **{"lagging-page": 1}).content.decode()
    assert f"plan={demo_plan.slug}" in html and "lagging-sort=" in html
    assert "lagging-page=2" in html  # the demo has more than one page of laggards


def test_viewer_cannot_fetch_another_citys_table(client_for, cast, demo_plan):
    response = _fragment(client_for(cast["dalian_viewer"]), "ranking", demo_plan, region=SHENYANG)
    assert response.status_code == 404
    assert _fragment(client_for(cast["leader"]), "nope", demo_plan).status_code == 404


def test_a_viewers_heatmap_table_has_no_other_city(client_for, cast, demo_plan):
    html = _fragment(client_for(cast["dalian_viewer"]), "heatmap", demo_plan).content.decode()
    assert "<table" in html and '<th class="num" scope="col">沈阳市</th>' not in html


def test_a_saved_figure_shows_in_the_table_on_the_next_request(client_for, cast, demo_plan):
    client = client_for(cast["leader"])
    allocation = Allocation.objects.filter(
        target__key_task__plan=demo_plan, region__code=SHENYANG, year=2022, target__kind="flow"
    ).first()
    params = {
        "target": allocation.target_id,
        "region": SHENYANG,
        "trend-sort": "-label",
        "month": 11,
    }  # November (open) first
    before = _fragment(client, "trend", demo_plan, **params).content.decode()
    figure = MonthlyFigure.objects.filter(allocation=allocation, month=11).first()
    old = figure.value if figure else Decimal(0)
    figures_save(
        plan=demo_plan,
        region=Region.objects.get(code=SHENYANG),
        year=2022,
        month=11,
        entries=[FigureEntry(allocation_id=allocation.id, value=old + 1000, remark="核实后补报", original_value=old)],
        user=cast["province_reporter"],
        expected_version=None,
        today=DEMO_TODAY,
    )
    after = _fragment(client, "trend", demo_plan, **params).content.decode()
    first_row = [CELL.findall(html.split("<tbody>")[1])[:3] for html in (before, after)]
    assert first_row[0][0] == first_row[1][0] and first_row[0][1:] != first_row[1][1:]  # 11月: 本月, 累计 moved


def test_table_fragment_queries_stay_bounded(client_for, cast, demo_plan):
    client = client_for(cast["leader"])
    for table in views.TABLES:
        with CaptureQueriesContext(connection) as captured:
            assert _fragment(client, table, demo_plan).status_code == 200
        assert len(captured) <= 25, (table, len(captured))


@pytest.mark.parametrize("name", list(views.TABLES))
def test_lean_renderer_writes_the_cells_django_tables2_writes(name, cast, demo_plan):
    request = RequestFactory().get("/", {"plan": demo_plan.slug, **PERIOD, f"{name}-sort": "name"})
    request.user = cast["admin"]
    sel = views.resolve(request)
    _, load, make = views.TABLES[name]
    table = make(load(request, sel), prefix=f"{name}-")
    RequestConfig(request, paginate={"per_page": views.PER_PAGE}).configure(table)
    expected = [[str(cell).strip() for _, cell in row.items()] for row in table.page.object_list]
    html = tables.render_html(table, request.GET)
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", html.split("<tbody>")[1], re.S)
    assert [[c.strip() for c in CELL.findall(row)] for row in rows] == expected
