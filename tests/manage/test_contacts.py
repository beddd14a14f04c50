"""系统管理 · contacts: the robot address is checked against the robot hosts, masked after saving, test-sent with
the answer shown; the unreachable are named by channel."""

import pytest
from django.urls import reverse

from plans.models import AdminAction, Profile, Region
from skills_admin.lib.masking import mask_robot_url
from targets.models import Delivery
from tests.conftest import DALIAN, SHENYANG, make_user
from tests.manage.robots import HttpsRobot

pytestmark = pytest.mark.django_db
QY = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=0123456789abcdef-ab12"


@pytest.fixture
def robot(tmp_path, monkeypatch, settings):
    robot = HttpsRobot(tmp_path)
    robot.trust(monkeypatch)
    settings.ROBOT_HOSTS = ("qyapi.weixin.qq.com", "127.0.0.1")
    settings.ROBOT_TEST_HOSTS = ["127.0.0.1"]  # the test-only way to reach a loopback robot
    yield robot
    robot.stop()


def test_mask_keeps_host_and_last_four():
    assert mask_robot_url(QY) == "https://qyapi.weixin.qq.com/…key=****ab12"
    assert mask_robot_url("") == ""
    assert "0123456789abcdef" not in mask_robot_url(QY)


def test_admin_saves_a_robot_address_which_is_masked_everywhere_after(cast, client_for):
    client = client_for(cast["admin"])
    url = reverse("manage:region_contacts", args=[SHENYANG])
    assert client.post(url, {"url": QY}).status_code == 302
    assert Region.objects.get(code=SHENYANG).webhook_url == QY
    for page in (client.get(url), client.get(reverse("manage:contacts")), client.get(reverse("manage:log"))):
        text = page.content.decode()
        assert "0123456789abcdef" not in text
    assert "https://qyapi.weixin.qq.com/…key=****ab12" in client.get(url).content.decode()
    action = AdminAction.objects.get(action="设置群机器人")
    assert "****ab12" in action.detail and "0123456789abcdef" not in action.detail
    # an empty field keeps the stored address; 清除 removes it
    client.post(url, {"url": ""})
    assert Region.objects.get(code=SHENYANG).webhook_url == QY
    client.post(url, {"url": "", "clear": "on"})
    assert Region.objects.get(code=SHENYANG).webhook_url == ""


@pytest.mark.parametrize(
    "bad",
    [
        "http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x",
        "https://127.0.0.1/send",
        "https://169.254.169.254/latest/meta-data",
        "https://10.0.0.1/x",
        "ftp://qyapi.weixin.qq.com/x",
        "https://evil.example.com/cgi-bin/webhook/send?key=x",
    ],
)
def test_a_robot_address_outside_the_allowed_hosts_is_refused_in_chinese(bad, cast, client_for):
    response = client_for(cast["admin"]).post(reverse("manage:region_contacts", args=[SHENYANG]), {"url": bad})
    assert response.status_code == 200
    assert "群机器人地址须为 https:// 开头" in response.content.decode()
    assert Region.objects.get(code=SHENYANG).webhook_url == ""
    assert not AdminAction.objects.exists()


def test_the_region_field_itself_refuses_a_bad_robot_address(seed):
    from django.core.exceptions import ValidationError

    shenyang = Region.objects.get(code=SHENYANG)
    shenyang.webhook_url = "https://10.0.0.1/x"
    with pytest.raises(ValidationError):
        shenyang.full_clean()


def test_test_send_posts_to_the_robot_and_shows_its_answer(cast, client_for, robot):
    client = client_for(cast["admin"])
    client.post(reverse("manage:region_contacts", args=[SHENYANG]), {"url": robot.url})
    response = client.post(reverse("manage:region_test", args=[SHENYANG]), follow=True)
    text = response.content.decode()
    assert "测试发送成功" in text and "errmsg" in text
    assert len(robot.received) == 1 and "测试发送" in robot.received[0]["text"]["content"]
    delivery = Delivery.objects.get(region__code=SHENYANG)
    assert delivery.status == "delivered" and delivery.user == cast["admin"]
    assert AdminAction.objects.filter(action="测试发送").exists()
    assert "已送达" in client.get(reverse("manage:contacts")).content.decode()


def test_test_send_shows_the_robots_refusal(cast, client_for, robot):
    robot.answer = {"errcode": 93000, "errmsg": "invalid webhook url"}
    client = client_for(cast["admin"])
    client.post(reverse("manage:region_contacts", args=[SHENYANG]), {"url": robot.url})
    text = client.post(reverse("manage:region_test", args=[SHENYANG]), follow=True).content.decode()
    assert "测试发送失败" in text and "93000" in text
    assert Delivery.objects.get(region__code=SHENYANG).status == "failed"


def test_unreachable_regions_are_named_by_channel(cast, client_for):
    cast["shenyang_reporter"].email = "sy@example.com"
    cast["shenyang_reporter"].save()
    response = client_for(cast["admin"]).get(reverse("manage:contacts"))
    unreachable = response.context["unreachable"]
    assert "沈阳市" not in unreachable["无填报用户"] and "沈阳市" not in unreachable["无邮箱"]
    assert "大连市" in unreachable["无填报用户"] and "大连市" in unreachable["无群机器人"]


def test_a_city_admin_manages_only_its_citys_contacts(seed, client_for):
    city_admin = make_user("city_admin", Profile.Role.ADMIN, SHENYANG)
    client = client_for(city_admin)
    assert client.get(reverse("manage:region_contacts", args=[SHENYANG])).status_code == 200
    assert client.post(reverse("manage:region_contacts", args=[DALIAN]), {"url": QY}).status_code == 403
    assert client.post(reverse("manage:region_test", args=[DALIAN])).status_code == 403
    assert Region.objects.get(code=DALIAN).webhook_url == ""
    names = [r.name for r in client.get(reverse("manage:contacts")).context["regions"]]
    assert names == ["沈阳市"] or "大连市" not in names


def test_the_delivery_log_shows_the_subtree_with_robot_addresses_masked(cast, client_for, seed):
    Delivery.objects.create(channel="webhook", region=Region.objects.get(code=SHENYANG), address=QY, subject="沈阳催报")
    Delivery.objects.create(channel="webhook", region=Region.objects.get(code="220100"), address=QY, subject="长春催报")
    city_admin = make_user("city_admin", Profile.Role.ADMIN, DALIAN)
    page = client_for(cast["admin"]).get(reverse("manage:deliveries")).content.decode()
    assert "沈阳催报" in page and "长春催报" not in page
    assert "****ab12" in page and "0123456789abcdef" not in page
    assert "沈阳催报" not in client_for(city_admin).get(reverse("manage:deliveries")).content.decode()


def test_the_management_pages_read_in_a_bounded_number_of_queries(cast, client_for, django_assert_max_num_queries):
    for n in range(5):
        make_user(f"extra_{n}", Profile.Role.REPORTER, DALIAN)
    client = client_for(cast["admin"])
    for name in ("manage:contacts", "manage:users", "manage:deliveries", "manage:log", "manage:home"):
        with django_assert_max_num_queries(14):
            assert client.get(reverse(name)).status_code == 200
