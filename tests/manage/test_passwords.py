"""Passwords: every user changes its own (from the user menu); an admin issues a one-time reset link, shown once,
valid for a limited time and a single use; all of it audited, bad input refused in Chinese."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from plans.models import AdminAction, Profile
from plans.passwords import RESET_LINK_HOURS
from tests.conftest import DALIAN, SHENYANG, make_user

pytestmark = pytest.mark.django_db
OLD = "Test-password-2024"
NEW = "Brand-new-secret-77"


def _password_ok(user, password) -> bool:
    return get_user_model().objects.get(pk=user.pk).check_password(password)


def test_every_user_reaches_the_password_page_from_the_user_menu(cast, client_for):
    page = client_for(cast["dalian_viewer"]).get(reverse("plans:list")).content.decode()
    assert 'id="password-change-link"' in page and reverse("password_change") in page


def test_a_user_changes_its_own_password_stays_logged_in_and_it_is_logged(cast, client_for):
    user = cast["shenyang_reporter"]
    client = client_for(user)
    body = {"old_password": OLD, "new_password1": NEW, "new_password2": NEW}
    assert client.post(reverse("password_change"), body).status_code == 302
    assert _password_ok(user, NEW)
    assert client.get(reverse("plans:list")).status_code == 200  # the session survived
    action = AdminAction.objects.get(action="修改密码")
    assert (action.user, action.subject, action.region.code) == (user, user.username, SHENYANG)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"old_password": "wrong-one-123", "new_password1": NEW, "new_password2": NEW}, "旧密码不正确"),
        ({"old_password": OLD, "new_password1": NEW, "new_password2": NEW + "x"}, "不一致"),
        ({"old_password": OLD, "new_password1": "short1", "new_password2": "short1"}, "密码太短"),
    ],
)
def test_a_bad_password_change_is_refused_in_chinese_with_nothing_written(body, message, cast, client_for):
    user = cast["shenyang_reporter"]
    response = client_for(user).post(reverse("password_change"), body)
    assert response.status_code == 200 and message in response.content.decode()
    assert _password_ok(user, OLD) and not AdminAction.objects.exists()


def _issue(client, user):
    response = client.post(reverse("manage:user_reset_link", args=[user.pk]))
    assert response.status_code == 200
    return response.context["link"]


def test_an_admin_issues_a_one_time_link_that_sets_a_password_once(cast, client_for):
    user = cast["shenyang_reporter"]
    admin_client = client_for(cast["admin"])
    link = _issue(admin_client, user)
    assert link.startswith("http://testserver/account/reset/")
    action = AdminAction.objects.filter(action="重置密码", subject=user.username).first()
    assert f"{RESET_LINK_HOURS}小时内有效" in action.detail and link.split("/")[-2] not in action.detail
    assert _password_ok(user, OLD)  # nothing changes until the link is used

    anonymous = Client()
    form_page = anonymous.get(link, follow=True)
    assert 'id="reset-save"' in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]
    response = anonymous.post(set_url, {"new_password1": NEW, "new_password2": NEW}, follow=True)
    assert "密码已设置，请用新密码登录" in response.content.decode()
    assert _password_ok(user, NEW)
    assert AdminAction.objects.filter(action="通过重置链接设置密码", subject=user.username).exists()
    again = Client().get(link, follow=True).content.decode()
    assert 'id="reset-invalid"' in again  # single use


def test_a_reset_link_expires(cast, client_for):
    user = cast["shenyang_reporter"]
    link = _issue(client_for(cast["admin"]), user)
    with time_machine.travel(dt.timedelta(hours=RESET_LINK_HOURS - 1)):
        assert 'id="reset-save"' in Client().get(link, follow=True).content.decode()
    with time_machine.travel(dt.timedelta(hours=RESET_LINK_HOURS + 1)):
        assert 'id="reset-invalid"' in Client().get(link, follow=True).content.decode()


def test_a_weak_password_from_a_reset_link_is_refused_in_chinese(cast, client_for):
    user = cast["shenyang_reporter"]
    link = _issue(client_for(cast["admin"]), user)
    anonymous = Client()
    set_url = anonymous.get(link, follow=True).redirect_chain[-1][0]
    response = anonymous.post(set_url, {"new_password1": "12345678", "new_password2": "12345678"})
    assert response.status_code == 200 and "密码太短" in response.content.decode()
    assert _password_ok(user, OLD)


def test_reset_links_are_issued_only_for_users_the_admin_manages(cast, client_for):
    city_admin = make_user("city_admin", Profile.Role.ADMIN, DALIAN)
    client = client_for(city_admin)
    assert client.post(reverse("manage:user_reset_link", args=[cast["shenyang_reporter"].pk])).status_code == 403
    assert client.post(reverse("manage:user_reset_link", args=[cast["admin"].pk])).status_code == 403
    assert client_for(cast["shenyang_reporter"]).post(
        reverse("manage:user_reset_link", args=[cast["dalian_viewer"].pk])
    ).status_code in (403,)
    assert client.get(reverse("manage:user_reset_link", args=[cast["dalian_viewer"].pk])).status_code == 405
    assert not AdminAction.objects.exists()
