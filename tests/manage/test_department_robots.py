"""系统管理 · a department's group robot: checked like a region's, masked after saving, test-sent with the answer
shown, scoped to the admin's departments, audited; reminders to a department land in its group."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from plans.models import AdminAction, Department, Profile, Region
from targets.models import Allocation, Delivery
from targets.notify import reminder_chase
from tests.conftest import LIAONING, SHENYANG, add_figures, make_small_plan, make_user
from tests.manage.robots import HttpsRobot

pytestmark = pytest.mark.django_db
QY = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=0123456789abcdef-ab12"


@pytest.fixture
def robot(tmp_path, monkeypatch, settings):
    robot = HttpsRobot(tmp_path)
    robot.trust(monkeypatch)
    settings.ROBOT_HOSTS = ("qyapi.weixin.qq.com", "127.0.0.1")
    settings.ROBOT_TEST_HOSTS = ["127.0.0.1"]  # main's SSRF guard: the test-only way to reach a loopback robot
    yield robot
    robot.stop()


@pytest.fixture
def department(seed):
    return Department.objects.create(name="测试省审计厅", region=Region.objects.get(code=LIAONING))


def _url(department, name="manage:department_contacts"):
    return reverse(name, args=[department.pk])


def test_admin_saves_a_departments_robot_which_is_masked_after(cast, client_for, department):
    client = client_for(cast["admin"])
    assert client.post(_url(department), {"url": QY}).status_code == 302
    assert Department.objects.get(pk=department.pk).webhook_url == QY
    for page in (
        client.get(_url(department)),
        client.get(reverse("manage:contacts")),
        client.get(reverse("manage:log")),
    ):
        assert "0123456789abcdef" not in page.content.decode()
    assert "https://qyapi.weixin.qq.com/…key=****ab12" in client.get(_url(department)).content.decode()
    contacts = client.get(reverse("manage:contacts"))
    assert "测试省审计厅" not in contacts.context["unreachable"]["无群机器人"]
    action = AdminAction.objects.get(action="设置群机器人", subject="测试省审计厅")
    assert "****ab12" in action.detail and "0123456789abcdef" not in action.detail
    client.post(_url(department), {"url": "", "clear": "on"})
    assert Department.objects.get(pk=department.pk).webhook_url == ""


@pytest.mark.parametrize("bad", ["http://qyapi.weixin.qq.com/x", "https://10.0.0.1/x", "https://evil.example.com/x"])
def test_a_departments_robot_outside_the_allowed_hosts_is_refused_in_chinese(bad, cast, client_for, department):
    response = client_for(cast["admin"]).post(_url(department), {"url": bad})
    assert response.status_code == 200 and "群机器人地址须为 https:// 开头" in response.content.decode()
    assert Department.objects.get(pk=department.pk).webhook_url == ""
    assert not AdminAction.objects.exists()


def test_test_send_to_a_departments_robot_shows_its_answer(cast, client_for, department, robot):
    client = client_for(cast["admin"])
    client.post(_url(department), {"url": robot.url})
    text = client.post(_url(department, "manage:department_test"), follow=True).content.decode()
    assert "测试发送成功" in text and "errmsg" in text
    assert len(robot.received) == 1 and "测试发送" in robot.received[0]["text"]["content"]
    delivery = Delivery.objects.get(department=department)
    assert delivery.status == "delivered" and delivery.region.code == LIAONING
    assert AdminAction.objects.filter(action="测试发送", subject="测试省审计厅").exists()
    assert "已送达" in client.get(reverse("manage:contacts")).content.decode()


def test_a_city_admin_cannot_touch_the_provinces_department(seed, client_for, department):
    city_admin = make_user("city_admin", Profile.Role.ADMIN, SHENYANG)
    client = client_for(city_admin)
    assert client.get(_url(department)).status_code == 403
    assert client.post(_url(department), {"url": QY}).status_code == 403
    assert client.post(_url(department, "manage:department_test")).status_code == 403
    assert Department.objects.get(pk=department.pk).webhook_url == ""


def test_a_department_without_a_robot_cannot_be_test_sent(cast, client_for, department):
    response = client_for(cast["admin"]).post(_url(department, "manage:department_test"))
    assert response.status_code == 403 and not Delivery.objects.exists()


def test_a_reminder_to_a_department_lands_in_its_group(db, robot, django_capture_on_commit_callbacks):
    plan, province, cities, (target,) = make_small_plan(year=2024)
    add_figures(target, cities[0], 2024, Decimal(100), {})
    finance = Department.objects.create(name="测试财政厅", region=province, webhook_url=robot.url)
    Allocation.objects.create(target=target, year=2024, department=finance, region=None, value=Decimal(50))
    admin = make_user("admin_t", Profile.Role.ADMIN, province.code)
    with time_machine.travel(dt.datetime(2024, 4, 7, 9, tzinfo=dt.UTC)):
        with django_capture_on_commit_callbacks(execute=True):
            reminder_chase(plan=plan, year=2024, month=3, user=admin, channels=["webhook"], message="请报送")
    (payload,) = robot.received
    assert payload["text"]["content"].startswith("【测试财政厅】催报")
    delivery = Delivery.objects.get(department=finance)
    assert delivery.status == "delivered" and delivery.reminder is not None
