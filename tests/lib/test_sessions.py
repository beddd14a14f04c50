"""Sessions come from the cache: a logged-in request reads no session row; a cache that is down costs a
database read, not the request."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _session_queries(client) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("plans:list")).status_code == 200
    return [q["sql"] for q in captured if "django_session" in q["sql"]]


def test_a_logged_in_request_reads_the_session_from_the_cache(client, cast):
    client.force_login(cast["leader"])
    _session_queries(client)
    assert _session_queries(client) == []


def test_a_session_is_read_from_the_database_when_the_cache_is_down(client, cast, settings):
    client.force_login(cast["leader"])
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:9/0"}
    }
    assert _session_queries(client)  # still logged in: the page loads from the database session
