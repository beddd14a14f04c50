"""A newcomer logs in and reads a plan page as published."""

import pytest

from tests.browser.conftest import login, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_leader_logs_in_and_reads_the_liaoning_plan(page, live_server, cast):
    login(page, live_server, "leader")
    page.goto(f"{live_server.url}/plans/")
    page.click("text=“技能辽宁行动”实施方案")
    page.wait_for_selector("#task-12")
    assert page.locator("section.card").count() == 12
    assert "辽人社发〔2022〕7号" in page.content()
    assert page.locator("text=每季度发布急需紧缺技术工种50个").count() >= 1
    shot(page, "plan-liaoning")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "plan-liaoning-phone")
    assert not page.js_errors
