"""The demo ships one department robot address, on an allowed host, masked and marked 演示 everywhere, and never
sent to; the temporary-password answer offers the one-time reset link instead."""

import socket

import pytest
from django.core.management import call_command
from django.urls import reverse

from plans.models import AdminAction, Department, Profile
from skills_admin.lib.masking import mask_robot_url
from skills_admin.lib.robots import DEMO_ROBOT_URL, RobotRefused, robot_post, validate_robot_url
from targets.demo import DEMO_ROBOT_DEPARTMENT, demo_robot_set
from targets.models import Delivery
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the demo robot address must never be contacted")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.fixture
def demo_department(seed):
    department = Department.objects.get(name=DEMO_ROBOT_DEPARTMENT)
    assert demo_robot_set() == DEMO_ROBOT_DEPARTMENT
    department.refresh_from_db()
    return department


def test_the_demo_department_robot_is_on_an_allowed_host_and_shown_masked_as_demo(demo_department, settings):
    settings.ROBOT_HOSTS = ["qyapi.weixin.qq.com", "oapi.dingtalk.com", "open.feishu.cn"]
    assert demo_department.webhook_url == DEMO_ROBOT_URL
    assert DEMO_ROBOT_URL.startswith("https://qyapi.weixin.qq.com/")
    validate_robot_url(DEMO_ROBOT_URL)
    masked = mask_robot_url(DEMO_ROBOT_URL)
    assert "演示地址，不实际发送" in masked and "0000-0000" not in masked


def test_the_demo_robot_address_is_refused_before_any_connection(no_network):
    with pytest.raises(RobotRefused, match="演示地址"):
        robot_post(DEMO_ROBOT_URL, b"{}", timeout=1)


def test_test_sending_the_demo_department_robot_records_a_refusal_and_reaches_nothing(
    demo_department, client_for, no_network
):
    hubin_admin = make_user("hubin_admin", Profile.Role.ADMIN, demo_department.region.code)
    client = client_for(hubin_admin)
    page = client.get(reverse("manage:department_contacts", args=[demo_department.pk])).content.decode()
    assert "演示地址，不实际发送" in page
    response = client.post(reverse("manage:department_test", args=[demo_department.pk]), follow=True)
    delivery = Delivery.objects.get(department=demo_department)
    assert delivery.status == Delivery.Status.FAILED and "演示地址" in delivery.response
    assert "测试发送失败" in response.content.decode()


def test_load_demo_gives_the_demo_department_its_robot(seed, capsys):
    call_command("load_demo")
    department = Department.objects.get(name=DEMO_ROBOT_DEPARTMENT)
    assert department.webhook_url == DEMO_ROBOT_URL
    assert Department.objects.exclude(webhook_url="").count() == 1
    assert "演示地址，不实际发送" in capsys.readouterr().out


@pytest.mark.parametrize("reset", [False, True])
def test_the_temporary_password_answer_offers_the_one_time_reset_link_instead(reset, cast, client_for):
    client = client_for(cast["admin"])
    if reset:
        subject = cast["shenyang_reporter"]
        response = client.post(reverse("manage:user_password", args=[subject.pk]))
    else:
        body = {
            "username": "new_viewer",
            "full_name": "新查看员",
            "role": Profile.Role.VIEWER,
            "region": cast["admin"].profile.region.pk,
        }
        response = client.post(reverse("manage:user_new"), body)
        subject = response.context["subject"]
    page = response.content.decode()
    assert 'id="temporary-password"' in page and "一次性重置链接" in page
    assert reverse("manage:user_reset_link", args=[subject.pk]) in page
    answer = client.post(reverse("manage:user_reset_link", args=[subject.pk]))
    assert answer.status_code == 200 and 'id="reset-link"' in answer.content.decode()
    assert AdminAction.objects.filter(subject=subject.username).exists()
