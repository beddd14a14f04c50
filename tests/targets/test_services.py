"""Service tests for the writes no page test pins down alone: uploads across regions, allocations, admin edits."""

import datetime as dt
from decimal import Decimal
from io import BytesIO

import openpyxl
import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from targets.excel import build_entry_template
from targets.exports import template_rows
from targets.models import Allocation, AuditEntry, MonthlyFigure, Rollup, Submission
from targets.services import ReportingError, allocations_save, audit_admin_change, figures_upload
from tests.conftest import make_small_plan, make_user

pytestmark = pytest.mark.django_db

YEAR, MONTH = 2024, 2
TODAY = dt.date(2024, 3, 5)  # February is open until 10 March
VALUE_COLUMN = 11


@pytest.fixture
def small():
    plan, province, cities, targets = make_small_plan(cities=2, year=YEAR)
    allocations = [
        Allocation.objects.create(target=targets[0], region=city, year=YEAR, value=Decimal(20000)) for city in cities
    ]
    admin = make_user("province-admin", "admin", province.code)
    return plan, province, cities, targets[0], allocations, admin


def filled_template(plan, province, user, values: dict[int, int]) -> bytes:
    """The province's entry template as a user saves it after typing `values` (allocation id → value)."""
    with time_machine.travel(TODAY, tick=False):  # the template locks the rows of closed months
        rows = template_rows(plan, YEAR, MONTH, province, user)
    data = build_entry_template(plan_title=plan.title, plan_slug=plan.slug, year=YEAR, month=MONTH, rows=rows)
    workbook = openpyxl.load_workbook(BytesIO(data))
    sheet = workbook["填报"]
    for number, row in enumerate(rows, start=4):
        if row.allocation_id in values:
            sheet.cell(number, VALUE_COLUMN).value = values[row.allocation_id]
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- figures_upload ---------------------------------------------------------------------------------------------


def test_an_upload_saves_every_region_it_holds_and_audits_it(small):
    plan, province, cities, target, (first, second), admin = small
    data = filled_template(plan, province, admin, {first.id: 1200, second.id: 800})
    result = figures_upload(plan=plan, year=YEAR, month=MONTH, data=data, user=admin, today=TODAY)
    assert (result.regions, result.rows, result.changed) == (2, 2, 2)
    figures = MonthlyFigure.objects.filter(allocation__target=target, month=MONTH)
    saved = dict(figures.values_list("allocation_id", "value"))
    assert saved == {first.id: Decimal(1200), second.id: Decimal(800)}
    assert AuditEntry.objects.filter(plan=plan, via=AuditEntry.Via.UPLOAD, field="value").count() == 2


def test_an_upload_with_one_region_refused_writes_nothing_for_any_region(small):
    plan, province, cities, target, (first, second), admin = small
    data = filled_template(plan, province, admin, {first.id: 1200, second.id: 800})
    # Between download and upload the province approved the second city's month: it is locked now.
    Submission.objects.create(plan=plan, region=cities[1], year=YEAR, month=MONTH, status=Submission.Status.APPROVED)
    rollups_before = list(Rollup.objects.filter(target=target).values_list("region_id", "month", "value"))

    with pytest.raises(ReportingError) as refused:
        figures_upload(plan=plan, year=YEAR, month=MONTH, data=data, user=admin, today=TODAY)

    assert any(cities[1].name in message and "锁定" in message for message in refused.value.messages)
    assert not MonthlyFigure.objects.filter(allocation__target=target).exists()  # the first city's valid row too
    assert not AuditEntry.objects.filter(plan=plan).exists()
    assert list(Rollup.objects.filter(target=target).values_list("region_id", "month", "value")) == rollups_before


def test_an_upload_with_rows_outside_the_users_region_is_refused_whole(small):
    plan, province, cities, target, (first, second), admin = small
    data = filled_template(plan, province, admin, {first.id: 1200, second.id: 800})
    reporter = make_user("city-reporter", "reporter", cities[0].code)
    with pytest.raises(ReportingError) as refused:
        figures_upload(plan=plan, year=YEAR, month=MONTH, data=data, user=reporter, today=TODAY)
    assert any(f"您无权填报“{cities[1].name}”" in message for message in refused.value.messages)
    assert not MonthlyFigure.objects.filter(allocation__target=target).exists()


