"""One test-client POST per write view of targets: the form reaches its service and the page says so."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from targets.forms import GridForm
from targets.grid import grid_for
from targets.models import Allocation, MonthlyFigure, Submission
from tests.conftest import make_small_plan, make_user
from tests.targets.test_services import filled_template

pytestmark = pytest.mark.django_db

YEAR, MONTH = 2024, 2
TODAY = dt.date(2024, 3, 5)  # February is open until 10 March


@pytest.fixture
def small():
    plan, province, cities, targets = make_small_plan(cities=2, year=YEAR)
    allocations = [
        Allocation.objects.create(target=targets[0], region=city, year=YEAR, value=Decimal(20000)) for city in cities
    ]
    users = {
        "admin": make_user("province-admin", "admin", province.code),
        "reporter": make_user("city-reporter", "reporter", cities[0].code),
    }
    return plan, province, cities, allocations, users


@pytest.fixture(autouse=True)
def in_march():
    with time_machine.travel(dt.datetime(2024, 3, 5, 10, 0), tick=False):
        yield


def _grid_post(plan, region, values: dict[int, str], **extra) -> tuple[str, dict]:
    """The grid's URL and its form as a browser sends it back with `values` typed in."""
    form = GridForm(grid_for(plan, YEAR, MONTH, region, today=TODAY))
    data = {name: "" if form[name].value() is None else form[name].value() for name in form.fields}
    data |= {f"value_{pk}": value for pk, value in values.items()} | extra
    return reverse("targets:grid", args=[plan.slug, YEAR, MONTH, region.code]), data


def _submission(plan, region) -> Submission:
    return Submission.objects.get(plan=plan, region=region, year=YEAR, month=MONTH)


def test_grid_post_saves_the_draft(small, client):
    plan, province, cities, (own, other), users = small
    client.force_login(users["reporter"])
    url, data = _grid_post(plan, cities[0], {own.id: "1500"})
    response = client.post(url, data)
    assert response.status_code == 302
    assert MonthlyFigure.objects.get(allocation=own, month=MONTH).value == Decimal(1500)


def test_grid_post_with_submit_reports_the_month(small, client):
    plan, province, cities, (own, other), users = small
    client.force_login(users["reporter"])
    url, data = _grid_post(plan, cities[0], {own.id: "1500"}, action="submit")
    assert client.post(url, data).status_code == 302
    assert _submission(plan, cities[0]).status == Submission.Status.SUBMITTED


def test_grid_post_with_a_bad_value_shows_the_form_again_and_saves_nothing(small, client):
    plan, province, cities, (own, other), users = small
    client.force_login(users["reporter"])
    url, data = _grid_post(plan, cities[0], {own.id: "-3"})
    response = client.post(url, data)
    assert response.status_code == 200 and response.context["form"].errors
    assert not MonthlyFigure.objects.filter(allocation=own).exists()


@pytest.mark.parametrize("action, status", [("approve", "approved"), ("return", "returned")])
def test_submission_review_post_approves_or_returns(small, client, action, status):
    plan, province, cities, (own, other), users = small
    client.force_login(users["reporter"])
    client.post(*_grid_post(plan, cities[0], {own.id: "1500"}, action="submit"))
    client.force_login(users["admin"])
    submission = _submission(plan, cities[0])
    url = reverse("targets:submission_review", args=[submission.pk, action])
    assert client.post(url, {"reason": "数字有误"}).status_code == 302
    submission.refresh_from_db()
    assert submission.status == status
    assert submission.return_reason == ("数字有误" if action == "return" else "")


def test_reopen_post_opens_a_closed_month_until_the_date_given(small, client):
    plan, province, cities, (own, other), users = small
    with time_machine.travel(dt.datetime(2024, 3, 20, 10, 0), tick=False):  # past the 10 March deadline
        client.force_login(users["admin"])
        url = reverse("targets:reopen", args=[plan.slug, YEAR, MONTH, cities[0].code])
        assert client.post(url, {"until": "2024-03-31"}).status_code == 302
        assert _submission(plan, cities[0]).reopened_until == dt.date(2024, 3, 31)
        client.force_login(users["reporter"])
        url, data = _grid_post(plan, cities[0], {own.id: "900"})
        assert client.post(url, data).status_code == 302
    assert MonthlyFigure.objects.get(allocation=own, month=MONTH).value == Decimal(900)


def test_upload_post_saves_the_template(small, client):
    plan, province, cities, (first, second), users = small
    client.force_login(users["admin"])
    data = filled_template(plan, province, users["admin"], {first.id: 1200, second.id: 800})
    upload = SimpleUploadedFile("模板.xlsx", data)
    response = client.post(reverse("targets:upload", args=[plan.slug, YEAR, MONTH]), {"file": upload})
    assert response.status_code == 302
    assert MonthlyFigure.objects.filter(allocation__in=[first, second], month=MONTH).count() == 2


def test_upload_post_of_a_refused_file_lists_the_errors(small, client):
    plan, province, cities, allocations, users = small
    client.force_login(users["admin"])
    upload = SimpleUploadedFile("模板.xlsx", b"not a workbook")
    response = client.post(reverse("targets:upload", args=[plan.slug, YEAR, MONTH]), {"file": upload})
    assert response.status_code == 400
    assert response.context["errors"]


def test_allocations_post_saves_the_shares(small, client):
    plan, province, cities, (first, second), users = small
    client.force_login(users["admin"])
    target = first.target
    url = reverse("targets:allocations", args=[plan.slug]) + f"?target={target.pk}&year={YEAR}"
    response = client.post(url, {f"r_{cities[0].id}": "30000", f"r_{cities[1].id}": "20000"})
    assert response.status_code == 302
    values = dict(Allocation.objects.filter(target=target, year=YEAR).values_list("region_id", "value"))
    assert values[cities[0].id] == Decimal(30000) and values[cities[1].id] == Decimal(20000)
