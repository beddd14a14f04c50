"""Uploads cannot tie up the server: the role is checked before the file is read, the parser has limits."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from targets.services import figures_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def parser_must_not_run(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the file was parsed")

    monkeypatch.setattr("targets.excel.parse_entry_upload", refuse)


@pytest.mark.parametrize("who", ["dalian_viewer", "leader"])
def test_viewers_and_leaders_are_refused_before_the_file_is_parsed(who, cast, demo_plan, client, parser_must_not_run):
    client.force_login(cast[who])
    url = reverse("targets:upload", args=[demo_plan.slug, 2022, 11])
    response = client.post(url, {"file": SimpleUploadedFile("t.xlsx", b"PK" + b"x" * 1000)})
    assert response.status_code == 403


def test_the_upload_service_checks_the_role_first_too(cast, demo_plan, parser_must_not_run):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        figures_upload(plan=demo_plan, year=2022, month=11, data=b"PK", user=cast["leader"])
