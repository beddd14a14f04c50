"""A reporting month walked in a real browser: reminders → home page → cumulative entry → submit → return →
notified → resubmit → approve → completeness 100%."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail

from plans.models import Plan, Profile
from targets.models import Delivery, MonthlyFigure, Submission
from targets.notify import reminders_due
from tests.browser.conftest import login, new_page, shot
from tests.conftest import add_figures, make_small_plan, make_user
from tests.targets.test_notifications import Receiver

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

YEAR = 2024


@pytest.fixture
def receiver(settings):
    settings.ROBOT_TEST_HOSTS = ["127.0.0.1"]  # the test-only way to reach a loopback robot over http
    r = Receiver()
    yield r
    r.server.shutdown()
    r.server.server_close()


@pytest.fixture
def month(seed, receiver):
    plan, province, (city,), (target,) = make_small_plan(cities=1, year=YEAR)
    plan.entry_basis = Plan.EntryBasis.CUMULATIVE
    plan.save(update_fields=["entry_basis"])
    allocation = add_figures(target, city, YEAR, Decimal(12000), {1: Decimal(100), 2: Decimal(120)})
    city.webhook_url = receiver.url
    city.save(update_fields=["webhook_url"])
    reporter = make_user("city_reporter", Profile.Role.REPORTER, city.code)
    reporter.email = "city@example.gov.cn"
    reporter.save(update_fields=["email"])
    admin = make_user("test_admin", Profile.Role.ADMIN, province.code)
    return {"plan": plan, "city": city, "allocation": allocation, "reporter": reporter, "admin": admin}


def test_a_reporting_month_from_reminder_to_full_completeness(browser, live_server, month, receiver):
    import time_machine

    plan, city, allocation = month["plan"], month["city"], month["allocation"]
    with time_machine.travel("2024-04-07 09:00 +0800", tick=True):
        # The deadline (10 April) is three days away: beat's daily task reminds on every channel.
        mail.outbox.clear()
        (reminder,) = [r for r in reminders_due(dt.date(YEAR, 4, 7)) if r.plan_id == plan.id]
        assert [m.to for m in mail.outbox] == [["city@example.gov.cn"]]
        assert receiver.received[0]["text"]["content"].startswith(f"【{city.name}】催报")
        assert Delivery.objects.filter(reminder=reminder, status="delivered").count() == 2

        reporter = new_page(browser)
        login(reporter, live_server, "city_reporter")
        assert reporter.locator("#unread-count").inner_text() == "1"
        assert "还剩3天" in reporter.locator("#home-waiting-table").inner_text()
        assert "催报" in reporter.locator("#home-notifications").inner_text()
        reporter.click("#home-waiting-table >> text=去填报")
        reporter.wait_for_selector("#grid-form")
        assert "1—3月累计" in reporter.locator("#grid-form thead").inner_text()
        reporter.fill(f"input[name=value_{allocation.id}]", "330")
        reporter.click("button[value=submit]")
        reporter.wait_for_selector("text=已报送")
        assert MonthlyFigure.objects.get(allocation=allocation, month=3).value == Decimal(110)  # 330 - (100 + 120)
        assert reporter.locator("button[value=submit]").first.is_disabled()  # submitted: read-only until returned
        shot(reporter, "month-submitted")

        admin = new_page(browser)
        login(admin, live_server, "test_admin")
        admin.locator("#home-review-table tr", has_text=city.name).locator("text=审核").click()
        admin.wait_for_selector("#review-rows")
        admin.fill("#return-reason", "3月培训人次与台账不符，请核对")
        admin.click("#return-form button")
        admin.wait_for_selector(f"text=已退回{city.name}3月数据")

        reporter.goto(f"{live_server.url}/")
        assert "3月培训人次与台账不符" in reporter.locator("#home-returned-list").inner_text()
        assert "数据被退回" in reporter.locator("#home-notifications").inner_text()
        assert any("台账不符" in m.body for m in mail.outbox)
        reporter.click("#home-returned-list a")
        reporter.wait_for_selector("#grid-form")
        reporter.fill(f"input[name=value_{allocation.id}]", "340")
        reporter.fill(f"input[name=remark_{allocation.id}]", "已按台账核对")
        reporter.click("button[value=submit]")
        reporter.wait_for_selector("text=已报送")
        assert MonthlyFigure.objects.get(allocation=allocation, month=3).value == Decimal(120)

        admin.goto(f"{live_server.url}/")
        admin.locator("#home-review-table tr", has_text=city.name).locator("text=审核").click()
        admin.click("#approve-form button")
        admin.wait_for_selector(f"text=已审核通过{city.name}3月数据")
        assert Submission.objects.get(plan=plan, region=city, year=YEAR, month=3).status == "approved"

        admin.goto(f"{live_server.url}/figures/completeness/?plan={plan.slug}&year={YEAR}&month=3")
        assert admin.locator("#expected").inner_text() == "1" and admin.locator("#submitted").inner_text() == "1"
        assert "100" in admin.locator(".card", has_text="报送率").inner_text()
        shot(admin, "month-complete")
        reporter.goto(f"{live_server.url}/figures/notifications/")
        assert "数据已审核通过" in reporter.locator("#notification-list").inner_text()
