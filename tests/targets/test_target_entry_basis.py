"""填报口径 per target: a target's own basis overrides the plan's, row by row, on the grid, in the Excel template
and its upload, and on the plan settings page of 系统管理."""

import datetime as dt
from decimal import Decimal
from io import BytesIO

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from plans.models import AdminAction, Plan, Profile
from targets.basis import cumulative_target_ids, row_is_cumulative
from targets.excel import COL_ID, COL_VALUE, FIRST_DATA_ROW, HEADER_ROW
from targets.models import MonthlyFigure, Target
from tests.conftest import add_figures, make_small_plan, make_user

YEAR = 2024
D = Decimal


@pytest.mark.parametrize(
    ("plan_basis", "target_basis", "kind", "expected"),
    [
        ("month", None, "flow", False),
        ("month", "", "flow", False),
        ("month", "cumulative", "flow", True),
        ("cumulative", None, "flow", True),
        ("cumulative", "month", "flow", False),
        ("cumulative", None, "milestone", False),
        ("month", "cumulative", "stock", True),  # typed as a month-end value, labelled so
    ],
)
def test_a_targets_own_basis_overrides_the_plans(plan_basis, target_basis, kind, expected):
    assert row_is_cumulative(plan_basis=plan_basis, target_basis=target_basis, kind=kind) is expected


@pytest.fixture
def mixed(db):
    """A monthly plan whose second flow target is typed as 1—N月累计."""
    plan, province, cities, (monthly, summed) = make_small_plan(
        year=YEAR,
        targets=[
            {"name": "职业技能培训", "value": D(12000), "unit": "人次", "kind": "flow", "period": "year"},
            {"name": "新增技能人才", "value": D(6000), "unit": "人", "kind": "flow", "period": "year"},
        ],
    )
    summed.entry_basis = Plan.EntryBasis.CUMULATIVE
    summed.save(update_fields=["entry_basis"])
    city = cities[0]
    return {
        "plan": plan,
        "province": province,
        "city": city,
        "monthly": add_figures(monthly, city, YEAR, D(12000), {1: D(100), 2: D(120)}),
        "summed": add_figures(summed, city, YEAR, D(6000), {1: D(50), 2: D(60)}),
        "targets": (monthly, summed),
        "reporter": make_user("rep1", Profile.Role.REPORTER, city.code),
    }


@pytest.fixture
def on_day():
    with time_machine.travel(dt.datetime(YEAR, 4, 7, 10, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False):
        yield


def _grid_url(s):
    return reverse("targets:grid", args=[s["plan"].slug, YEAR, 3, s["city"].code])


def _march(allocation):
    return MonthlyFigure.objects.get(allocation=allocation, month=3).value


def test_cumulative_target_ids_reads_each_targets_basis(mixed, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert cumulative_target_ids(mixed["plan"]) == {mixed["targets"][1].pk}


def test_a_mixed_grid_labels_each_row_and_converts_only_the_cumulative_rows(mixed, client_for, on_day):
    client = client_for(mixed["reporter"])
    html = client.get(_grid_url(mixed)).content.decode()
    assert "本月完成或累计" in html and "各行按其填报口径" in html
    assert 'aria-label="职业技能培训 本月完成"' in html and 'aria-label="新增技能人才 1—3月累计"' in html
    assert f'name="value_{mixed["summed"].id}" value=""' in html  # no March figure yet
    version = html.split('name="version" value="')[1].split('"')[0]
    data = {"version": version, "action": "save"}
    for allocation, value in ((mixed["monthly"], "130"), (mixed["summed"], "200")):
        data |= {f"value_{allocation.id}": value, f"orig_value_{allocation.id}": "", f"remark_{allocation.id}": ""}
    assert "已保存草稿" in client.post(_grid_url(mixed), data, follow=True).content.decode()
    assert _march(mixed["monthly"]) == D(130)  # typed as the month
    assert _march(mixed["summed"]) == D(90)  # 1—3月 200 less 110 already recorded
    shown = client.get(_grid_url(mixed)).content.decode()
    assert f'name="value_{mixed["summed"].id}" value="200"' in shown


def test_a_mixed_template_says_each_rows_basis_and_its_upload_converts_row_by_row(mixed, client_for, on_day):
    client = client_for(mixed["reporter"])
    url = reverse("targets:template", args=[mixed["plan"].slug, YEAR, 3]) + f"?region={mixed['city'].code}"
    workbook = load_workbook(BytesIO(client.get(url).content))
    sheet = workbook["填报"]
    assert sheet.cell(HEADER_ROW, COL_VALUE).value == "本月完成或1—3月累计"
    rows = {sheet.cell(r, COL_ID).value: r for r in range(FIRST_DATA_ROW, sheet.max_row + 1)}
    assert sheet.cell(rows[mixed["summed"].id], 8).value == "累计量（填1—3月累计）"
    assert sheet.cell(rows[mixed["monthly"].id], 8).value == "累计量（填本月数）"
    sheet.cell(rows[mixed["monthly"].id], COL_VALUE).value = 140
    sheet.cell(rows[mixed["summed"].id], COL_VALUE).value = 230
    buffer = BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "filled.xlsx"
    upload = reverse("targets:upload", args=[mixed["plan"].slug, YEAR, 3])
    response = client.post(upload, {"file": buffer, "next": _grid_url(mixed)}, follow=True)
    assert "上传成功" in response.content.decode()
    assert (_march(mixed["monthly"]), _march(mixed["summed"])) == (D(140), D(120))


def test_admin_sets_a_targets_basis_on_the_plan_settings_page_and_it_is_audited(mixed, client_for):
    admin = make_user("adm", Profile.Role.ADMIN, mixed["province"].code)
    monthly, summed = mixed["targets"]
    url = reverse("manage:plan_settings", args=[mixed["plan"].slug])
    page = client_for(admin).get(url).content.decode()
    assert 'id="target-bases"' in page and f'name="basis_{monthly.pk}"' in page
    body = {
        "entry_basis": "month",
        "reporting_deadline_day": "10",
        "lag_threshold_points": "10",
        f"basis_{monthly.pk}": "cumulative",
        f"basis_{summed.pk}": "",
    }
    assert client_for(admin).post(url, body).status_code == 302
    monthly.refresh_from_db()
    summed.refresh_from_db()
    assert (monthly.entry_basis, summed.entry_basis) == ("cumulative", None)
    detail = AdminAction.objects.get(action="方案设置").detail
    assert "职业技能培训 填报口径: 随方案 → 1—N月累计" in detail
    assert "新增技能人才 填报口径: 1—N月累计 → 随方案" in detail


def test_a_bad_target_basis_is_refused_in_chinese_with_nothing_written(mixed, client_for):
    admin = make_user("adm", Profile.Role.ADMIN, mixed["province"].code)
    monthly, _ = mixed["targets"]
    body = {
        "entry_basis": "cumulative",
        "reporting_deadline_day": "10",
        "lag_threshold_points": "10",
        f"basis_{monthly.pk}": "weekly",
    }
    response = client_for(admin).post(reverse("manage:plan_settings", args=[mixed["plan"].slug]), body)
    assert response.status_code == 200 and "填报口径只能是随方案、本月数或1—N月累计" in response.content.decode()
    assert Target.objects.get(pk=monthly.pk).entry_basis is None
    assert Plan.objects.get(pk=mixed["plan"].pk).entry_basis == "month"
    assert not AdminAction.objects.exists()
