"""The open month walked with the demo accounts (never a superuser, never /admin/), on the demo date:
reporters find the open month on their home page and submit confirming empty rows; the admin reviews from the
review page, returns, approves; a chase previews its recipients and refuses a locked month until reopened."""

import datetime as dt

import pytest

from plans.models import Plan, Region
from targets.demo import DEMO_DATE, DEMO_PASSWORD, demo_users_create
from targets.models import Reminder, Submission
from tests.browser.conftest import login, new_page, shot
from tests.browser.test_accessibility import _violations
from tests.conftest import SHENYANG

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PLAN = "liaoning-2022"
TIELING = "211200"


@pytest.fixture
def demo(demo_plan, settings):
    settings.DEMO_DATE = DEMO_DATE  # what bin/serve sets: windows, home pages and reminders judge as of it
    settings.SITE_URL = "http://127.0.0.1:8000"
    demo_users_create(password=DEMO_PASSWORD)
    return demo_plan


def _login(browser, live_server, username):
    page = new_page(browser, bypass_csp=True)  # axe is injected inline on the new pages
    login(page, live_server, username, DEMO_PASSWORD)
    visited = []
    page.on("framenavigated", lambda frame: visited.append(frame.url))
    page.visited = visited
    return page


def _no_violations(page):
    assert _violations(page) == [], page.url


def _submit_confirming_empty_rows(page):
    page.click("#grid-actions-top button[value=submit]")
    page.wait_for_load_state("networkidle")
    if page.locator("#empty-rows").count():
        assert "未填写" in page.locator("#grid-errors").inner_text()
        _no_violations(page)
        for box in page.locator("#empty-rows input[type=checkbox]").all():
            box.check()
        page.click("#grid-actions-top button[value=submit]")
    page.wait_for_selector("#submission-status:has-text('已报送')")


def test_the_open_month_from_the_home_page_to_review_and_a_chase_that_lands(browser, live_server, demo):
    plan = Plan.objects.get(slug=PLAN)

    # 沈阳's reporter: November is on the home page (演示日期 shown), 去填报 opens an editable grid.
    reporter = _login(browser, live_server, "shenyang")
    assert "2022年12月11日" in reporter.locator("#demo-date").inner_text()
    waiting = reporter.locator("#home-waiting-table").inner_text()
    assert "2022年11月" in waiting and "重新开放" in waiting
    _no_violations(reporter)
    reporter.locator("#home-waiting-table a", has_text="去填报").first.click()
    reporter.wait_for_selector("#grid-form")
    assert f"/figures/{PLAN}/2022/11/{SHENYANG}/" in reporter.url
    assert reporter.locator("#lock-reason").count() == 0
    # A keyboard user reaches 保存草稿 within 40 presses of the page load.
    presses = 0
    while presses < 40 and reporter.evaluate("document.activeElement.textContent") != "保存草稿":
        reporter.keyboard.press("Tab")
        presses += 1
    assert reporter.evaluate("document.activeElement.textContent") == "保存草稿", presses
    print(f"Tab presses from page load to 保存草稿: {presses}")
    _submit_confirming_empty_rows(reporter)
    shot(reporter, "open-month-submitted")

    # The admin: 沈阳 is waiting for review; the review page is read-only and shows what to look at.
    admin = _login(browser, live_server, "admin")
    review_row = admin.locator("#home-review-table tr", has_text="沈阳市")
    review_row.locator("a", has_text="审核").click()
    admin.wait_for_selector("#review-rows")
    assert admin.locator("#review-rows input").count() == 0
    assert "上月" in admin.locator("#review-rows thead").inner_text()
    _no_violations(admin)
    admin.fill("#return-reason", "请核对11月培训人次")
    admin.click("#return-form button")
    admin.wait_for_selector("text=已退回沈阳市11月数据")
    assert Submission.objects.get(plan=plan, region__code=SHENYANG, year=2022, month=11).status == "returned"

    # The reporter sees the reason on the home page, corrects and submits again; the admin approves.
    reporter.goto(f"{live_server.url}/")
    assert "请核对11月培训人次" in reporter.locator("#home-returned-list").inner_text()
    reporter.locator("#home-waiting-table a", has_text="去填报").first.click()
    reporter.wait_for_selector("#grid-form")
    _submit_confirming_empty_rows(reporter)
    admin.goto(f"{live_server.url}/")
    admin.locator("#home-review-table tr", has_text="沈阳市").locator("a", has_text="审核").click()
    admin.click("#approve-form button")
    admin.wait_for_selector("text=已审核通过沈阳市11月数据")
    assert Submission.objects.get(plan=plan, region__code=SHENYANG, year=2022, month=11).status == "approved"

    # The regions still owing November have had their reopening withdrawn: the month is locked for them.
    Submission.objects.filter(plan=plan, year=2022, month=11).exclude(status="approved").update(reopened_until=None)
    chase_url = f"{live_server.url}/figures/{PLAN}/2022/11/chase/"
    admin.goto(chase_url)
    assert "已锁定，不会催报" in admin.locator("#chase-recipients").inner_text()
    admin.click("#chase-send-form button[value=send]")
    admin.wait_for_selector("text=请先为这些单位重新开放本月")
    assert not Reminder.objects.filter(kind=Reminder.Kind.MANUAL).exists()

    # Reopening 铁岭 (from its grid) lets the chase through; the preview names who gets what.
    admin.goto(f"{live_server.url}/figures/{PLAN}/2022/11/{TIELING}/")
    admin.fill("input[name=until]", (DEMO_DATE + dt.timedelta(days=5)).isoformat())
    admin.locator("button", has_text="重新开放").click()
    admin.wait_for_selector("text=已重新开放铁岭市2022年11月")
    admin.goto(f"{live_server.url}/figures/completeness/?plan={PLAN}&year=2022&month=11")
    admin.click("#chase-form button")
    admin.wait_for_selector("#chase-recipients")
    recipients = admin.locator("#chase-recipients").inner_text()
    assert "铁岭市" in recipients and "没有填报员账号" in recipients  # nobody reports for 铁岭 in the demo
    _no_violations(admin)
    shot(admin, "open-month-chase-preview")
    admin.click("#chase-send-form button[value=send]")
    admin.wait_for_selector("#delivery-table")
    assert "铁岭市没有填报员账号，催报无人接收" in admin.locator("main").inner_text()
    reminder = Reminder.objects.get(kind=Reminder.Kind.MANUAL)
    assert list(reminder.regions.all()) == [Region.objects.get(code=TIELING)]
    _no_violations(admin)

    # The department reporter finds its own open month.
    department = _login(browser, live_server, "hubin_jianshe")
    assert "区建设局" in department.locator("#home-waiting-table").inner_text()

    for page in (reporter, admin, department):
        assert not [url for url in page.visited if "/admin/" in url]
        assert page.js_errors == []
        page.context.close()
