"""Admins are bounded by their region like every other role; only the nationwide role sees everything."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from plans.admin import ProfileForm
from plans.models import ApiToken, Plan, Profile
from plans.scope import scope_for
from targets.models import Allocation, AuditEntry, Submission, Target
from targets.services import allocations_save
from tests.conftest import DALIAN, LIAONING, SHENYANG, make_user

pytestmark = pytest.mark.django_db
JILIN = "220000"


@pytest.fixture
def city_admin(seed):
    return make_user("shenyang_admin", Profile.Role.ADMIN, SHENYANG)


@pytest.fixture
def jilin_admin(seed):
    return make_user("jilin_admin", Profile.Role.ADMIN, JILIN)


def _submission(plan_slug, code, status=Submission.Status.SUBMITTED):
    submission = Submission.objects.filter(plan__slug=plan_slug, region__code=code).order_by("-month").first()
    Submission.objects.filter(pk=submission.pk).update(status=status)
    return submission


def test_city_admin_cannot_approve_or_return_another_citys_submission(city_admin, demo_plan, client):
    submission = _submission(demo_plan.slug, DALIAN)
    client.force_login(city_admin)
    for action in ("approve", "return"):
        url = reverse("targets:submission_review", args=[submission.pk, action])
        assert client.post(url, {"reason": "退回"}).status_code == 403
    assert Submission.objects.get(pk=submission.pk).status == Submission.Status.SUBMITTED


def test_provincial_admin_still_approves_in_their_province(cast, demo_plan, client):
    submission = _submission(demo_plan.slug, DALIAN)
    client.force_login(cast["admin"])
    client.post(reverse("targets:submission_review", args=[submission.pk, "approve"]))
    assert Submission.objects.get(pk=submission.pk).status == Submission.Status.APPROVED


def test_city_admin_cannot_rewrite_another_citys_allocation(city_admin, demo_plan, region):
    target = Target.objects.filter(key_task__plan=demo_plan).exclude(kind="milestone").first()
    dalian = region(DALIAN)
    before = list(Allocation.objects.filter(target=target).values_list("id", "value"))
    with pytest.raises(PermissionDenied):
        allocations_save(target=target, year=2022, shares={dalian.id: 1}, user=city_admin)
    assert list(Allocation.objects.filter(target=target).values_list("id", "value")) == before


def test_city_admins_allocation_page_lists_only_their_subtree(city_admin, demo_plan, client):
    client.force_login(city_admin)
    response = client.get(reverse("targets:allocations", args=[demo_plan.slug]))
    assert response.status_code == 200
    assert "大连" not in "".join(str(r) for r in response.context["form"].regions)


def test_city_admin_cannot_edit_the_provinces_next_steps(city_admin, demo_plan, client):
    client.force_login(city_admin)
    response = client.post(reverse("reports:next_steps", args=[demo_plan.slug]), {"next_steps": "篡改"})
    assert response.status_code == 403
    assert "篡改" not in Plan.objects.get(pk=demo_plan.pk).next_steps


def test_city_admin_reads_only_their_subtrees_audit_log(city_admin, demo_plan, client, region):
    AuditEntry.objects.create(
        subject=AuditEntry.Subject.FIGURE, plan=demo_plan, region=region(DALIAN), remark="大连的秘密备注"
    )
    AuditEntry.objects.create(
        subject=AuditEntry.Subject.FIGURE, plan=demo_plan, region=region(SHENYANG), remark="沈阳的备注"
    )
    client.force_login(city_admin)
    body = client.get(reverse("targets:audit_log")).content.decode()
    assert "沈阳的备注" in body
    assert "大连的秘密备注" not in body


def test_provincial_admin_is_bounded_by_their_province(cast, jilin_admin, demo_plan):
    liaoning = scope_for(cast["admin"])
    assert not liaoning.is_global
    assert set(Plan.objects.visible_to(cast["admin"]).values_list("slug", flat=True)) == {"liaoning-2022"}
    assert set(Plan.objects.visible_to(jilin_admin).values_list("slug", flat=True)) == {"jilin-2022"}


def test_liaoning_admin_cannot_touch_jilins_grid_submission_or_api(cast, demo_plan, client):
    jilin = Plan.objects.get(slug="jilin-2022")
    submission = _submission("jilin-2022", "220100")
    client.force_login(cast["admin"])
    assert client.get(reverse("targets:grid", args=[jilin.slug, 2023, 5, "220100"])).status_code == 404
    assert client.get(reverse("targets:allocations", args=[jilin.slug])).status_code == 404
    review = reverse("targets:submission_review", args=[submission.pk, "approve"])
    assert client.post(review).status_code == 403
    assert Submission.objects.get(pk=submission.pk).status == Submission.Status.SUBMITTED
    _, key = ApiToken.issue(cast["admin"], "测试")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    assert client.get(f"/api/plans/{jilin.slug}", **auth).status_code == 404
    codes = {r["code"] for r in client.get("/api/regions", **auth).json()}
    assert LIAONING in codes and JILIN not in codes


def test_nationwide_role_sees_every_province(seed):
    national = make_user("ministry", Profile.Role.NATIONAL)
    assert scope_for(national).is_global
    assert Plan.objects.visible_to(national).count() == 4


def test_only_a_superuser_grants_the_nationwide_role(cast):
    data = {"user": cast["outsider"].pk, "role": Profile.Role.NATIONAL}
    refused = ProfileForm(data)
    assert not refused.is_valid() and "role" in refused.errors
    granted = type("F", (ProfileForm,), {"granted_by_superuser": True})(data)
    assert granted.is_valid(), granted.errors


def test_a_role_other_than_nationwide_needs_a_region(cast):
    form = type("F", (ProfileForm,), {"granted_by_superuser": True})(
        {"user": cast["outsider"].pk, "role": Profile.Role.ADMIN}
    )
    assert not form.is_valid() and "region" in form.errors
