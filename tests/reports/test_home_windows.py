"""Home pages list what is open now, from reporting windows and submissions, within the user's subtree."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from plans.models import Profile, Region
from targets.models import Reminder, Submission
from targets.services import submission_reopen, submission_submit
from tests.conftest import add_figures, make_region, make_small_plan, make_user

YEAR = 2024


def _at(day: dt.date):
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, 10, tzinfo=dt.UTC), tick=False)


def _home(client_for, user) -> str:
    response = client_for(user).get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def _section(html: str, marker: str, end: str = "</table>") -> str:
    return html.split(marker)[1].split(end)[0]


@pytest.fixture
def small(db):
    plan, province, cities, (target,) = make_small_plan(year=YEAR, counties_per_city=2)
    for city in cities:
        add_figures(target, city, YEAR, Decimal(12000), {m: Decimal(1000) for m in range(1, 3)})
    return {"plan": plan, "province": province, "cities": cities, "target": target}


def test_a_reopened_late_month_is_on_the_reporters_home_with_the_reopened_deadline(small, client_for):
    plan, city = small["plan"], small["cities"][0]
    reporter = make_user("r1", Profile.Role.REPORTER, city.code)
    admin = make_user("a0", Profile.Role.ADMIN, small["province"].code)
    with _at(dt.date(YEAR, 5, 20)):  # February's window closed on 10 March
        submission_reopen(plan=plan, region=city, year=YEAR, month=2, until=dt.date(YEAR, 5, 25), user=admin)
        html = _home(client_for, reporter)
    waiting = _section(html, 'id="home-waiting-table"')
    assert "2024年2月" in waiting and "2024年5月25日" in waiting and "重新开放" in waiting and "还剩5天" in waiting
    assert reverse("targets:grid", args=[plan.slug, YEAR, 2, city.code]) in waiting and "去填报" in waiting


def test_a_locked_month_never_gets_a_fill_in_button(small, client_for):
    city = small["cities"][0]
    reporter = make_user("r1", Profile.Role.REPORTER, city.code)
    with _at(dt.date(YEAR, 5, 5)):
        assert "2024年4月" in _section(_home(client_for, reporter), 'id="home-waiting-table"')
    with _at(dt.date(YEAR, 5, 20)):  # April's window closed on 10 May: locked, not offered
        waiting = _section(_home(client_for, reporter), 'id="home-waiting-table"')
    assert "2024年4月" not in waiting and "去填报" not in waiting


def test_a_reporter_whose_region_holds_no_share_is_sent_to_the_regions_below_that_do(small, client_for):
    plan, province, city = small["plan"], small["province"], small["cities"][0]
    counties = list(Region.objects.filter(parent=city).order_by("code"))
    from targets.models import Allocation

    Allocation.objects.filter(target=small["target"]).delete()  # a county-split plan: counties hold the shares
    for county in counties:
        add_figures(small["target"], county, YEAR, Decimal(100), {})
    city_reporter = make_user("r1", Profile.Role.REPORTER, city.code)
    province_reporter = make_user("rp", Profile.Role.REPORTER, province.code)
    with _at(dt.date(YEAR, 5, 5)):
        city_html = _home(client_for, city_reporter)
        province_html = _home(client_for, province_reporter)
    waiting = _section(city_html, 'id="home-waiting-table"')
    for county in counties:
        assert reverse("targets:grid", args=[plan.slug, YEAR, 4, county.code]) in waiting
    assert reverse("targets:grid", args=[plan.slug, YEAR, 4, city.code]) not in waiting
    # the province holds nothing itself: every county of the province is its to-do, never its own empty grid
    assert reverse("targets:grid", args=[plan.slug, YEAR, 4, province.code]) not in province_html


def test_a_city_admin_reviews_only_its_own_city(small, client_for):
    plan, province, cities = small["plan"], small["province"], small["cities"]
    city_admin = make_user("ca", Profile.Role.ADMIN, cities[0].code)
    province_admin = make_user("pa", Profile.Role.ADMIN, province.code)
    reporter = make_user("r2", Profile.Role.REPORTER, cities[1].code)
    with _at(dt.date(YEAR, 5, 5)):
        sub = submission_submit(plan=plan, region=cities[1], year=YEAR, month=4, user=reporter)
        city_html = _home(client_for, city_admin)
        province_html = _home(client_for, province_admin)
    assert reverse("targets:review", args=[sub.pk]) in _section(province_html, 'id="home-review-table"')
    assert reverse("targets:review", args=[sub.pk]) not in _section(city_html, 'id="home-review-table"')
    assert cities[1].name not in _section(city_html, 'id="home-review-table"')


def test_another_provinces_admin_never_sees_this_provinces_chases(small, client_for):
    plan, province = small["plan"], small["province"]
    other = make_region("980000", "另一省", "province")
    other_admin = make_user("oa", Profile.Role.ADMIN, other.code)
    own_admin = make_user("pa", Profile.Role.ADMIN, province.code)
    reminder = Reminder.objects.create(plan=plan, year=YEAR, month=4, kind="manual", channels="site", message="催报")
    reminder.regions.set(small["cities"])
    with _at(dt.date(YEAR, 5, 5)):
        other_html = _home(client_for, other_admin)
        own_html = _home(client_for, own_admin)
    assert "测试行动 2024年4月 · 一键催报" in own_html
    assert "测试行动 2024年4月" not in other_html


def test_the_admins_review_list_counts_a_month_submitted_after_its_window(small, client_for):
    plan, province, city = small["plan"], small["province"], small["cities"][0]
    admin = make_user("pa", Profile.Role.ADMIN, province.code)
    reporter = make_user("r1", Profile.Role.REPORTER, city.code)
    with _at(dt.date(YEAR, 5, 20)):
        submission_reopen(plan=plan, region=city, year=YEAR, month=2, until=dt.date(YEAR, 5, 25), user=admin)
        sub = submission_submit(plan=plan, region=city, year=YEAR, month=2, user=reporter)
        html = _home(client_for, admin)
    assert "待审核（1）" in html and reverse("targets:review", args=[sub.pk]) in html
    assert Submission.objects.get(pk=sub.pk).status == Submission.Status.SUBMITTED


def test_a_viewer_is_judged_at_the_latest_month_with_figures(small, client_for):
    viewer = make_user("v1", Profile.Role.VIEWER, small["cities"][1].code)
    with _at(dt.date(YEAR + 1, 6, 1)):  # long after the plan: its last month (12月) has no figures
        html = _home(client_for, viewer)
    assert "2024年1—2月" in html and "1—12月" not in html


def test_a_reporter_finds_the_notices_to_sign_or_answer_on_the_home_page(small, client_for):
    from reports.models import Notice

    plan, city, target = small["plan"], small["cities"][0], small["target"]
    reporter = make_user("r1", Profile.Role.REPORTER, city.code)
    other = make_user("r2", Profile.Role.REPORTER, small["cities"][1].code)
    Notice.objects.create(
        plan=plan,
        region=city,
        target=target,
        year=YEAR,
        month=3,
        colour="red",
        number="督办〔2024〕1号",
        reason="严重滞后",
        answer_due=dt.date(YEAR, 5, 15),
    )
    with _at(dt.date(YEAR, 5, 5)):
        mine, theirs = _home(client_for, reporter), _home(client_for, other)
    assert "督办〔2024〕1号" in mine.split('id="home-notices-list"')[1] and "待签收" in mine
    assert "督办〔2024〕1号" not in theirs


def test_a_national_admin_gets_the_admin_home(small, client_for):
    national = make_user("n1", Profile.Role.NATIONAL)
    with _at(dt.date(YEAR, 5, 5)):
        html = _home(client_for, national)
    assert 'id="home-review-table"' in html and "尚未分配角色" not in html


def test_fill_in_from_a_region_that_holds_nothing_leads_home_not_to_an_empty_grid(small, client_for):
    plan, province = small["plan"], small["province"]
    reporter = make_user("rp", Profile.Role.REPORTER, province.code)
    with _at(dt.date(YEAR, 5, 5)):
        response = client_for(reporter).get(reverse("targets:entry") + f"?plan={plan.slug}&year={YEAR}&month=4")
    assert response.status_code == 302 and response.url == reverse("home")


def test_answered_notices_wait_on_the_issuers_home_not_on_the_citys(small, client_for):
    from reports.models import Notice

    plan, province, city = small["plan"], small["province"], small["cities"][0]
    Notice.objects.create(
        plan=plan,
        region=city,
        target=small["target"],
        year=YEAR,
        month=3,
        colour="yellow",
        number="督办〔2024〕2号",
        reason="滞后",
        answer_due=dt.date(YEAR, 5, 15),
        status=Notice.Status.ANSWERED,
    )
    province_admin = make_user("pa", Profile.Role.ADMIN, province.code)
    city_admin = make_user("ca", Profile.Role.ADMIN, city.code)
    with _at(dt.date(YEAR, 5, 5)):
        assert "督办〔2024〕2号" in _home(client_for, province_admin)
        assert "督办〔2024〕2号" not in _home(client_for, city_admin)
