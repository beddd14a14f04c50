"""Each demo role opens the dashboards in headless Chromium; the charts draw; screenshots are kept."""

import pytest

from tests.browser.conftest import login, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWS = ["overview", "ranking", "trend", "my-region", "departments", "milestones"]


def _charts_drawn(page) -> int:
    charts = page.locator("[data-figure]")
    for i in range(charts.count()):
        charts.nth(i).and_(page.locator("[data-rendered='1']")).wait_for()
    return charts.count()


@pytest.mark.parametrize("who", ["leader", "dalian_viewer", "admin"])
def test_every_dashboard_draws_for_each_role(who, page, live_server, cast, demo_plan):
    login(page, live_server, who)
    drawn = 0
    for view in VIEWS:
        path = "" if view == "overview" else f"{view}/"
        page.goto(f"{live_server.url}/reports/{path}?plan={demo_plan.slug}&year=2022&month=10")
        assert page.locator("h1").count() >= 1, view
        drawn += _charts_drawn(page)
        shot(page, f"dashboard-{view}-{who}")
    assert drawn >= 5
    assert not page.js_errors, page.js_errors


def test_overview_at_phone_width(page, live_server, cast, demo_plan):
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, live_server, "leader")
    page.goto(f"{live_server.url}/reports/?plan={demo_plan.slug}&year=2022&month=10")
    assert _charts_drawn(page) >= 1
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400, f"page scrolls sideways at phone width ({width}px)"
    shot(page, "dashboard-overview-phone")


def test_tables_open_on_demand_in_place(page, live_server, cast, demo_plan):
    login(page, live_server, "leader")
    url = f"{live_server.url}/reports/?plan={demo_plan.slug}&year=2022&month=10"
    page.goto(url)
    assert page.locator("table").count() == 0  # the first response is the summary and the charts
    section = page.locator("#table-lagging")
    section.get_by_role("link", name="显示表格").click()
    section.locator("table tbody tr").first.wait_for()
    assert page.url == url  # fetched in place, not a new page
    first = section.locator("tbody tr").first.inner_text()
    section.locator("thead a", has_text="地区").click()  # sort, still in place
    section.locator("[data-loaded='1'] table").wait_for()
    page.wait_for_function("first => document.querySelector('#table-lagging tbody tr').innerText !== first", arg=first)
    assert page.url == url
    shot(page, "dashboard-overview-lagging-table")
    assert not page.js_errors, page.js_errors
