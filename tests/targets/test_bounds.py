"""Numbers are bounded by the column that stores them, on every entry path."""

from decimal import Decimal

import pytest
from django.urls import reverse

from targets.grid import grid_for
from targets.models import Allocation, MonthlyFigure, column_max
from tests.conftest import DEMO_TODAY, SHENYANG

pytestmark = pytest.mark.django_db
LARGEST = Decimal("999999999999.99")


def test_the_bound_comes_from_the_column():
    assert column_max(MonthlyFigure, "value") == LARGEST
    assert column_max(Allocation, "value") == LARGEST


def _grid_post(client, plan, row, value):
    url = reverse("targets:grid", args=[plan.slug, 2022, 11, SHENYANG])
    data = {"version": grid_for(plan, 2022, 11, row.region, today=DEMO_TODAY).version}
    data[f"value_{row.allocation_id}"] = value
    data[f"orig_value_{row.allocation_id}"] = "" if row.value is None else f"{row.value.normalize():f}"
    data[f"remark_{row.allocation_id}"] = "核对过"
    return client.post(url, data)


@pytest.fixture
def shenyang_row(demo_plan, region, time_machine):
    time_machine.move_to(DEMO_TODAY)
    grid = grid_for(demo_plan, 2022, 11, region(SHENYANG), today=DEMO_TODAY)
    row = next(r for r in grid.rows if r.target.kind == "flow")
    row.region = region(SHENYANG)
    return row


def test_a_trillion_is_refused_on_the_grid_and_nothing_is_stored(shenyang_row, demo_plan, cast, client):
    client.force_login(cast["shenyang_reporter"])
    response = _grid_post(client, demo_plan, shenyang_row, "1000000000000")
    assert response.status_code == 200
    assert "数值过大" in response.content.decode()
    assert not MonthlyFigure.objects.filter(allocation_id=shenyang_row.allocation_id, value__gte=10**12).exists()


def test_the_largest_storable_value_is_saved_and_read_back_everywhere(shenyang_row, demo_plan, cast, client):
    client.force_login(cast["shenyang_reporter"])
    response = _grid_post(client, demo_plan, shenyang_row, "999999999999")
    assert response.status_code == 302, response.context["form"].errors
    figure = MonthlyFigure.objects.get(allocation_id=shenyang_row.allocation_id, month=11)
    assert figure.value == 999999999999  # a whole-number unit: the largest whole number the column holds
    assert client.get(reverse("targets:grid", args=[demo_plan.slug, 2022, 11, SHENYANG])).status_code == 200
    assert client.get(reverse("reports:my_region") + f"?plan={demo_plan.slug}&year=2022&month=11").status_code == 200


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_milestone_dates_far_outside_the_plan_are_refused(day, demo_plan, region, cast, client, time_machine):
    time_machine.move_to(DEMO_TODAY)
    grid = grid_for(demo_plan, 2022, 11, region(SHENYANG), today=DEMO_TODAY)
    row = next(r for r in grid.rows if r.is_milestone)
    data = {"version": grid.version, f"status_{row.allocation_id}": "done", f"date_{row.allocation_id}": day}
    data[f"remark_{row.allocation_id}"] = row.remark
    data[f"orig_remark_{row.allocation_id}"] = row.remark
    client.force_login(cast["shenyang_reporter"])
    response = client.post(reverse("targets:grid", args=[demo_plan.slug, 2022, 11, SHENYANG]), data)
    assert response.status_code == 200 and "完成日期应在" in response.content.decode()
    assert not MonthlyFigure.objects.filter(allocation_id=row.allocation_id, milestone_date=day).exists()
