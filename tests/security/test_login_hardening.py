"""Finding 10 of issue 21: password spraying from one address locks the address; a weak or default SECRET_KEY
refuses to start in production."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NAMES = ["admin", "province_reporter", "shenyang_reporter", "dalian_viewer", "outsider", "nobody"]


def spray(client, address: str, guesses_per_name: int = 4):
    for password in [f"Spring-{n}!" for n in range(guesses_per_name)]:
        for name in NAMES:
            client.post("/login/", {"username": name, "password": password}, REMOTE_ADDR=address)


@pytest.mark.django_db
def test_24_guesses_over_6_accounts_from_one_address_lock_the_address(client, cast):
    spray(client, "203.0.113.50")  # 4 per name: under the per-name limit of 5 everywhere
    response = client.post(
        "/login/", {"username": "leader", "password": "Test-password-2024"}, REMOTE_ADDR="203.0.113.50"
    )
    assert response.status_code == 429 and "登录失败次数过多" in response.content.decode()


@pytest.mark.django_db
def test_a_sprayed_address_does_not_lock_the_same_users_elsewhere(client, cast):
    spray(client, "203.0.113.50")
    response = client.post(
        "/login/", {"username": "leader", "password": "Test-password-2024"}, REMOTE_ADDR="198.51.100.7"
    )
    assert response.status_code == 302


@pytest.mark.django_db
def test_a_few_honest_typos_from_a_shared_office_address_lock_nothing(client, cast):
    spray(client, "203.0.113.51", guesses_per_name=2)  # 12 failures from one NAT address
    response = client.post(
        "/login/", {"username": "leader", "password": "Test-password-2024"}, REMOTE_ADDR="203.0.113.51"
    )
    assert response.status_code == 302


def run_check(secret: str | None) -> subprocess.CompletedProcess:
    env = {**os.environ, "DJANGO_PRODUCTION": "true", "DJANGO_ALLOWED_HOSTS": "skills.example.gov.cn"}
    env.pop("DJANGO_SECRET_KEY", None)
    if secret is not None:
        env["DJANGO_SECRET_KEY"] = secret
    return subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize(
    "secret",
    [
        "dev-only-insecure-key-change-me-in-production-0123456789",  # the embedded default
        "django-insecure-" + "a1b2c3d4e5" * 5,  # startproject's prefix
        "change-me",
        "x" * 60,  # long but one character
    ],
)
def test_a_weak_or_default_secret_key_refuses_to_start_in_production(secret):
    result = run_check(secret)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr
