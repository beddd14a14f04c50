"""The integration group: real PostgreSQL, Redis and a Celery worker.

It runs in the pass where DATABASE_URL points at PostgreSQL and REDIS_URL at Redis (bin/test's second pass,
which .ci/run sets up when the services answer). Elsewhere it skips with the reason printed; in CI, a service
that is configured but does not answer is a failure.
"""

import os
import socket
from urllib.parse import urlparse

import pytest
from django.conf import settings


def _answers(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or default_port), timeout=1).close()
        return True
    except OSError:
        return False


def require_services() -> None:
    database_url, redis_url = os.environ.get("DATABASE_URL", ""), os.environ.get("REDIS_URL", "")
    if not database_url.startswith("postgres") or not redis_url:
        reason = "integration tests run in the PostgreSQL + Redis pass (DATABASE_URL/REDIS_URL not set here)"
        print(f"\nSKIPPING: {reason}")
        pytest.skip(reason)
    for url, port in ((database_url, 5432), (redis_url, 6379)):
        if not _answers(url, port):
            message = f"service at {url} does not answer"
            if os.environ.get("CI"):
                pytest.fail(message)
            print(f"\nSKIPPING: {message}")
            pytest.skip(message)
    assert settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


@pytest.fixture
def services():
    require_services()
