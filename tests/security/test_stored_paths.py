"""Finding 2 of issue 21: a stored file path is a name under MEDIA_ROOT; anything resolving outside is never
served, the admin cannot edit it, and old absolute rows are migrated to relative names."""

import importlib
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from plans.models import Profile
from reports.models import Circular
from skills_admin.lib.downloads import media_file, media_name
from tests.conftest import make_small_plan, make_user
from tests.reports.test_followup import issue, small  # noqa: F401 - the fixture

migration = importlib.import_module("reports.migrations.0004_security_media_relative_paths")

OUTSIDE = ["/etc/passwd", "../../../../../../etc/passwd", "circulars/../../../etc/passwd", "/", ""]


@pytest.mark.parametrize("name", OUTSIDE)
def test_a_name_outside_the_media_root_is_never_a_file(name):
    assert media_file(name) is None


def test_a_symlink_out_of_the_media_root_is_refused(tmp_path):
    root = Path(settings.MEDIA_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    secret = tmp_path / "secret.txt"
    secret.write_text("secret")
    (root / "link.docx").symlink_to(secret)
    assert media_file("link.docx") is None


def test_a_file_under_the_media_root_is_stored_by_its_relative_name():
    path = Path(settings.MEDIA_ROOT) / "circulars" / "p" / "a.docx"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"x")
    assert media_name(path) == "circulars/p/a.docx"
    assert media_file("circulars/p/a.docx") == path.resolve()


@pytest.mark.django_db
def test_a_circular_pointing_at_etc_passwd_is_not_served(client):
    plan, province, cities, targets = make_small_plan()
    circular = Circular.objects.create(
        plan=plan, region=province, year=2024, month=6, version=1, title="通报", docx_path="/etc/passwd", xlsx_path="x"
    )
    client.force_login(make_user("padmin", Profile.Role.ADMIN, province.code))
    response = client.get(reverse("reports:circular_download", args=[circular.pk, "docx"]))
    assert response.status_code == 404 and b"root:" not in response.content


@pytest.mark.django_db
def test_a_notice_pointing_at_etc_passwd_is_not_served_to_its_reporter(small, client):  # noqa: F811
    plan, province, (a, b, c), target = small
    client.force_login(make_user("padmin", Profile.Role.ADMIN, province.code))
    notice = issue(client, plan, a, target)
    assert not Path(notice.docx_path).is_absolute() and media_file(notice.docx_path) is not None
    notice.docx_path = "/etc/passwd"
    notice.save(update_fields=["docx_path"])
    client.force_login(make_user("reporter_a", Profile.Role.REPORTER, a.code))
    response = client.get(reverse("reports:notice_download", args=[notice.pk, "docx"]))
    assert response.status_code == 404 and b"root:" not in response.content


def test_the_paths_are_read_only_in_the_django_admin():
    from django.contrib import admin

    from reports.models import Notice

    assert {"xlsx_path", "docx_path", "pdf_path"} <= set(admin.site._registry[Circular].readonly_fields)
    assert {"docx_path", "pdf_path"} <= set(admin.site._registry[Notice].readonly_fields)


def test_the_migration_turns_old_absolute_paths_into_relative_names():
    root = Path(settings.MEDIA_ROOT).resolve()
    assert (
        migration.relative_name(str(root / "circulars/p/2024-06/210000-v1.docx"))
        == "circulars/p/2024-06/210000-v1.docx"
    )
    assert migration.relative_name("/srv/old/var/media/notices/p/notice-3.pdf") == "notices/p/notice-3.pdf"
    assert migration.relative_name("/etc/passwd") == ""
    assert migration.relative_name("/srv/circulars/../../etc/passwd") == ""
    assert migration.relative_name("") == ""
