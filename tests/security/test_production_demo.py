"""Production never gets the demo accounts (or the demo data) unless asked, and never with the public password."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from targets.demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def test_load_demo_refuses_to_run_in_production(settings, seed):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="生产环境不载入演示数据"):
        call_command("load_demo", "--if-empty")
    assert not get_user_model().objects.filter(username="admin").exists()


def test_even_when_asked_production_refuses_the_public_password(settings, seed):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="公开的演示密码"):
        call_command("load_demo", "--if-empty", "--allow-production")
    with pytest.raises(CommandError):
        call_command("load_demo", "--if-empty", "--allow-production", "--password", "short")
    assert not get_user_model().objects.filter(username="admin").exists()


def test_asked_with_a_strong_password_production_gets_demo_accounts(settings, seed):
    settings.PRODUCTION = True
    call_command("load_demo", "--if-empty", "--allow-production", "--password", "Lx9-quiet-harbour-Tide-2026")
    admin = get_user_model().objects.get(username="admin")
    assert admin.check_password("Lx9-quiet-harbour-Tide-2026") and not admin.check_password(DEMO_PASSWORD)


def test_the_production_guide_does_not_load_the_demo():
    from pathlib import Path

    guide = (Path(__file__).resolve().parents[2] / "docs" / "production.md").read_text()
    setup = guide.split("## Settings")[0]  # the commands an installer copies
    assert "load_demo" not in setup and "createsuperuser" in setup