# --- allocations_save -------------------------------------------------------------------------------------------


def test_allocations_save_sets_the_shares_audits_them_and_warns_when_short(small):
    plan, province, cities, target, (first, second), admin = small
    result = allocations_save(
        target=target, year=YEAR, shares={cities[0].id: Decimal(15000), cities[1].id: None}, user=admin
    )
    assert result.saved == 2
    values = dict(Allocation.objects.filter(target=target, year=YEAR).values_list("region_id", "value"))
    assert values == {cities[0].id: Decimal(15000), cities[1].id: None}
    audited = AuditEntry.objects.filter(subject=AuditEntry.Subject.ALLOCATION, target=target)
    assert {(a.region_id, a.old_value, a.new_value) for a in audited} == {
        (cities[0].id, "20000", "15000"),
        (cities[1].id, "20000", ""),
    }
    assert result.warnings  # 15000 of 50000 distributed


def test_allocations_save_is_for_the_provincial_admin_only(small):
    plan, province, cities, target, allocations, admin = small
    reporter = make_user("city-reporter", "reporter", cities[0].code)
    with pytest.raises(PermissionDenied):
        allocations_save(target=target, year=YEAR, shares={cities[0].id: Decimal(1)}, user=reporter)
    assert Allocation.objects.get(pk=allocations[0].pk).value == Decimal(20000)


def test_a_negative_share_refuses_the_whole_save(small):
    plan, province, cities, target, allocations, admin = small
    with pytest.raises(ReportingError):
        allocations_save(
            target=target, year=YEAR, shares={cities[0].id: Decimal(1), cities[1].id: Decimal(-5)}, user=admin
        )
    assert [a.value for a in Allocation.objects.filter(target=target).order_by("region__code")] == [
        Decimal(20000),
        Decimal(20000),
    ]
    assert not AuditEntry.objects.filter(plan=plan).exists()


# --- audit_admin_change -----------------------------------------------------------------------------------------


def _province_total(target, province, month: int):
    rollup = Rollup.objects.filter(target=target, region=province, year=YEAR, month=month).first()
    return rollup.value if rollup else Decimal(0)


def test_an_admin_edit_of_an_allocation_is_audited_and_rolled_up(small):
    plan, province, cities, target, (first, second), admin = small
    before = _province_total(target, province, 0)
    initial = {"value": first.value, "note": ""}
    first.value, first.note = Decimal(25000), "后台调整"
    first.save()
    audit_admin_change(obj=first, changed=["value", "note"], initial=initial, user=admin)

    entry = AuditEntry.objects.get(plan=plan)
    assert (entry.subject, entry.via, entry.field) == (AuditEntry.Subject.ALLOCATION, AuditEntry.Via.ADMIN, "value")
    assert (entry.old_value, entry.new_value, entry.month) == ("20000", "25000", None)
    assert _province_total(target, province, 0) == before + Decimal(5000)


def test_an_admin_edit_of_a_figure_is_audited_for_its_month_and_rolled_up(small):
    plan, province, cities, target, (first, second), admin = small
    figure = MonthlyFigure.objects.create(allocation=first, month=MONTH, value=Decimal(100))
    initial = {"value": figure.value, "remark": ""}
    figure.value, figure.remark = Decimal(160), "更正"
    figure.save()
    audit_admin_change(obj=figure, changed=["value", "remark"], initial=initial, user=admin)

    entries = {e.field: e for e in AuditEntry.objects.filter(plan=plan)}
    assert set(entries) == {"value", "remark"}
    assert (entries["value"].subject, entries["value"].month) == (AuditEntry.Subject.FIGURE, MONTH)
    assert (entries["value"].old_value, entries["value"].new_value) == ("100", "160")
    assert _province_total(target, province, MONTH) == Decimal(60)  # the delta: the figure row was made directly
