"""Finding 10 (two-step sign-in) of issue 21: TOTP for admins, required for 部级 and provincial admins when
REQUIRE_ADMIN_2FA is on; off by default."""

import re
from base64 import b32decode

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from plans.models import Profile
from tests.conftest import SHENYANG, make_user

pytestmark = pytest.mark.django_db


def code_for(secret_text: str, offset: int = 0) -> str:
    key = b32decode(secret_text.replace(" ", ""))
    return f"{totp(key, t0=0, step=30, digits=6, drift=offset):06d}"


def enrol(client) -> str:
    page = client.get(reverse("two_factor")).content.decode()
    secret = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', page).group(1)
    assert "<svg" in page  # the QR code, drawn here
    response = client.post(reverse("two_factor"), {"code": code_for(secret)})
    assert response.status_code == 302
    return secret


def test_off_by_default_an_admin_signs_in_with_the_password_alone(cast, client, settings):
    assert settings.REQUIRE_ADMIN_2FA is False
    client.force_login(cast["admin"])
    assert client.get(reverse("home")).status_code == 200


def test_when_required_a_provincial_admin_must_enrol_before_any_page(cast, client, settings):
    settings.REQUIRE_ADMIN_2FA = True
    client.force_login(cast["admin"])
    response = client.get(reverse("reports:overview"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("two_factor"))
    enrol(client)
    assert TOTPDevice.objects.get(user=cast["admin"]).confirmed
    assert client.get(reverse("home")).status_code == 200


def test_a_new_session_needs_the_code_and_a_wrong_code_is_refused(cast, client, settings):
    settings.REQUIRE_ADMIN_2FA = True
    client.force_login(cast["admin"])
    secret = enrol(client)
    client.logout()
    client.force_login(cast["admin"])
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("two_factor_verify"))
    wrong = client.post(reverse("two_factor_verify"), {"code": "000000" if code_for(secret) != "000000" else "111111"})
    assert wrong.status_code == 200 and "验证码不正确" in wrong.content.decode()
    assert client.get(reverse("home")).status_code == 302
    # django-otp throttles after a failure (1 s, doubling); the test does not wait for it
    TOTPDevice.objects.filter(user=cast["admin"]).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    right = client.post(reverse("two_factor_verify") + "?next=/reports/", {"code": code_for(secret, offset=1)})
    assert right.status_code == 302 and right["Location"] == "/reports/"
    assert client.get(reverse("home")).status_code == 200


def test_the_national_admin_and_superusers_are_required_too_but_not_city_admins_or_reporters(cast, client, settings):
    settings.REQUIRE_ADMIN_2FA = True
    national = make_user("bu_admin", Profile.Role.NATIONAL)
    city_admin = make_user("sy_admin2", Profile.Role.ADMIN, SHENYANG)
    for user, forced in ((national, True), (city_admin, False), (cast["shenyang_reporter"], False)):
        client.force_login(user)
        response = client.get(reverse("plans:list"))
        assert (response.status_code == 302 and "two-factor" in response["Location"]) is forced, user


def test_the_city_admin_may_enrol_and_reporters_are_not_offered_it(cast, client):
    client.force_login(make_user("sy_admin3", Profile.Role.ADMIN, SHENYANG))
    page = client.get(reverse("home")).content.decode()
    assert reverse("two_factor") in page
    enrol(client)
    client.force_login(cast["shenyang_reporter"])
    assert client.get(reverse("two_factor")).status_code == 403


def test_the_api_is_not_redirected(cast, client, settings):
    settings.REQUIRE_ADMIN_2FA = True
    client.force_login(cast["admin"])
    assert client.get("/api/plans").status_code != 302
