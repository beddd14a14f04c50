"""系统管理 · plan settings, 通报版式 and reopening a month: scoped, audited, bad input refused in Chinese."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse

from plans.models import AdminAction, Department, Plan, Profile, Region
from reports.models import CircularStyle
from targets.models import Allocation, AuditEntry, Submission, Target
from tests.conftest import DEMO_TODAY, LIAONING, SHENYANG, make_user

pytestmark = pytest.mark.django_db
SLUG = "liaoning-2022"


def _settings_body(plan, **overrides):
    return {"entry_basis": "cumulative", "reporting_deadline_day": "12", "lag_threshold_points": "8"} | overrides


def test_admin_switches_a_plan_to_cumulative_entry_and_marks_headline_targets(cast, client_for, demo_plan):
    target = Target.objects.filter(key_task__plan=demo_plan).order_by("pk").first()
    body = _settings_body(demo_plan, headline=[str(target.pk)])
    response = client_for(cast["admin"]).post(reverse("manage:plan_settings", args=[SLUG]), body)
    assert response.status_code == 302
    plan = Plan.objects.get(slug=SLUG)
    assert (plan.entry_basis, plan.reporting_deadline_day, plan.lag_threshold_points) == ("cumulative", 12, 8)
    assert list(Target.objects.filter(key_task__plan=plan, is_headline=True)) == [target]
    action = AdminAction.objects.get(action="方案设置")
    assert "填报口径: 本月数 → 1—N月累计" in action.detail and "重点指标 +" in action.detail


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"reporting_deadline_day": "0"}, "填报截止日须在1—28日之间"),
        ({"reporting_deadline_day": "31"}, "填报截止日须在1—28日之间"),
        ({"reporting_deadline_day": "x"}, "填报截止日须为1—28之间的整数"),
        ({"lag_threshold_points": "-1"}, "滞后阈值须在0—100个百分点之间"),
        ({"entry_basis": "weekly"}, "选择一个有效的选项"),
        ({"headline": ["999999"]}, "所选指标不属于本方案"),
    ],
)
def test_bad_plan_settings_are_refused_with_nothing_written(overrides, message, cast, client_for, demo_plan):
    response = client_for(cast["admin"]).post(
        reverse("manage:plan_settings", args=[SLUG]), _settings_body(demo_plan, **overrides)
    )
    assert response.status_code == 200 and message in response.content.decode()
    plan = Plan.objects.get(slug=SLUG)
    assert (plan.entry_basis, plan.reporting_deadline_day) == ("month", 10)
    assert not AdminAction.objects.exists()


def test_a_city_admin_cannot_change_the_provinces_plan(seed, client_for):
    city_admin = make_user("city_admin", Profile.Role.ADMIN, SHENYANG)
    client = client_for(city_admin)
    assert client.get(reverse("manage:plan_settings", args=[SLUG])).status_code == 403
    assert client.post(reverse("manage:circular_style", args=[SLUG]), {"masthead": "x"}).status_code == 403
    assert Plan.objects.get(slug=SLUG).entry_basis == "month"


STYLE = {
    "masthead": "辽宁省人力资源和社会保障厅",
    "number_prefix": "辽人社函",
    "recipients": "各市人力资源社会保障局",
    "copy_to": "省财政厅",
    "printed_by": "辽宁省人力资源和社会保障厅办公室",
    "signature": "",
    "notice_prefix": "",
    "notice_blue_days": "15",
    "notice_answer_days": "7",
    "headline_tables_only": "on",
}


def test_admin_sets_the_circular_style_and_it_is_audited(cast, client_for, seed):
    response = client_for(cast["admin"]).post(reverse("manage:circular_style", args=[SLUG]), STYLE)
    assert response.status_code == 302
    style = CircularStyle.objects.get(plan__slug=SLUG)
    assert (style.masthead, style.number_prefix, style.recipients) == (
        "辽宁省人力资源和社会保障厅",
        "辽人社函",
        "各市人力资源社会保障局",
    )
    assert not style.is_demo
    assert "主送机关" in AdminAction.objects.get(action="通报版式").detail


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"recipients": ""}, "请填写主送机关"),
        ({"recipients": "   "}, "请填写主送机关"),
        ({"masthead": ""}, "请填写发文机关（版头）"),
        ({"number_prefix": "辽人社函〔2022〕"}, "文号前缀只填机关代字"),
        ({"notice_answer_days": "0"}, "天数须在1—90之间"),
    ],
)
def test_a_bad_circular_style_is_refused_with_nothing_written(overrides, message, cast, client_for, seed):
    response = client_for(cast["admin"]).post(reverse("manage:circular_style", args=[SLUG]), STYLE | overrides)
    assert response.status_code == 200 and message in response.content.decode()
    assert not CircularStyle.objects.filter(plan__slug=SLUG).exists()
    assert not AdminAction.objects.exists()


def test_the_demo_ships_a_red_masthead_style_for_every_seed_plan_and_keeps_an_admins_own(seed):
    CircularStyle.objects.create(plan=Plan.objects.get(slug="jilin-2022"), masthead="自设", recipients="自设主送")
    call_command("load_demo_styles")
    styles = {s.plan.slug: s for s in CircularStyle.objects.select_related("plan")}
    assert set(styles) >= {"liaoning-2022", "suqian-2022", "hubin-2019", "jilin-2022"}
    assert styles["liaoning-2022"].is_demo and styles["liaoning-2022"].number_prefix == "辽人社函"
    assert styles["liaoning-2022"].recipients != ""
    assert styles["jilin-2022"].masthead == "自设" and not styles["jilin-2022"].is_demo


def _reopen_body(who, **overrides):
    return {"holder": who, "year": "2026", "month": "10", "until": "2026-11-30", "reason": "补报漏填数据"} | overrides


@pytest.fixture
def today(time_machine):
    time_machine.move_to(DEMO_TODAY)


def _plan_2026(seed):
    plan = Plan.objects.get(slug=SLUG)
    plan.end_date = dt.date(2026, 12, 31)  # the seed plan ends in 2022: stretch it to the frozen today
    plan.save()
    return plan


def test_admin_reopens_a_regions_approved_month_with_a_date_and_reason(cast, client_for, seed, today):
    plan = _plan_2026(seed)
    shenyang = Region.objects.get(code=SHENYANG)
    Submission.objects.create(plan=plan, region=shenyang, year=2026, month=10, status="approved")
    response = client_for(cast["admin"]).post(reverse("manage:reopen", args=[SLUG]), _reopen_body(f"r{SHENYANG}"))
    assert response.status_code == 302
    submission = Submission.objects.get(plan=plan, region=shenyang, year=2026, month=10)
    assert submission.status == "returned" and submission.reopened_until == dt.date(2026, 11, 30)
    assert submission.return_reason == "补报漏填数据"
    assert "补报漏填数据" in AuditEntry.objects.get(subject="submission", region=shenyang).remark
    assert "原因：补报漏填数据" in AdminAction.objects.get(action="重新开放").detail


def test_admin_reopens_a_departments_month(cast, client_for, seed, today):
    plan = _plan_2026(seed)
    department = Department.objects.create(name="测试部门乙", region=Region.objects.get(code=LIAONING))
    target = Target.objects.filter(key_task__plan=plan).first()
    Allocation.objects.create(target=target, year=2026, department=department, value=1)
    response = client_for(cast["admin"]).post(reverse("manage:reopen", args=[SLUG]), _reopen_body(f"d{department.pk}"))
    assert response.status_code == 302
    submission = Submission.objects.get(plan=plan, department=department, year=2026, month=10)
    assert submission.reopened_until == dt.date(2026, 11, 30) and submission.region.code == LIAONING


@pytest.mark.parametrize(
    ("who", "overrides", "message"),
    [
        ("admin", {"until": "2026-11-01"}, "开放截止日期不能早于今天"),
        ("admin", {"until": ""}, "请填写开放截止日期"),
        ("admin", {"reason": ""}, "请填写重新开放的原因"),
        ("admin", {"month": "13"}, "月份须在1—12之间"),
        ("admin", {"month": "12"}, "不能重新开放未来月份"),
        ("admin", {"year": "2020"}, "不在方案实施期内"),
        ("admin", {"holder": "r220100"}, "所选地区或部门不在您的管理范围内"),
        ("city_admin", {"holder": "r210200"}, "所选地区或部门不在您的管理范围内"),
    ],
)
def test_bad_reopening_is_refused_in_chinese_with_nothing_written(
    who, overrides, message, cast, client_for, seed, today
):
    _plan_2026(seed)
    granter = cast["admin"] if who == "admin" else make_user("city_admin", Profile.Role.ADMIN, SHENYANG)
    before = (Submission.objects.count(), AuditEntry.objects.count(), AdminAction.objects.count())
    response = client_for(granter).post(reverse("manage:reopen", args=[SLUG]), _reopen_body(f"r{SHENYANG}") | overrides)
    assert response.status_code == 200 and message in response.content.decode()
    assert (Submission.objects.count(), AuditEntry.objects.count(), AdminAction.objects.count()) == before


def test_a_city_admin_reopens_its_own_citys_month_but_no_department_of_the_province(cast, client_for, seed, today):
    plan = _plan_2026(seed)
    department = Department.objects.create(name="测试部门丙", region=Region.objects.get(code=SHENYANG))
    city_admin = make_user("city_admin", Profile.Role.ADMIN, SHENYANG)
    client = client_for(city_admin)
    form = client.get(reverse("manage:reopen", args=[SLUG])).context["form"]
    assert [c for group, choices in form.fields["holder"].choices for c, _ in choices] == [f"r{SHENYANG}"]
    response = client.post(reverse("manage:reopen", args=[SLUG]), _reopen_body(f"d{department.pk}"))
    assert response.status_code == 200 and "所选地区或部门不在您的管理范围内" in response.content.decode()
    assert client.post(reverse("manage:reopen", args=[SLUG]), _reopen_body(f"r{SHENYANG}")).status_code == 302
    assert Submission.objects.get(plan=plan, region__code=SHENYANG, year=2026, month=10).reopened_until is not None
