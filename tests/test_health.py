import json

import pytest

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_cache_and_celery_as_json(client):
    response = client.get("/healthz")
    data = json.loads(response.content)
    assert response.status_code == 200
    assert data["ok"] is True
    assert data["checks"]["database"]["ok"] and data["checks"]["cache"]["ok"]
    assert "celery" in data["checks"]


def test_healthz_says_503_when_the_database_is_down(client, monkeypatch):
    from skills_admin.lib import health

    monkeypatch.setattr(health, "_database", lambda: {"ok": False, "error": "OperationalError"})
    response = client.get("/healthz")
    assert response.status_code == 503
    assert json.loads(response.content)["checks"]["database"]["error"] == "OperationalError"


def test_every_page_carries_a_strict_content_security_policy(client):
    response = client.get("/login/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert response["X-Frame-Options"] == "DENY"
