"""One subtree: `Region.subtree_q` (the query) and `Region.is_within` (the Python) agree, "/" included."""

from decimal import Decimal

import pytest

from plans.models import Region
from targets.exports import template_rows
from targets.models import Allocation
from tests.conftest import make_region, make_small_plan, make_user

pytestmark = pytest.mark.django_db


def test_a_region_whose_code_extends_anothers_is_not_inside_it():
    plan, province, cities, targets = make_small_plan(cities=1)
    lookalike = make_region(province.code + "9", "同前缀地区", "province")  # path "9900009" starts with "990000"
    inside = set(Region.objects.filter(province.subtree_q(None)))
    assert inside == {province, cities[0]}
    assert inside == {r for r in Region.objects.all() if r.is_within(province)}
    assert lookalike not in Region.objects.subtree_of(province)


def test_the_entry_template_leaves_out_regions_that_only_share_a_code_prefix():
    plan, province, cities, targets = make_small_plan(cities=1)
    lookalike = make_region(province.code + "9", "同前缀地区", "province")
    Allocation.objects.create(target=targets[0], region=cities[0], year=2024, value=Decimal(10))
    Allocation.objects.create(target=targets[0], region=lookalike, year=2024, value=Decimal(10))
    admin = make_user("subtree-admin", "admin", province.code)
    rows = template_rows(plan, 2024, 3, province, admin)
    assert {row.region_code for row in rows} == {cities[0].code}
