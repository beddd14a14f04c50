"""Department reporters: a department's shares in their own grid, submitted, chased, returned and approved."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from plans.models import Department, Profile
from targets.departments import department_completeness
from targets.models import Allocation, MonthlyFigure, Notification, Submission
from targets.notify import reminders_due
from targets.services import FigureEntry, figures_save, submission_approve, submission_return, submission_submit
from tests.conftest import add_figures, make_small_plan, make_user

YEAR = 2024
TODAY = dt.date(YEAR, 4, 7)


@pytest.fixture
def setup(db):
    plan, province, cities, (target,) = make_small_plan(year=YEAR)
    hr, edu = Department.objects.create(name="测试人社厅"), Department.objects.create(name="测试教育厅")
    shares = {
        d: Allocation.objects.create(target=target, department=d, year=YEAR, value=Decimal(v))
        for d, v in ((hr, 30000), (edu, 20000))
    }
    add_figures(target, cities[0], YEAR, Decimal(10000), {})
    hr_reporter = make_user("hr_rep", Profile.Role.REPORTER, province.code)
    Profile.objects.filter(user=hr_reporter).update(department=hr)
    province_reporter = make_user("prov_rep", Profile.Role.REPORTER, province.code)
    admin = make_user("adm", Profile.Role.ADMIN, province.code)
    return {
        "plan": plan,
        "province": province,
        "hr": hr,
        "edu": edu,
        "shares": shares,
        "admin": admin,
        "hr_reporter": hr_reporter,
        "province_reporter": province_reporter,
    }


@pytest.fixture
def on_day():
    with time_machine.travel(dt.datetime(YEAR, 4, 7, 10, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False):
        yield


def _dept_url(s, department):
    return reverse("targets:department_grid", args=[s["plan"].slug, YEAR, 3, department.pk])


def test_department_reporter_gets_their_departments_grid_only(setup, client_for, on_day):
    s = setup
    client = client_for(s["hr_reporter"])
    region_url = reverse("targets:grid", args=[s["plan"].slug, YEAR, 3, s["province"].code])
    response = client.get(region_url)
    assert response.status_code == 302 and response.url == _dept_url(s, s["hr"])
    html = client.get(_dept_url(s, s["hr"])).content.decode()
    assert "测试人社厅（部门承担任务）" in html
    assert f'name="value_{s["shares"][s["hr"]].id}"' in html and f'name="value_{s["shares"][s["edu"]].id}"' not in html
    assert client.get(_dept_url(s, s["edu"])).status_code == 404
    template = reverse("targets:template", args=[s["plan"].slug, YEAR, 3])
    assert client.get(template).status_code == 403


def test_department_reporter_saves_and_submits_and_the_admin_is_told(setup, client_for, on_day):
    s = setup
    share = s["shares"][s["hr"]]
    client = client_for(s["hr_reporter"])
    html = client.get(_dept_url(s, s["hr"])).content.decode()
    version = html.split('name="version" value="')[1].split('"')[0]
    data = {
        "version": version,
        "action": "submit",
        f"value_{share.id}": "2500",
        f"remark_{share.id}": "",
        f"orig_value_{share.id}": "",
        f"orig_remark_{share.id}": "",
    }
    response = client.post(_dept_url(s, s["hr"]), data, follow=True)
    assert "已报送测试人社厅2024年3月数据" in response.content.decode()
    assert MonthlyFigure.objects.get(allocation=share, month=3).value == Decimal(2500)
    submission = Submission.objects.get(plan=s["plan"], department=s["hr"], year=YEAR, month=3)
    assert submission.status == Submission.Status.SUBMITTED and submission.region == s["province"]
    assert Notification.objects.get(user=s["admin"]).title.startswith("测试人社厅已报送")
    # The region's own report of the same month is a separate submission, still a draft.
    assert not Submission.objects.filter(plan=s["plan"], department=None, region=s["province"]).exists()


def test_department_reporter_cannot_enter_the_regions_or_another_departments_figures(setup):
    s = setup
    for department, allocation in ((None, s["shares"][s["hr"]]), (s["edu"], s["shares"][s["edu"]])):
        with pytest.raises(PermissionDenied):
            figures_save(
                plan=s["plan"],
                region=s["province"],
                year=YEAR,
                month=3,
                entries=[FigureEntry(allocation_id=allocation.id, value=Decimal(1))],
                user=s["hr_reporter"],
                expected_version=None,
                today=TODAY,
                department=department,
            )
    assert not MonthlyFigure.objects.filter(allocation__in=s["shares"].values()).exists()


def test_department_is_returned_approved_and_chased_like_a_region(setup, django_capture_on_commit_callbacks):
    s = setup
    sub = submission_submit(
        plan=s["plan"], region=s["province"], year=YEAR, month=3, user=s["hr_reporter"], today=TODAY, department=s["hr"]
    )
    submission_return(submission_id=sub.pk, user=s["admin"], reason="请补充分市明细")
    returned = Notification.objects.get(user=s["hr_reporter"], kind=Notification.Kind.RETURNED)
    assert returned.body == "退回原因：请补充分市明细" and returned.url == _dept_url(s, s["hr"])
    assert not Notification.objects.filter(user=s["province_reporter"]).exists()
    rows = {r.department.name: r.status for r in department_completeness(s["plan"], YEAR, 3)}
    assert rows == {"测试人社厅": "returned", "测试教育厅": "missing"}
    (reminder,) = [r for r in reminders_due(dt.date(YEAR, 4, 11)) if r.plan_id == s["plan"].id]
    chased = Notification.objects.get(user=s["hr_reporter"], kind=Notification.Kind.REMINDER)
    # past the deadline the returned month is locked: the chase says so and leads home, not to a locked grid
    assert "请补充分市明细" in chased.body and "本月已锁定" in chased.body and chased.url == "/"
    # The province's own reporter is chased for the region's report (the province holds no allocation of its
    # own here, so only the cities are expected), not for the departments'.
    assert not Notification.objects.filter(user=s["province_reporter"], kind="reminder").exists()
    submission_submit(
        plan=s["plan"], region=s["province"], year=YEAR, month=3, user=s["hr_reporter"], today=TODAY, department=s["hr"]
    )
    submission_approve(submission_id=sub.pk, user=s["admin"])
    assert Notification.objects.filter(user=s["hr_reporter"], kind=Notification.Kind.APPROVED).count() == 1


def test_completeness_page_lists_departments(setup, client_for):
    s = setup
    html = (
        client_for(s["admin"])
        .get(reverse("targets:completeness") + f"?plan={s['plan'].slug}&year={YEAR}&month=3")
        .content.decode()
    )
    assert "责任部门报送情况" in html and "测试教育厅" in html


def test_department_reporter_sees_only_their_departments_figures(setup, client_for):
    s = setup
    client = client_for(s["hr_reporter"])
    own = reverse("targets:figure_history", args=[s["shares"][s["hr"]].id, 3])
    other = reverse("targets:figure_history", args=[s["shares"][s["edu"]].id, 3])
    assert client.get(own).status_code == 200
    assert client.get(other).status_code == 404
    assert set(Allocation.objects.visible_to(s["hr_reporter"])) == {s["shares"][s["hr"]]}


def test_department_reporters_home_shows_their_returned_month(setup, client_for, on_day):
    s = setup
    sub = submission_submit(
        plan=s["plan"], region=s["province"], year=YEAR, month=3, user=s["hr_reporter"], today=TODAY, department=s["hr"]
    )
    submission_return(submission_id=sub.pk, user=s["admin"], reason="请补充分市明细")
    html = client_for(s["hr_reporter"]).get(reverse("home")).content.decode()
    assert "退回原因：请补充分市明细" in html and "已退回" in html
    assert "退回原因" not in client_for(s["province_reporter"]).get(reverse("home")).content.decode()


def test_admin_home_lists_late_departments(setup, client_for):
    with time_machine.travel(dt.datetime(YEAR, 4, 12, 10, tzinfo=dt.UTC), tick=False):
        html = client_for(setup["admin"]).get(reverse("home")).content.decode()
    late = html.split('id="home-late-list"')[1].split("</ul>")[0]
    assert "测试行动 · 2024年3月 · 测试人社厅 · 未报" in late and "测试行动 · 2024年3月 · 测试教育厅 · 未报" in late
