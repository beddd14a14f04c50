"""Fixtures say only what the documents say: whole units split whole, an admin's assessment is the admin's."""

from decimal import Decimal

import pytest

from targets.models import ASSESSMENT_UNSTATED, Allocation, Target


@pytest.mark.parametrize(
    ("value", "unit", "shares"),
    [
        (Decimal(1000), "人次", [334, 333, 333]),
        (Decimal(500), "人次", [167, 167, 166]),
        (Decimal(80), "人", [27, 27, 26]),
        (Decimal(900), "人次", [300, 300, 300]),
    ],
)
def test_a_whole_plan_target_of_whole_units_splits_by_largest_remainder(value, unit, shares):
    target = Target(value=value, unit=unit, kind="flow", period="plan")
    assert [target.yearly_share(3, i) for i in range(3)] == shares
    assert sum(shares) == value


def test_a_divisible_amount_still_splits_evenly_in_cents():
    target = Target(value=Decimal(1000), unit="万元", kind="flow", period="plan")
    assert target.yearly_share(3) == Decimal("333.33")


def test_no_seed_allocation_holds_a_fraction_of_a_whole_unit(seed):
    from plans.reading import counts_whole

    for allocation in Allocation.objects.filter(is_demo=False, value__isnull=False).select_related("target"):
        target = allocation.target
        if counts_whole(target.kind, target.unit):
            assert allocation.value == allocation.value.to_integral_value(), (target.name, allocation.value)


def test_hubin_shares_of_three_years_add_up_to_the_documents_figure(seed):
    shares = Allocation.objects.filter(
        target__key_task__plan__slug="hubin-2019", department__name="区工信和科技局", is_demo=False
    ).order_by("year")
    by_target: dict[int, list] = {}
    for a in shares:
        by_target.setdefault(a.target_id, []).append(a.value)
    assert by_target, "the annex gives 区工信和科技局 shares"
    for values in by_target.values():
        assert all(v == v.to_integral_value() for v in values)


def test_an_assessment_says_whose_it_is(db):
    from django.contrib.auth import get_user_model

    admin = get_user_model()(username="adm", first_name="明", last_name="王")
    assert Target(assessment="").assessment_statement == ASSESSMENT_UNSTATED == "文件未明确考核方式"
    quoted = Target(assessment="“按月通报”（002 第43行）", assessment_source="document")
    assert quoted.assessment_statement == "“按月通报”（002 第43行）"
    set_by_admin = Target(assessment="年底统计核定", assessment_source="admin", assessment_set_by=admin)
    assert set_by_admin.assessment_statement == "年底统计核定（管理员王明设定，非文件规定）"


def test_an_assessment_typed_in_the_admin_is_recorded_as_the_admins(seed, cast, client_for):
    from django.urls import reverse

    target = Target.objects.filter(key_task__plan__slug="suqian-2022", is_reported=False).first()
    superuser = cast["admin"]
    superuser.is_staff = superuser.is_superuser = True
    superuser.save()
    from django.contrib.admin.sites import site
    from django.test import RequestFactory

    from targets.admin import TargetAdmin

    request = RequestFactory().post("/")
    request.user = superuser
    model_admin = TargetAdmin(Target, site)
    form_class = model_admin.get_form(request, target)
    data = {f: getattr(target, f) for f in form_class.base_fields if hasattr(target, f)}
    data.update(key_task=target.key_task_id, assessment="年底统计核定", readings="[]")
    form = form_class(data=data, instance=target)
    form.is_valid()
    target.assessment = "年底统计核定"
    model_admin.save_model(request, target, form, change=True)
    target.refresh_from_db()
    assert (target.assessment_source, target.assessment_set_by) == ("admin", superuser)
    assert reverse("admin:targets_target_change", args=[target.pk])
