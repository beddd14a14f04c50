"""Production settings pass `check --deploy`; logins are throttled; passwords must be strong; sessions expire."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

ROOT = Path(__file__).resolve().parents[2]


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    env = {
        **os.environ,
        "DJANGO_PRODUCTION": "true",
        "DJANGO_SECRET_KEY": "x" * 20 + "a-long-random-production-secret-key-value-1234567890",
        "DJANGO_ALLOWED_HOSTS": "skills.example.gov.cn",
        "SITE_URL": "https://skills.example.gov.cn",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
    }
    env.pop("REDIS_URL", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests for the live server, never in production
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = {**os.environ, "DJANGO_PRODUCTION": "true", "DJANGO_ALLOWED_HOSTS": "x"}
    env.pop("DJANGO_SECRET_KEY", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


STRONG_KEY = "q7Xv-3kP_9zLm2Rt8WcYb4Nf6Hd1Js5Ga0Ue7Io2Kp9Lr3Mx8Tq"  # passes the weak-key check


def test_production_refuses_to_start_without_an_https_site_url(tmp_path):
    env = {**os.environ, "DJANGO_PRODUCTION": "true", "DJANGO_ALLOWED_HOSTS": "x", "DJANGO_SECRET_KEY": STRONG_KEY}
    env.pop("SITE_URL", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "SITE_URL" in result.stderr


def test_production_refuses_a_demo_date(tmp_path):
    env = {
        **os.environ,
        "DJANGO_PRODUCTION": "true",
        "DJANGO_ALLOWED_HOSTS": "x",
        "DJANGO_SECRET_KEY": STRONG_KEY,
        "SITE_URL": "https://x.example.gov.cn",
        "DEMO_DATE": "2022-12-07",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "DEMO_DATE" in result.stderr


@pytest.mark.django_db
def test_login_is_locked_after_repeated_failures(client, cast):
    for _ in range(5):
        client.post("/login/", {"username": "leader", "password": "wrong-password"})
    response = client.post("/login/", {"username": "leader", "password": "Test-password-2024"})
    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()


@pytest.mark.parametrize("weak", ["12345678901", "password123", "short"])
def test_weak_passwords_are_refused(weak):
    with pytest.raises(ValidationError):
        validate_password(weak)


def test_sessions_expire(settings):
    assert settings.SESSION_COOKIE_AGE <= 12 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


def test_collectstatic_builds_the_production_manifest(tmp_path, settings):
    """Production serves hashed, compressed files through whitenoise's manifest: every file a page names, and
    every file those files reference (source maps included), must be there, or collectstatic fails."""
    from django.contrib.staticfiles.storage import staticfiles_storage
    from django.core.management import call_command
    from django.utils.functional import empty

    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    staticfiles_storage._wrapped = empty  # the storage object is built again from the settings above
    try:
        call_command("collectstatic", interactive=False, verbosity=0)
        manifest = (tmp_path / "static" / "staticfiles.json").read_text()
        for name in ("vendor/bootstrap/bootstrap.min.css", "vendor/plotly/plotly-cartesian.min.js", "js/charts.js"):
            assert f'"{name}"' in manifest
        assert list((tmp_path / "static" / "vendor" / "plotly").glob("plotly-cartesian.min.*.js.gz"))
    finally:
        staticfiles_storage._wrapped = empty


def _fail_logins(client, username: str, address: str, times: int = 5, **headers):
    for _ in range(times):
        client.post("/login/", {"username": username, "password": "wrong-password"}, REMOTE_ADDR=address, **headers)


@pytest.mark.django_db
def test_failures_from_one_address_do_not_lock_the_user_out_elsewhere(client, cast):
    _fail_logins(client, "leader", "203.0.113.9")
    response = client.post(
        "/login/", {"username": "leader", "password": "Test-password-2024"}, REMOTE_ADDR="198.51.100.7"
    )
    assert response.status_code == 302


@pytest.mark.django_db
def test_behind_the_trusted_proxy_the_forwarded_address_is_locked_not_the_proxys(client, cast, settings):
    settings.CLIENT_IP_HEADER = "X-Forwarded-For"
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    _fail_logins(client, "leader", "127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    locked = client.post(
        "/login/",
        {"username": "leader", "password": "Test-password-2024"},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.9",
    )
    assert locked.status_code == 429
    other = client.post(
        "/login/",
        {"username": "leader", "password": "Test-password-2024"},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.7",
    )
    assert other.status_code == 302


def test_the_forwarded_header_is_believed_only_from_a_trusted_proxy(rf, settings):
    from skills_admin.lib.client_ip import client_ip

    settings.CLIENT_IP_HEADER = "X-Forwarded-For"
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    spoofed = rf.get("/", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="10.0.0.1")
    assert client_ip(spoofed) == "203.0.113.9"
    proxied = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="10.0.0.1, 198.51.100.7")
    assert client_ip(proxied) == "198.51.100.7"
