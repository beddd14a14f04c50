"""Finding 4 of issue 21: a department's share saved through the plan region's grid (or its upload) obeys the
lock of the department's own month."""

from decimal import Decimal

import pytest

from targets.errors import ReportingError
from targets.models import AuditEntry, MonthlyFigure, Submission
from targets.services import FigureEntry, figures_save, submission_approve, submission_submit
from tests.targets.test_departments import TODAY, YEAR, setup  # noqa: F401 - the fixture


def save_through_region_grid(s, allocation, value, user=None):
    return figures_save(
        plan=s["plan"],
        region=s["province"],
        year=YEAR,
        month=3,
        entries=[FigureEntry(allocation_id=allocation.id, value=Decimal(value))],
        user=user or s["province_reporter"],
        expected_version=None,
        today=TODAY,
    )


def approve_department(s, department):
    submission = submission_submit(
        plan=s["plan"],
        region=s["province"],
        year=YEAR,
        month=3,
        user=s["hr_reporter"],
        today=TODAY,
        department=department,
    )
    submission_approve(submission_id=submission.pk, user=s["admin"])


def test_the_region_grid_cannot_change_a_share_of_an_approved_department_month(setup):  # noqa: F811
    s = setup
    approve_department(s, s["hr"])
    with pytest.raises(ReportingError) as caught:
        save_through_region_grid(s, s["shares"][s["hr"]], 999)
    assert "测试人社厅" in caught.value.messages[0] and "锁定" in caught.value.messages[0]
    assert not MonthlyFigure.objects.filter(allocation=s["shares"][s["hr"]]).exists()
    assert not AuditEntry.objects.filter(allocation=s["shares"][s["hr"]]).exists()


def test_an_admin_cannot_either_until_the_department_month_is_reopened(setup):  # noqa: F811
    s = setup
    approve_department(s, s["hr"])
    with pytest.raises(ReportingError):
        save_through_region_grid(s, s["shares"][s["hr"]], 999, user=s["admin"])


def test_a_submitted_department_month_is_closed_to_the_region_reporter(setup):  # noqa: F811
    s = setup
    submission_submit(
        plan=s["plan"], region=s["province"], year=YEAR, month=3, user=s["hr_reporter"], today=TODAY, department=s["hr"]
    )
    with pytest.raises(ReportingError, match="已报送"):
        save_through_region_grid(s, s["shares"][s["hr"]], 5)


def test_another_departments_open_share_is_still_saved_through_the_region_grid(setup):  # noqa: F811
    s = setup
    approve_department(s, s["hr"])
    save_through_region_grid(s, s["shares"][s["edu"]], 7)
    assert MonthlyFigure.objects.get(allocation=s["shares"][s["edu"]]).value == 7
    assert Submission.objects.get(plan=s["plan"], department=s["hr"], month=3).status == "approved"
