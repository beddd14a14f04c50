"""Read-API tokens expire and their owners can see and revoke them."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from plans.models import ApiToken

pytestmark = pytest.mark.django_db


def _get(client, key):
    return client.get("/api/plans", HTTP_AUTHORIZATION=f"Bearer {key}")


def test_a_token_expires(cast, client, settings):
    token, key = ApiToken.issue(cast["leader"], "大屏")
    assert token.expires_at - timezone.now() > dt.timedelta(days=settings.API_TOKEN_DAYS - 1)
    assert _get(client, key).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert _get(client, key).status_code == 401


def test_the_owner_lists_and_revokes_a_token_and_it_stops_working(cast, client):
    token, key = ApiToken.issue(cast["leader"], "大屏")
    client.force_login(cast["leader"])
    assert "大屏" in client.get(reverse("api_tokens")).content.decode()
    assert client.post(reverse("api_token_revoke", args=[token.pk])).status_code == 302
    client.logout()  # the API also accepts the session; the token alone must now be refused
    assert _get(client, key).status_code == 401


def test_nobody_else_sees_or_revokes_a_token(cast, client):
    token, _ = ApiToken.issue(cast["leader"], "领导的大屏")
    client.force_login(cast["admin"])
    assert "领导的大屏" not in client.get(reverse("api_tokens")).content.decode()
    assert client.post(reverse("api_token_revoke", args=[token.pk])).status_code == 404
    assert ApiToken.objects.filter(pk=token.pk).exists()
