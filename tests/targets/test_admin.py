"""The admin: a key task is edited with its targets, although plans (the lower floor) never names Target."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_key_task_change_page_shows_its_targets_inline(demo_plan, client):
    superuser = get_user_model().objects.create_superuser("root", password="Test-password-2024")
    client.force_login(superuser)
    task = demo_plan.key_tasks.filter(targets__isnull=False).first()
    response = client.get(reverse("admin:plans_keytask_change", args=[task.pk]))
    assert response.status_code == 200
    assert "targets-TOTAL_FORMS" in response.content.decode()
    assert "measures-TOTAL_FORMS" in response.content.decode()
