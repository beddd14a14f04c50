"""Who sees which plans and regions: one scope for every list, form, export and dashboard."""

import pytest

from plans.models import Plan
from plans.scope import scope_for
from targets.models import Allocation
from tests.conftest import DALIAN, SHENYANG

pytestmark = pytest.mark.django_db


def test_no_provincial_user_is_global_admins_included(cast):
    assert not scope_for(cast["admin"]).is_global
    assert not scope_for(cast["shenyang_reporter"]).is_global
    assert scope_for(cast["outsider"]).role is None


def test_plans_visible_to_a_city_user_are_those_covering_their_city(cast):
    slugs = set(Plan.objects.visible_to(cast["dalian_viewer"]).values_list("slug", flat=True))
    assert slugs == {"liaoning-2022"}
    assert not Plan.objects.visible_to(cast["outsider"]).exists()
    assert Plan.objects.visible_to(cast["admin"]).count() == 1


def test_allocations_visible_to_a_city_reporter_are_their_citys_only(cast, demo_plan):
    visible = Allocation.objects.visible_to(cast["shenyang_reporter"]).filter(target__key_task__plan=demo_plan)
    assert visible.exists()
    assert set(visible.values_list("region__code", flat=True)) == {SHENYANG}
    dalian = Allocation.objects.visible_to(cast["dalian_viewer"]).filter(region__code=SHENYANG)
    assert not dalian.exists()


def test_scope_covers_subtree_only(cast, region):
    scope = scope_for(cast["dalian_viewer"])
    assert scope.covers(region(DALIAN))
    assert not scope.covers(region(SHENYANG))
    assert not scope.covers(region("210000"))
