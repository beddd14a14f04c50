"""axe-core (vendored under tests/browser/vendor, never fetched) over the product's pages: WCAG 2.1 A/AA."""

from pathlib import Path

import pytest

from tests.browser.conftest import login, new_page
from tests.conftest import DEMO_TODAY, SHENYANG

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PLAN = "liaoning-2022"
PERIOD = f"plan={PLAN}&year=2022&month=11"
PAGES = {
    "shenyang_reporter": [
        "/",
        f"/figures/{PLAN}/2022/11/{SHENYANG}/",
        "/figures/notifications/",
        f"/reports/my-region/?{PERIOD}",
    ],
    "admin": [
        "/",
        f"/figures/completeness/?{PERIOD}",
        f"/reports/?{PERIOD}",
        f"/reports/ranking/?{PERIOD}",
        f"/reports/trend/?{PERIOD}",
        "/figures/audit/",
        "/plans/",
        f"/plans/{PLAN}/",
        f"/reports/departments/?{PERIOD}",
        f"/reports/milestones/?{PERIOD}",
        f"/reports/circulars/?{PERIOD}",
        f"/figures/{PLAN}/2022/11/{SHENYANG}/",
        "/figures/notifications/",
        "/api-tokens/users/",
        "/account/two-factor/",
    ],
    "leader": ["/"],
    "dalian_viewer": ["/"],
}


@pytest.fixture
def frozen_today():
    import time_machine

    with time_machine.travel(DEMO_TODAY.isoformat() + " 10:00 +0800", tick=True):
        yield


def _violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}})).violations"
        ".map(v => `${v.impact} ${v.id}: ${v.nodes.length} × ${v.nodes[0].target.join(' ')}`)",
        TAGS,
    )
    return result


def test_pages_have_no_wcag_21_aa_violations(browser, live_server, cast, demo_plan, frozen_today):
    found = {}
    for username, paths in PAGES.items():
        page = new_page(browser, bypass_csp=True)  # axe is injected inline; the product's CSP forbids that
        login(page, live_server, username)
        for path in paths:
            page.goto(f"{live_server.url}{path}")
            page.wait_for_load_state("networkidle")
            violations = _violations(page)
            if violations:
                found[f"{username} {path}"] = violations
        page.context.close()
    assert found == {}


def test_keyboard_only_reporter_skips_to_the_grid_and_reaches_save(browser, live_server, cast, demo_plan, frozen_today):
    page = new_page(browser)
    login(page, live_server, "shenyang_reporter")
    page.goto(f"{live_server.url}/figures/{PLAN}/2022/11/{SHENYANG}/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "跳到主要内容"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    presses = 0
    while page.evaluate("document.activeElement.name") != "value_" and presses < 40:
        page.keyboard.press("Tab")
        presses += 1
        if (page.evaluate("document.activeElement.name") or "").startswith("value_"):
            break
    assert (page.evaluate("document.activeElement.name") or "").startswith("value_"), presses
    page.keyboard.type("7")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"  # the focus can be seen
    page.context.close()
