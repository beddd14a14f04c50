"""The dashboard cache: reused while nothing changed, fresh on the next request after a save, skipped when down."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plans.models import Region
from targets.models import Allocation, MonthlyFigure
from targets.services import FigureEntry, figures_save
from tests.conftest import DEMO_TODAY, SHENYANG

pytestmark = pytest.mark.django_db


def _overview(client, plan):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("reports:overview"), {"plan": plan.slug, "year": 2022, "month": 11})
    assert response.status_code == 200
    return response, len(captured)


def _total(response, target_id):
    return next(t for t in response.context["data"]["targets"] if t.target_id == target_id).cumulative


def test_a_saved_figure_shows_on_the_next_request(demo_plan, cast, client):
    client.force_login(cast["leader"])
    allocation = Allocation.objects.filter(
        target__key_task__plan=demo_plan, region__code=SHENYANG, year=2022, target__kind="flow"
    ).first()
    first, cold = _overview(client, demo_plan)
    again, warm = _overview(client, demo_plan)
    assert warm < cold  # the second request reused the cached page body
    before = _total(again, allocation.target_id)

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
    after, _ = _overview(client, demo_plan)
    assert _total(after, allocation.target_id) == before + 1000


def test_scopes_never_share_a_cached_page(demo_plan, cast, client):
    client.force_login(cast["leader"])
    province, _ = _overview(client, demo_plan)
    client.force_login(cast["dalian_viewer"])
    dalian, _ = _overview(client, demo_plan)
    assert province.context["sel"].region.code == "210000"
    assert dalian.context["sel"].region.code == "210200"
    province_regions = {r["name"] for r in province.context["data"]["regions"]}
    dalian_regions = {r["name"] for r in dalian.context["data"]["regions"]}
    assert "沈阳市" in province_regions and "沈阳市" not in dalian_regions
    assert '<th class="num">沈阳市</th>' not in dalian.content.decode()


def test_pages_load_when_the_cache_is_down(demo_plan, cast, client, settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:9/0"}
    }
    client.force_login(cast["leader"])
    response, _ = _overview(client, demo_plan)
    assert "各项指标完成率与序时进度" in response.content.decode()


def test_a_submission_moves_the_reporting_rate_on_the_next_request(demo_plan, cast, client):
    from targets.services import submission_submit

    client.force_login(cast["leader"])
    before, _ = _overview(client, demo_plan)
    submitted = before.context["data"]["completeness"].submitted
    submission_submit(
        plan=demo_plan, region=Region.objects.get(code=SHENYANG), year=2022, month=11, user=cast["province_reporter"]
    )
    after, _ = _overview(client, demo_plan)
    assert after.context["data"]["completeness"].submitted == submitted + 1


def test_a_save_in_one_city_leaves_another_citys_cached_page_alone(demo_plan, cast, client):
    client.force_login(cast["dalian_viewer"])
    _, cold = _overview(client, demo_plan)
    allocation = Allocation.objects.filter(
        target__key_task__plan=demo_plan, region__code=SHENYANG, year=2022, target__kind="flow"
    ).first()
    figures_save(
        plan=demo_plan,
        region=Region.objects.get(code=SHENYANG),
        year=2022,
        month=11,
        entries=[FigureEntry(allocation_id=allocation.id, value=Decimal(7), remark="补报")],
        user=cast["province_reporter"],
        expected_version=None,
        today=DEMO_TODAY,
    )
    _, warm = _overview(client, demo_plan)
    assert warm < cold  # 大连's page was reused: nothing under 大连 changed
