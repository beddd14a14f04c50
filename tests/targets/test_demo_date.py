"""The demo lives on a labelled 演示日期: windows, home pages and reminders judge as of it; the schedule runs on
demand; the demo users include a city admin and a department reporter; --reset clears what using it left."""

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from plans.models import Profile
from skills_admin.lib import clock
from targets.demo import DEMO_DATE, DEMO_PASSWORD, demo_activity_clear, demo_users_create
from targets.models import ChaseSlot, Notification, Reminder
from tests.conftest import SHENYANG


@pytest.fixture
def on_demo_date(settings):
    settings.DEMO_DATE = DEMO_DATE
    return DEMO_DATE


def test_without_a_demo_date_the_clock_is_the_calendar(settings):
    settings.DEMO_DATE = None
    assert clock.demo_date() is None and clock.today() is not None


def test_on_the_demo_date_the_open_month_is_on_the_home_page_with_the_label(demo_plan, cast, client_for, on_demo_date):
    html = client_for(cast["shenyang_reporter"]).get(reverse("home")).content.decode()
    assert 'id="demo-date"' in html and "2022年12月11日" in html
    waiting = html.split('id="home-waiting-table"')[1].split("</table>")[0]
    assert "2022年11月" in waiting and reverse("targets:grid", args=[demo_plan.slug, 2022, 11, SHENYANG]) in waiting


def test_the_schedule_runs_on_demand_as_of_the_demo_date(demo_plan, on_demo_date):
    call_command("run_scheduled", "reminders-due")
    # the day after 辽宁's November deadline: the regions still owing it are chased
    assert Reminder.objects.filter(plan=demo_plan, year=2022, month=11, kind=Reminder.Kind.AFTER).exists()
    with pytest.raises(CommandError, match="没有这些计划项"):
        call_command("run_scheduled", "no-such-task")


def test_the_demo_users_include_a_city_admin_and_a_department_reporter(demo_plan):
    shown = {username: where for username, _, where in demo_users_create(password=DEMO_PASSWORD)}
    assert shown["shenyang_admin"] == "沈阳市" and shown["hubin_jianshe"] == "湖滨区 区建设局"
    city_admin = Profile.objects.get(user__username="shenyang_admin")
    department_reporter = Profile.objects.get(user__username="hubin_jianshe")
    assert city_admin.role == Profile.Role.ADMIN and city_admin.region.code == SHENYANG
    assert department_reporter.role == Profile.Role.REPORTER and department_reporter.department.name == "区建设局"


def test_the_department_reporter_finds_its_open_month(demo_plan, client_for, on_demo_date):
    demo_users_create(password=DEMO_PASSWORD)
    user = Profile.objects.get(user__username="hubin_jianshe").user
    waiting = client_for(user).get(reverse("home")).content.decode().split('id="home-waiting-table"')[1]
    assert "区建设局" in waiting.split("</table>")[0] and "/dept/" in waiting.split("</table>")[0]


def test_reset_clears_the_chases_and_the_bell_of_the_demo(demo_plan, on_demo_date):
    demo_users_create(password=DEMO_PASSWORD)
    reminder = Reminder.objects.create(plan=demo_plan, year=2022, month=11, kind="manual", channels="site", message="")
    ChaseSlot.objects.create(plan=demo_plan, year=2022, month=11, taken_at=clock.now())
    Notification.objects.create(user=Profile.objects.get(user__username="shenyang").user, kind="reminder", title="x")
    demo_activity_clear()
    assert not Reminder.objects.filter(pk=reminder.pk).exists() and not ChaseSlot.objects.exists()
    assert not Notification.objects.filter(user__username="shenyang").exists()
