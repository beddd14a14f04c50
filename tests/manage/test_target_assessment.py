"""系统管理 · 考核方式: an untracked target the document does not say how to judge gets the admin's own method,
said to be the admin's, audited and scoped; a method the document states stays the document's."""

import pytest
from django.urls import reverse

from plans.models import AdminAction, Profile
from targets.models import Target
from tests.conftest import SHENYANG, make_user

pytestmark = pytest.mark.django_db
SLUG = "liaoning-2022"


@pytest.fixture
def unstated(demo_plan):
    """An untracked target whose document says nothing about how it is judged."""
    target = Target.objects.filter(key_task__plan=demo_plan, is_reported=False).order_by("pk").first()
    target.assessment, target.assessment_source = "", ""
    target.save(update_fields=["assessment", "assessment_source"])
    return target


def _url(name="manage:plan_assessments"):
    return reverse(name, args=[SLUG])


def test_the_settings_page_quotes_the_documents_method_and_offers_a_field_where_it_is_silent(
    cast, client_for, unstated
):
    quoted = Target.objects.filter(
        key_task__plan=unstated.key_task.plan, is_reported=False, assessment_source="document"
    )
    page = client_for(cast["admin"]).get(_url("manage:plan_settings")).content.decode()
    assert "文件未明确考核方式" in page
    assert f'name="assessment_{unstated.pk}"' in page
    for target in quoted:
        assert f'name="assessment_{target.pk}"' not in page
    assert "纳入就业高质量发展专项考核指标" in page


def test_admin_sets_a_method_recorded_as_the_admins_and_audited(cast, client_for, unstated):
    response = client_for(cast["admin"]).post(_url(), {f"assessment_{unstated.pk}": " 年底一次性核查 "})
    assert response.status_code == 302
    unstated.refresh_from_db()
    assert (unstated.assessment, unstated.assessment_source, unstated.assessment_set_by) == (
        "年底一次性核查",
        "admin",
        cast["admin"],
    )
    assert "非文件规定" in unstated.assessment_statement
    action = AdminAction.objects.get(action="考核方式")
    assert action.user == cast["admin"] and "文件未明确 → 年底一次性核查" in action.detail
    page = client_for(cast["admin"]).get(_url("manage:plan_settings")).content.decode()
    assert "管理员" in page and "非文件规定" in page


def test_admin_clears_its_method_and_the_target_is_unstated_again(cast, client_for, unstated):
    client = client_for(cast["admin"])
    client.post(_url(), {f"assessment_{unstated.pk}": "年底核查"})
    client.post(_url(), {f"assessment_{unstated.pk}": ""})
    unstated.refresh_from_db()
    assert (unstated.assessment, unstated.assessment_source, unstated.assessment_set_by) == ("", "", None)
    assert unstated.assessment_statement == "文件未明确考核方式"
    assert AdminAction.objects.filter(action="考核方式").count() == 2


def test_a_method_the_document_states_cannot_be_overwritten(cast, client_for, unstated):
    quoted = Target.objects.filter(
        key_task__plan=unstated.key_task.plan, is_reported=False, assessment_source="document"
    )
    target = quoted.first()
    before = target.assessment
    client_for(cast["admin"]).post(_url(), {f"assessment_{target.pk}": "管理员改写"})
    target.refresh_from_db()
    assert (target.assessment, target.assessment_source) == (before, "document")
    assert not AdminAction.objects.filter(action="考核方式").exists()


def test_a_too_long_method_is_refused_in_chinese_with_nothing_written(cast, client_for, unstated):
    response = client_for(cast["admin"]).post(_url(), {f"assessment_{unstated.pk}": "长" * 301})
    assert response.status_code == 200 and "考核方式不能超过300字" in response.content.decode()
    unstated.refresh_from_db()
    assert unstated.assessment == "" and not AdminAction.objects.exists()


def test_a_city_admin_cannot_set_the_provinces_methods(seed, client_for, unstated):
    city_admin = make_user("city_admin", Profile.Role.ADMIN, SHENYANG)
    response = client_for(city_admin).post(_url(), {f"assessment_{unstated.pk}": "市里定"})
    assert response.status_code == 403
    unstated.refresh_from_db()
    assert unstated.assessment == "" and not AdminAction.objects.exists()


def test_a_reporter_cannot_set_methods(cast, client_for, unstated):
    response = client_for(cast["shenyang_reporter"]).post(_url(), {f"assessment_{unstated.pk}": "x"})
    assert response.status_code == 403
