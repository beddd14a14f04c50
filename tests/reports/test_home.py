"""The home page per role, the read-only submitted grid, the own plan by default, the 403 page, the audit log."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from plans.models import Profile
from reports.home import headline
from targets.engine import progress_report
from targets.models import AuditEntry, Submission
from targets.services import FigureEntry, figures_save, submission_return, submission_submit
from tests.conftest import add_figures, make_small_plan, make_user

YEAR = 2024
TODAY = dt.date(YEAR, 4, 7)  # March is being reported, due on 10 April


@pytest.fixture
def month(db):
    plan, province, cities, (target,) = make_small_plan(year=YEAR)
    months = {1: Decimal(1000), 2: Decimal(1000), 3: Decimal(1000)}
    allocations = [
        add_figures(target, cities[0], YEAR, Decimal(12000), months),  # 3000 of 12000 at 1—3月: on schedule
        add_figures(target, cities[1], YEAR, Decimal(12000), {m: Decimal(100) for m in months}),  # far behind
        add_figures(target, cities[2], YEAR, Decimal(12000), {}),
    ]
    users = {
        "reporter": make_user("r1", Profile.Role.REPORTER, cities[0].code),
        "viewer": make_user("v2", Profile.Role.VIEWER, cities[1].code),
        "admin": make_user("a0", Profile.Role.ADMIN, province.code),
        "leader": make_user("l0", Profile.Role.LEADER, province.code),
    }
    return {"plan": plan, "cities": cities, "target": target, "allocations": allocations, **users}


@pytest.fixture
def on_day():
    with time_machine.travel(dt.datetime(YEAR, 4, 7, 10, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False):
        yield


def _page(client_for, user, url=None):
    response = client_for(user).get(url or reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def test_reporter_home_shows_the_waiting_month_with_its_countdown_and_returned_reasons(month, client_for, on_day):
    plan, city, reporter = month["plan"], month["cities"][0], month["reporter"]
    html = _page(client_for, reporter)
    assert "测试行动" in html and "2024年3月" in html and "还剩3天" in html and "去填报" in html
    sub = submission_submit(plan=plan, region=city, year=YEAR, month=3, user=reporter, today=TODAY)
    submission_return(submission_id=sub.pk, user=month["admin"], reason="请核对3月培训人次")
    html = _page(client_for, reporter)
    assert "退回原因：请核对3月培训人次" in html
    assert "数据被退回" in html  # the notification, on the home page too


def test_reporter_home_lists_what_was_last_saved(month, client_for, on_day):
    plan, city, reporter, allocation = month["plan"], month["cities"][0], month["reporter"], month["allocations"][0]
    entry = FigureEntry(
        allocation_id=allocation.id, value=Decimal(1100), remark="", original_value=Decimal(1000), original_remark=""
    )
    figures_save(
        plan=plan, region=city, year=YEAR, month=3, entries=[entry], user=reporter, expected_version=None, today=TODAY
    )
    html = _page(client_for, reporter)
    assert "急需紧缺工种培训：1000 → 1100" in html


def test_viewer_home_headline_is_read_from_the_engine(month, client_for, on_day):
    viewer_city = month["cities"][1]
    html = _page(client_for, month["viewer"])
    report = progress_report(month["plan"], YEAR, 3)
    data = headline(report, viewer_city)
    cell = report.cell(month["target"].id, viewer_city.id)
    assert (data["at_schedule"], data["with_task"]) == (0, 1)
    assert data["rank"] == 2 and data["peers"] == 3  # 测试1市 meets schedule; 测试3市 has not reported
    assert data["worst"][0]["progress"] is cell.progress
    assert "0/1" in html and '排第<strong id="headline-rank">2</strong>位' in html and "查看本地区完整情况" in html


def test_admin_home_shows_completeness_review_late_and_reminders_and_returns_from_the_list(month, client_for, on_day):
    plan, cities, admin = month["plan"], month["cities"], month["admin"]
    sub = submission_submit(plan=plan, region=cities[0], year=YEAR, month=3, user=month["reporter"], today=TODAY)
    html = _page(client_for, admin)
    table = html.split('id="home-completeness-table"')[1].split("</table>")[0]
    assert "2024年3月" in table and "测试行动 · 2024年3月 · 测试2市" not in html  # not late before the deadline
    review = html.split('id="home-review-table"')[1].split("</table>")[0]
    assert reverse("targets:review", args=[sub.pk]) in review and "测试1市" in review
    client = client_for(admin)
    response = client.post(
        reverse("targets:submission_review", args=[sub.pk, "return"]), {"reason": "缺备注", "next": reverse("home")}
    )
    assert response.status_code == 302 and response.url == reverse("home")
    sub.refresh_from_db()
    assert sub.status == Submission.Status.RETURNED and sub.return_reason == "缺备注"


def test_admin_home_lists_late_regions_after_the_deadline(month, client_for):
    with time_machine.travel(dt.datetime(YEAR, 4, 12, 10, tzinfo=dt.UTC), tick=False):
        html = _page(client_for, month["admin"])
    late = html.split('id="home-late-list"')[1].split("</ul>")[0]
    assert all(f"测试行动 · 2024年3月 · {c.name} · 未报" in late for c in month["cities"])


def test_leader_lands_on_the_leaders_page(month, client_for):
    response = client_for(month["leader"]).get(reverse("home"))
    assert response.status_code == 302 and response.url == reverse("reports:leader")


def test_user_without_a_role_is_told_what_to_do(cast, client_for):
    html = _page(client_for, cast["outsider"])
    assert "请联系省级管理员" in html


def test_home_query_count_is_bounded(month, client_for, on_day, django_assert_max_num_queries):
    client = client_for(month["admin"])
    with django_assert_max_num_queries(40):
        client.get(reverse("home"))
    client = client_for(month["reporter"])
    with django_assert_max_num_queries(25):
        client.get(reverse("home"))


def test_a_submitted_grid_is_read_only_for_the_reporter_with_the_reason(month, client_for, on_day):
    plan, city, reporter = month["plan"], month["cities"][0], month["reporter"]
    url = reverse("targets:grid", args=[plan.slug, YEAR, 3, city.code])
    assert "disabled" not in _page(client_for, reporter, url).split('id="grid-form"')[1].split("</form>")[0]
    submission_submit(plan=plan, region=city, year=YEAR, month=3, user=reporter, today=TODAY)
    form = _page(client_for, reporter, url).split('id="grid-form"')[1].split("</form>")[0]
    assert "等待省级管理员审核" in _page(client_for, reporter, url)
    assert 'name="value_' in form and form.count("disabled") >= 4  # value, remark and both buttons
    review = client_for(month["admin"]).get(url)  # the reviewer lands on the review page ...
    assert review.status_code == 302 and "/review/" in review.url
    admin_form = _page(client_for, month["admin"], url + "?edit=1").split('id="grid-form"')[1].split("</form>")[0]
    assert "disabled" not in admin_form  # ... and may still open the grid to correct it


def test_default_plan_is_the_users_own(seed, cast, client_for):
    html = _page(client_for, cast["admin"], reverse("targets:completeness"))
    liaoning = seed["liaoning-2022"]
    assert f'<h1 class="h4">{liaoning.display_short_title}' in html


def test_forbidden_page_is_chinese_and_says_what_to_do(cast, client_for):
    response = client_for(cast["shenyang_reporter"]).get(reverse("targets:audit_log"))
    html = response.content.decode()
    assert response.status_code == 403
    assert "您没有权限进行此操作" in html and "只有省级管理员可以查看修改记录" in html and "请联系省级管理员" in html


def test_audit_log_shows_field_names_in_chinese(month, client_for, on_day):
    plan, city, reporter, allocation = month["plan"], month["cities"][0], month["reporter"], month["allocations"][0]
    entry = FigureEntry(
        allocation_id=allocation.id,
        value=Decimal(1100),
        remark="核对",
        original_value=Decimal(1000),
        original_remark="",
    )
    figures_save(
        plan=plan, region=city, year=YEAR, month=3, entries=[entry], user=reporter, expected_version=None, today=TODAY
    )
    labels = {e.field: e.field_label for e in AuditEntry.objects.filter(plan=plan)}
    assert labels == {"value": "本月数", "remark": "备注"}
    html = _page(client_for, month["admin"], reverse("targets:audit_log"))
    assert "<td>本月数</td>" in html and "<td>value</td>" not in html


def test_overview_cards_add_up_to_the_number_of_targets(demo_plan, cast):
    from reports.queries import overview

    for month_ in (3, 11):
        data = overview(demo_plan, 2022, month_, demo_plan.region, user=cast["admin"])
        total, *parts = data["headline"]
        assert total["label"] == "指标总数" and sum(c["value"] for c in parts) == total["value"]
