"""Review that sees: the review page, submitting with empty rows confirmed as 本月无进展, warnings for the rows
changed in this save only with their real averages, the bell item done when its task is."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from plans.models import Profile
from targets.models import MonthlyFigure, Notification, Submission
from targets.services import FigureEntry, figures_save, submission_submit
from tests.conftest import add_figures, make_small_plan, make_user

YEAR = 2024
FLOW = {"name": "急需紧缺工种培训", "value": Decimal(50000), "unit": "人次", "kind": "flow", "period": "year"}
SMALL = {"name": "新建实训基地", "value": Decimal(12), "unit": "个", "kind": "flow", "period": "year"}


@pytest.fixture
def on_day():
    with time_machine.travel(dt.datetime(YEAR, 4, 7, 2, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def month(db):
    plan, province, cities, (flow, small) = make_small_plan(year=YEAR, targets=[FLOW, SMALL])
    city = cities[0]
    a_flow = add_figures(flow, city, YEAR, Decimal(12000), {1: Decimal(1000), 2: Decimal(900)})
    a_small = add_figures(small, city, YEAR, Decimal(12), {1: Decimal(0), 2: Decimal(1)})
    return {
        "plan": plan,
        "city": city,
        "flow": a_flow,
        "small": a_small,
        "reporter": make_user("r1", Profile.Role.REPORTER, city.code),
        "admin": make_user("a0", Profile.Role.ADMIN, province.code),
    }


def _grid_url(month):
    return reverse("targets:grid", args=[month["plan"].slug, YEAR, 3, month["city"].code])


def _post(client, month, action, **values):
    data = {"version": "0", "action": action}
    for key in ("flow", "small"):
        pk = month[key].pk
        data |= {
            f"value_{pk}": values.get(key, ""),
            f"remark_{pk}": "",
            f"orig_value_{pk}": "",
            f"orig_remark_{pk}": "",
        }
    data["no_progress"] = [str(month[k].pk) for k in values.get("confirm", [])]
    return client.post(_grid_url(month), data)


def test_submitting_with_an_empty_row_asks_to_confirm_it_and_writes_nothing(month, client_for, on_day):
    client = client_for(month["reporter"])
    response = _post(client, month, "submit", flow="1100")
    html = response.content.decode()
    assert response.status_code == 200 and "还有1项未填写" in html and 'id="empty-rows"' in html
    assert "新建实训基地：本月无进展（记为0）" in html
    assert not MonthlyFigure.objects.filter(allocation=month["flow"], month=3).exists()
    assert not Submission.objects.filter(plan=month["plan"], status=Submission.Status.SUBMITTED).exists()


def test_a_confirmed_empty_row_is_stored_as_a_months_zero_and_the_month_submitted(month, client_for, on_day):
    client = client_for(month["reporter"])
    response = _post(client, month, "submit", flow="1100", confirm=["small"])
    assert response.status_code == 302
    figure = MonthlyFigure.objects.get(allocation=month["small"], month=3)
    assert figure.value == Decimal(0)
    assert Submission.objects.get(plan=month["plan"], region=month["city"], month=3).status == "submitted"


def test_saving_a_draft_with_empty_rows_needs_no_confirmation(month, client_for, on_day):
    response = _post(client_for(month["reporter"]), month, "save", flow="1100")
    assert response.status_code == 302
    assert not MonthlyFigure.objects.filter(allocation=month["small"], month=3).exists()


def test_warnings_name_the_real_average_and_only_for_rows_changed_in_this_save(month, on_day):
    plan, city, reporter = month["plan"], month["city"], month["reporter"]

    def save(value, original, remark):
        entry = FigureEntry(
            allocation_id=month["small"].pk, value=value, remark=remark, original_value=original, original_remark=remark
        )
        return figures_save(
            plan=plan, region=city, year=YEAR, month=3, entries=[entry], user=reporter, expected_version=None
        )

    first = save(Decimal(5), None, "新增5个")
    assert first.warnings == ["“新建实训基地”：本月数5远高于以往月均值(0.5)的3倍"]
    again = save(Decimal(5), Decimal(5), "新增5个")  # saved again untouched: no warning repeated
    assert again.warnings == []


def test_a_reviewer_opens_a_submitted_month_on_the_review_page(month, client_for, on_day):
    plan, city = month["plan"], month["city"]
    figures_save(
        plan=plan,
        region=city,
        year=YEAR,
        month=3,
        entries=[
            FigureEntry(
                allocation_id=month["flow"].pk, value=Decimal(1100), remark="", original_value=None, original_remark=""
            )
        ],
        user=month["reporter"],
        expected_version=None,
    )
    sub = submission_submit(plan=plan, region=city, year=YEAR, month=3, user=month["reporter"])
    client = client_for(month["admin"])
    response = client.get(_grid_url(month))
    assert response.status_code == 302 and response.url == reverse("targets:review", args=[sub.pk])
    html = client.get(response.url).content.decode()
    assert "<input" not in html.split('id="review-rows"')[1].split("</table>")[0]  # read-only
    rows = html.split('id="review-rows"')[1].split("</table>")[0]
    assert "1100" in rows and "900" in rows and "+200" in rows  # this month, last month, the change
    flagged = html.split('id="review-flagged"')[1].split("</table>")[0]
    assert "新建实训基地" in flagged and "未填" in flagged  # the empty row is shown
    assert reverse("targets:submission_review", args=[sub.pk, "approve"]) in html and 'name="reason"' in html


def test_another_citys_admin_cannot_open_the_review_page(month, client_for, on_day):
    sub = submission_submit(plan=month["plan"], region=month["city"], year=YEAR, month=3, user=month["reporter"])
    other = make_user("ca", Profile.Role.ADMIN, "990200")
    assert client_for(other).get(reverse("targets:review", args=[sub.pk])).status_code == 404


def test_the_bell_items_are_done_when_their_task_is(month, client_for, on_day):
    plan, city, admin = month["plan"], month["city"], month["admin"]
    Notification.objects.create(user=month["reporter"], kind="reminder", title="催报", url=_grid_url(month))
    sub = submission_submit(plan=plan, region=city, year=YEAR, month=3, user=month["reporter"])
    assert Notification.objects.get(user=month["reporter"], kind="reminder").done_at is not None
    assert Notification.objects.get(user=admin, kind="submitted").done_at is None
    client_for(admin).post(reverse("targets:submission_review", args=[sub.pk, "approve"]))
    assert Notification.objects.get(user=admin, kind="submitted").done_at is not None
