"""Finding 1 of issue 21: a 群机器人地址 reaches only the configured robot hosts, on public addresses, over HTTPS;
no redirect is followed and no answer body is kept."""

import socket

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError

from plans.models import Region
from skills_admin.lib import robots
from skills_admin.lib.robots import RobotRefused, robot_answer, robot_post, validate_robot_url
from targets.delivery import delivery_attempt
from targets.models import Delivery
from tests.targets.test_notifications import Receiver

BAD_ADDRESSES = [
    "http://127.0.0.1:8000/cgi-bin/webhook/send",
    "https://localhost/x",
    "https://[::1]/x",
    "https://169.254.169.254/latest/meta-data/",
    "https://10.0.0.5/x",
    "ftp://qyapi.weixin.qq.com/cgi-bin/webhook/send",
    "http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k",
    "https://qyapi.weixin.qq.com.evil.example/x",
    "https://user:pw@qyapi.weixin.qq.com/x",
]


@pytest.mark.parametrize("url", BAD_ADDRESSES)
def test_a_robot_address_outside_the_robot_hosts_is_refused_in_chinese(url):
    with pytest.raises(ValidationError) as caught:
        validate_robot_url(url)
    assert "群机器人地址" in caught.value.messages[0]


@pytest.mark.parametrize(
    "url",
    [
        "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc",
        "https://oapi.dingtalk.com/robot/send?access_token=abc",
        "https://open.feishu.cn/open-apis/bot/v2/hook/abc",
    ],
)
def test_the_three_robot_hosts_are_accepted(url):
    validate_robot_url(url)


@pytest.mark.django_db
def test_the_region_model_field_refuses_a_loopback_robot_address():
    region = Region.objects.first() or Region(code="990000", name="测试省", level="province")
    region.webhook_url = "http://127.0.0.1:9/"
    with pytest.raises(ValidationError) as caught:
        region.full_clean()
    assert "webhook_url" in caught.value.message_dict


@pytest.mark.parametrize("address", ["127.0.0.1", "10.1.2.3", "169.254.169.254", "192.168.0.1", "::1", "fe80::1"])
def test_a_robot_host_resolving_to_a_private_address_is_refused_at_send_time(monkeypatch, address):
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    monkeypatch.setattr(
        robots.socket, "getaddrinfo", lambda *a, **k: [(family, socket.SOCK_STREAM, 6, "", (address, 443))]
    )
    connected = []
    monkeypatch.setattr(robots.socket, "create_connection", lambda *a, **k: connected.append(a))
    with pytest.raises(RobotRefused, match="内网或保留地址"):
        robot_post("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k", b"{}", timeout=1)
    assert connected == []


@pytest.mark.django_db
def test_a_delivery_to_a_stored_loopback_address_is_refused_recorded_and_not_retried(settings):
    receiver = Receiver()  # a live internal service: the request must never reach it
    try:
        delivery = Delivery.objects.create(channel="webhook", address=receiver.url, subject="s", body="b")
        delivery_attempt(delivery.pk)
        delivery.refresh_from_db()
        assert delivery.status == Delivery.Status.FAILED and "群机器人地址" in delivery.response
        assert receiver.received == []
    finally:
        receiver.server.shutdown()
        receiver.server.server_close()


@pytest.mark.django_db
def test_a_redirect_is_not_followed_and_the_answer_body_is_not_stored(settings):
    settings.ROBOT_TEST_HOSTS = ["127.0.0.1"]
    receiver = Receiver()
    receiver.status = 302
    receiver.answer = {"secret": "internal-token-0123"}
    try:
        delivery = Delivery.objects.create(channel="webhook", address=receiver.url, subject="s", body="b")
        with pytest.raises(Exception):  # noqa: B017 - DeliveryFailed, so the task retries
            delivery_attempt(delivery.pk)
        delivery.refresh_from_db()
        assert delivery.status == Delivery.Status.FAILED
        assert delivery.response == "HTTP 302"
        assert "internal-token" not in delivery.response
        assert len(receiver.received) == 1  # one POST, no follow-up GET
    finally:
        receiver.server.shutdown()
        receiver.server.server_close()


def test_only_the_robots_errcode_and_errmsg_are_kept():
    answer = robot_answer(200, b'{"errcode": 93000, "errmsg": "invalid webhook url", "token": "secret"}')
    assert str(answer) == "HTTP 200 errcode=93000 errmsg=invalid webhook url" and not answer.ok
    assert str(robot_answer(200, b'{"code": 0, "msg": "success", "data": {}}')) == "HTTP 200 errcode=0 errmsg=success"
    assert str(robot_answer(200, b"root:x:0:0:root:/root:/bin/bash")) == "HTTP 200"


def test_test_hosts_refuse_to_work_in_production(settings):
    settings.ROBOT_TEST_HOSTS = ["127.0.0.1"]
    settings.PRODUCTION = True
    with pytest.raises(ImproperlyConfigured):
        validate_robot_url("http://127.0.0.1:9/")
