"""The leaders' page (领导驾驶舱): landing, figures equal to the engine's, a city leader's own city, query cost."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from plans.models import Profile
from reports import queries
from reports.circular_content import circular_content
from targets.engine import progress_report
from tests.conftest import DEMO_TODAY, SHENYANG, add_figures, make_small_plan, make_user

pytestmark = pytest.mark.django_db
PERIOD = {"year": 2022, "month": 10}


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(DEMO_TODAY, tick=False):
        yield


def test_leader_lands_on_the_leaders_page_after_login(client, cast):
    response = client.post(reverse("login"), {"username": "leader", "password": "Test-password-2024"})
    assert response.status_code == 302
    assert client.get(response["Location"])["Location"] == reverse("reports:leader")


def test_leaders_page_shows_the_engines_headline_and_red_list(client_for, cast, demo_plan):
    response = client_for(cast["leader"]).get(reverse("reports:leader"), {"plan": demo_plan.slug, **PERIOD})
    assert response.status_code == 200
    data = response.context["data"]
    report = progress_report(demo_plan, 2022, 10)
    counted = [
        report.totals[t.id].progress
        for t in report.targets
        if t.is_reported and report.totals[t.id].progress.status.value in ("done", "on_track", "lagging", "severe")
    ]
    assert data["counted"] == len(counted)
    assert data["at_schedule"] == sum(1 for p in counted if p.meets_schedule)
    assert f"{data['counted']}项指标中{data['at_schedule']}项达到序时进度" in response.content.decode()
    first = data["headline"][0]
    assert first.completion_rate == report.totals[first.target_id].progress.completion_rate
    severe = {
        (c.region_id, t.id)
        for t in report.targets
        for c in report.target_cells(t.id)
        if c.progress.status.value in ("severe", "milestone_overdue")
    }
    assert sum(line["count"] for line in data["red_all"]) == len(severe)
    assert len(data["red_list"]) <= 5 and data["red_list"] == data["red_all"][:5]
    if data["red_more"]:
        assert f"等{data['red_more']}个地区" in response.content.decode()
    for line in data["red_all"]:
        assert {r.status for r in line["severe"]} <= {"severe"}
        assert {r.status for r in line["overdue"]} <= {"milestone_overdue"}
    assert "推算方法" in response.content.decode()
    circular = circular_content(demo_plan, 2022, 10, demo_plan.region, today=DEMO_TODAY)
    assert f"{data['counted']}项指标中，达到序时进度{data['at_schedule']}项" in circular.overview_paragraphs[0]


def test_marked_headline_targets_come_first():
    plan, province, cities, (first, second) = make_small_plan(
        targets=[
            {"name": "甲", "value": Decimal(10), "unit": "人", "kind": "flow", "period": "year"},
            {"name": "乙", "value": Decimal(10), "unit": "人", "kind": "flow", "period": "year", "is_headline": True},
        ]
    )
    targets = progress_report(plan, 2024, 1).targets
    assert queries.headline_target_ids(plan, targets) == [second.id]
    second.is_headline = False
    second.save()
    assert queries.headline_target_ids(plan, targets) == [first.id, second.id]


def test_projection_shortfall_is_flagged_on_the_page(client_for, cast):
    plan, province, (a, _, _), (target,) = make_small_plan()
    add_figures(target, a, 2024, Decimal(50000), {m: Decimal(1000) for m in range(1, 7)})
    admin = make_user("test_province_admin", Profile.Role.ADMIN, province.code)  # 辽宁's admin sees no other province
    with time_machine.travel(dt.date(2024, 7, 15), tick=False):
        params = {"plan": plan.slug, "year": 2024, "month": 6}
        response = client_for(admin).get(reverse("reports:leader"), params)
    html = response.content.decode()
    assert "按当前进度预计无法完成" in html
    with time_machine.travel(dt.date(2024, 7, 15), tick=False):
        overview = client_for(admin).get(reverse("reports:overview"), params).content.decode()
    assert "按当前进度预计无法完成</span> 1项：急需紧缺工种培训（预计24.0%）" in overview
    assert "急需紧缺工种培训（预计24.0%）" in html


def test_city_leader_sees_their_city_only(client_for, seed, demo_plan):
    city_leader = make_user("city_leader", Profile.Role.LEADER, SHENYANG)
    response = client_for(city_leader).get(reverse("reports:leader"), {"plan": demo_plan.slug, **PERIOD})
    assert response.status_code == 200
    assert response.context["sel"].region.code == SHENYANG
    names = {row["region_name"] for row in response.context["data"]["red_list"]}
    assert all(n != "大连市" for n in names)
    denied = client_for(city_leader).get(
        reverse("reports:leader"), {"plan": demo_plan.slug, **PERIOD, "region": "210200"}
    )
    assert denied.status_code == 404


def test_leaders_page_query_count_is_constant(client_for, cast, demo_plan, django_assert_max_num_queries):
    client = client_for(cast["leader"])
    with django_assert_max_num_queries(30):
        client.get(reverse("reports:leader"), {"plan": demo_plan.slug, **PERIOD})
