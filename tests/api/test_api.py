"""The read API: who gets in, scoping like the screens, numbers straight from the progress engine, query cost."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from plans.models import ApiToken, Plan, Profile
from targets.engine import progress_report
from targets.models import Allocation, MonthlyFigure
from targets.queries import completeness
from tests.conftest import DALIAN, SHENYANG, add_figures, make_small_plan, make_user

pytestmark = pytest.mark.django_db

PROGRESS_QUERY_BOUND = 15
ALL_PATHS = [
    "/api/plans",
    "/api/plans/{slug}",
    "/api/plans/{slug}/targets",
    "/api/plans/{slug}/allocations",
    "/api/plans/{slug}/figures",
    "/api/plans/{slug}/progress",
    "/api/plans/{slug}/completeness",
    "/api/regions",
]


def bearer(user) -> dict:
    _, key = ApiToken.issue(user, "测试")
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def api_get(client):
    """GET an API path as `user` with a fresh bearer token (or anonymously)."""

    def get(path, user=None, **params):
        return client.get(f"/api{path}", params, headers=bearer(user) if user else {})

    return get


def cents(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def small_plan_with_figures(cities: int):
    plan, province, city_list, (target,) = make_small_plan(cities=cities)
    for i, city in enumerate(city_list):
        add_figures(target, city, 2024, Decimal(10000), {1: Decimal(1000 + i), 2: Decimal(900 + i)})
    return plan, city_list, target


# --- Auth ----------------------------------------------------------------------------------------------


def test_anonymous_request_is_401_with_chinese_detail(api_get):
    response = api_get("/plans")
    assert response.status_code == 401
    assert response.json() == {"detail": "未登录或令牌无效"}
    assert response["WWW-Authenticate"] == "Bearer"


def test_unknown_bearer_token_is_401(client):
    response = client.get("/api/plans", headers={"Authorization": "Bearer not-a-real-key"})
    assert response.status_code == 401


def test_bearer_token_reads_plans_and_records_its_use(cast, api_get):
    response = api_get("/plans", cast["admin"])
    assert response.status_code == 200
    assert "liaoning-2022" in [p["slug"] for p in response.json()]
    assert ApiToken.objects.get(user=cast["admin"]).last_used_at is not None


def test_token_use_is_recorded_at_most_once_a_minute(client):
    token, key = ApiToken.issue(make_user("u", Profile.Role.NATIONAL), "测试")
    headers = {"Authorization": f"Bearer {key}"}
    recent = timezone.now() - dt.timedelta(seconds=30)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=recent)
    client.get("/api/regions", headers=headers)
    assert ApiToken.objects.get(pk=token.pk).last_used_at == recent
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=recent - dt.timedelta(minutes=1))
    client.get("/api/regions", headers=headers)
    assert ApiToken.objects.get(pk=token.pk).last_used_at > recent


def test_token_of_an_inactive_user_is_rejected(client):
    user = make_user("gone", Profile.Role.NATIONAL)
    _, key = ApiToken.issue(user, "测试")
    user.is_active = False
    user.save()
    assert client.get("/api/plans", headers={"Authorization": f"Bearer {key}"}).status_code == 401


def test_logged_in_browser_session_is_accepted(cast, client_for):
    response = client_for(cast["dalian_viewer"]).get("/api/plans")
    assert response.status_code == 200


def test_outsider_without_role_sees_nothing(cast, api_get):
    assert api_get("/plans", cast["outsider"]).json() == []
    assert api_get("/regions", cast["outsider"]).json() == []
    assert api_get("/plans/liaoning-2022", cast["outsider"]).status_code == 404


# --- Scope ---------------------------------------------------------------------------------------------


def test_dalian_viewer_sees_only_plans_covering_dalian(cast, api_get):
    user = cast["dalian_viewer"]
    slugs = [p["slug"] for p in api_get("/plans", user).json()]
    assert "liaoning-2022" in slugs
    assert sorted(slugs) == sorted(Plan.objects.visible_to(user).values_list("slug", flat=True))
    assert len(slugs) < Plan.objects.count()


def test_plan_outside_scope_and_unknown_plan_are_404(cast, api_get):
    hidden = Plan.objects.exclude(pk__in=Plan.objects.visible_to(cast["dalian_viewer"])).first()
    response = api_get(f"/plans/{hidden.slug}/targets", cast["dalian_viewer"])
    assert (response.status_code, response.json()) == (404, {"detail": "未找到该方案"})
    assert api_get("/plans/no-such-plan", cast["admin"]).status_code == 404


@pytest.mark.parametrize("endpoint", ["figures", "progress"])
def test_dalian_viewer_gets_404_for_shenyang(demo_plan, cast, api_get, endpoint):
    params = {"year": 2022, "month": 10, "region": SHENYANG}
    response = api_get(f"/plans/{demo_plan.slug}/{endpoint}", cast["dalian_viewer"], **params)
    assert (response.status_code, response.json()) == (404, {"detail": "无权查看该地区"})


def test_shenyang_reporters_figures_are_only_shenyangs(demo_plan, cast, api_get):
    user = cast["shenyang_reporter"]
    body = api_get(f"/plans/{demo_plan.slug}/figures", user, year=2022, limit=1000).json()
    codes = {row["region"]["code"] for row in body["items"]}
    assert codes == {SHENYANG}
    visible = MonthlyFigure.objects.filter(allocation__in=Allocation.objects.visible_to(user).for_plan(demo_plan))
    assert body["count"] == visible.filter(allocation__year=2022).count() > 0


def test_shenyang_reporters_allocations_are_only_shenyangs(demo_plan, cast, api_get):
    rows = api_get(f"/plans/{demo_plan.slug}/allocations", cast["shenyang_reporter"], year=2022).json()
    assert rows
    assert {row["region"]["code"] for row in rows} == {SHENYANG}


def test_regions_are_the_users_subtree(cast, api_get):
    codes = [r["code"] for r in api_get("/regions", cast["dalian_viewer"]).json()]
    assert codes[0] == DALIAN
    assert all(code.startswith(DALIAN[:4]) for code in codes)


# --- Content -------------------------------------------------------------------------------------------


def test_plan_detail_has_key_tasks_with_measures_and_departments(seed, cast, api_get):
    body = api_get("/plans/liaoning-2022", cast["admin"]).json()
    assert body["region"]["code"] == "210000"
    assert [t["number"] for t in body["key_tasks"]] == sorted(t["number"] for t in body["key_tasks"])
    assert any(t["measures"] for t in body["key_tasks"])
    assert any(d["role_label"] == "牵头单位" for t in body["key_tasks"] for d in t["departments"])


def test_targets_carry_decimals_as_two_place_strings(seed, cast, api_get):
    rows = api_get("/plans/liaoning-2022/targets", cast["admin"]).json()
    values = [row["value"] for row in rows if row["value"] is not None]
    assert values
    assert all(isinstance(v, str) and v == f"{Decimal(v):.2f}" for v in values)


def test_progress_numbers_are_those_of_the_progress_engine(demo_plan, cast, api_get):
    body = api_get(f"/plans/{demo_plan.slug}/progress", cast["admin"], year=2022, month=10).json()
    report = progress_report(demo_plan, 2022, 10)
    assert [t["id"] for t in body["targets"]] == [t.id for t in report.targets]
    regions = {r.id: r for r in report.regions}
    for target in body["targets"][:5]:
        assert target["total"] == expected_cell(report.totals[target["id"]], report.region)
        cells = report.target_cells(target["id"])
        assert target["regions"] == [expected_cell(c, regions[c.region_id]) for c in cells]


def expected_cell(cell, region) -> dict:
    p = cell.progress
    numbers = ["target", "this_month", "cumulative", "completion_rate", "schedule_rate", "schedule_gap"]
    return {
        **{name: cents(getattr(p, name)) for name in numbers},
        "region": {"code": region.code, "name": region.name},
        "status": p.status.value,
        "status_label": p.status.label,
        "reported": p.reported,
        "rank": cell.rank,
        "rank_change": cell.rank_change,
        "note": cell.note,
    }


def test_progress_of_a_city_viewer_defaults_to_their_city(demo_plan, cast, api_get):
    body = api_get(f"/plans/{demo_plan.slug}/progress", cast["dalian_viewer"], year=2022, month=10).json()
    assert body["region"]["code"] == DALIAN


def test_progress_totals_are_ranked_cells_with_status_labels(demo_plan, cast, api_get):
    body = api_get(f"/plans/{demo_plan.slug}/progress", cast["admin"], year=2022, month=10).json()
    ranked = [c for t in body["targets"] for c in t["regions"] if c["rank"] is not None]
    assert ranked
    assert all(c["status_label"] for t in body["targets"] for c in t["regions"])


def test_completeness_counts_are_the_engines(demo_plan, cast, api_get):
    user = cast["dalian_viewer"]
    body = api_get(f"/plans/{demo_plan.slug}/completeness", user, year=2022, month=11).json()
    expected = completeness(demo_plan, 2022, 11, user)
    assert (body["expected"], body["submitted"], body["on_time"]) == (
        expected.expected,
        expected.submitted,
        expected.on_time,
    )
    assert [r["region"]["code"] for r in body["rows"]] == [r.region.code for r in expected.rows]


# --- Validation ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "hint"),
    [
        ({"year": 2022, "month": 13}, "月份"),
        ({"year": 2022, "month": "十"}, "月份"),
        ({"year": 99999, "month": 1}, "年份"),
        ({"month": 1}, "年份"),
    ],
)
def test_bad_year_or_month_is_422_in_chinese(seed, cast, api_get, params, hint):
    response = api_get("/plans/liaoning-2022/progress", cast["admin"], **params)
    assert response.status_code == 422
    assert hint in response.json()["detail"]


def test_year_outside_the_plan_is_422(seed, cast, api_get):
    response = api_get("/plans/liaoning-2022/progress", cast["admin"], year=2030, month=1)
    assert (response.status_code, response.json()) == (422, {"detail": "所选年份不在方案实施期内"})


# --- Pagination ----------------------------------------------------------------------------------------


def test_figures_are_paginated_in_a_stable_order(api_get):
    plan, cities, target = small_plan_with_figures(cities=4)
    admin = make_user("boss", Profile.Role.NATIONAL)
    first = api_get(f"/plans/{plan.slug}/figures", admin, limit=5).json()
    rest = api_get(f"/plans/{plan.slug}/figures", admin, limit=5, offset=5).json()
    assert first["count"] == rest["count"] == 8
    ids = [row["id"] for row in first["items"] + rest["items"]]
    assert len(ids) == len(set(ids)) == 8
    assert [row["month"] for row in first["items"]] == [1, 1, 1, 1, 2]


def test_figures_filter_by_month(api_get):
    plan, cities, target = small_plan_with_figures(cities=3)
    admin = make_user("boss", Profile.Role.NATIONAL)
    body = api_get(f"/plans/{plan.slug}/figures", admin, year=2024, month=2).json()
    assert [row["value"] for row in body["items"]] == ["900.00", "901.00", "902.00"]


@pytest.mark.parametrize("limit", [0, 1001])
def test_page_size_is_between_1_and_1000(api_get, limit):
    plan, cities, target = small_plan_with_figures(cities=1)
    response = api_get(f"/plans/{plan.slug}/figures", make_user("boss", Profile.Role.NATIONAL), limit=limit)
    assert response.status_code == 422
    assert "每页条数" in response.json()["detail"]


# --- Schema and docs -----------------------------------------------------------------------------------


def test_schema_and_docs_are_for_signed_in_users_and_token_holders(client, cast):
    assert client.get("/api/openapi.json").status_code == 401
    docs = client.get("/api/docs")
    assert docs.status_code == 302 and "/login/" in docs["Location"]
    _, key = ApiToken.issue(cast["dalian_viewer"], "bi")
    assert client.get("/api/openapi.json", headers={"Authorization": f"Bearer {key}"}).status_code == 200


def test_openapi_schema_is_served_with_every_path(client, cast):
    client.force_login(cast["dalian_viewer"])
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "技能提升行动目标管理平台 API"
    assert sorted(schema["paths"]) == sorted(ALL_PATHS)


def test_docs_page_is_served_from_local_static_files_or_not_at_all(client, settings, cast):
    client.force_login(cast["dalian_viewer"])
    settings.INSTALLED_APPS = [app for app in settings.INSTALLED_APPS if app != "ninja"]
    assert client.get("/api/docs").status_code == 404
    settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, "ninja"]
    page = client.get("/api/docs").content.decode()
    assert '<script src="/static/ninja/swagger-ui-bundle.js">' in page
    assert "cdn" not in page
    assert "<script>" not in page  # the CSP allows no inline script


# --- Query cost ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("cities", [2, 12])
def test_progress_query_count_does_not_grow_with_regions(client, django_assert_max_num_queries, cities):
    plan, city_list, target = small_plan_with_figures(cities=cities)
    headers = bearer(make_user("boss", Profile.Role.NATIONAL))
    with django_assert_max_num_queries(PROGRESS_QUERY_BOUND):
        response = client.get(f"/api/plans/{plan.slug}/progress", {"year": 2024, "month": 2}, headers=headers)
    assert len(response.json()["targets"][0]["regions"]) == cities


def test_progress_of_the_demo_plan_stays_within_the_bound(demo_plan, cast, client, django_assert_max_num_queries):
    headers = bearer(cast["admin"])
    with django_assert_max_num_queries(PROGRESS_QUERY_BOUND):
        response = client.get(f"/api/plans/{demo_plan.slug}/progress", {"year": 2022, "month": 10}, headers=headers)
    assert response.status_code == 200


# --- create_api_token ----------------------------------------------------------------------------------


def test_create_api_token_prints_a_working_key_once(capsys):
    user = make_user("robot", Profile.Role.VIEWER)
    call_command("create_api_token", "robot", "--name", "数据大屏")
    key = capsys.readouterr().out.strip()
    token = ApiToken.objects.get(user=user)
    assert (token.name, token.key_hash) == ("数据大屏", ApiToken.hash_key(key))


def test_create_api_token_for_an_unknown_user_fails():
    with pytest.raises(CommandError, match="不存在"):
        call_command("create_api_token", "nobody", "--name", "x")


def test_figures_say_whether_they_are_demo(demo_plan, cast, api_get):
    body = api_get(f"/plans/{demo_plan.slug}/figures", cast["shenyang_reporter"], year=2022, limit=50).json()
    assert body["items"] and all(figure["is_demo"] is True for figure in body["items"])
