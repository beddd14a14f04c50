"""The Excel round trip through the upload page: a stale template cannot undo newer work, and the template's
hidden sheet cannot change what a row is."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from targets.excel import COL_ID, COL_STATUS, COL_VALUE, FIRST_DATA_ROW, META_SHEET
from targets.grid import grid_for
from targets.models import Allocation, MonthlyFigure
from targets.services import FigureEntry, figures_save
from tests.conftest import DEMO_TODAY, SHENYANG

pytestmark = pytest.mark.django_db
MONTH = 11


@pytest.fixture
def reporter(cast, client, time_machine):
    time_machine.move_to(DEMO_TODAY)
    client.force_login(cast["shenyang_reporter"])
    return cast["shenyang_reporter"]


def _download(client, plan) -> openpyxl.Workbook:
    url = reverse("targets:template", args=[plan.slug, 2022, MONTH]) + f"?region={SHENYANG}"
    response = client.get(url)
    assert response.status_code == 200
    return openpyxl.load_workbook(
        io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)
    )


def _rows(workbook, kind: str):
    """(sheet row number, allocation id) of the rows already filled in whose target has `kind` in the database."""
    sheet = workbook.worksheets[0]
    found = []
    for number in range(FIRST_DATA_ROW, sheet.max_row + 1):
        pk = sheet.cell(number, COL_ID).value
        filled = sheet.cell(number, COL_VALUE).value is not None
        if filled and isinstance(pk, int) and Allocation.objects.filter(pk=pk, target__kind=kind).exists():
            found.append((number, pk))
    return found


def _upload(client, plan, workbook):
    buffer = io.BytesIO()
    workbook.save(buffer)
    url = reverse("targets:upload", args=[plan.slug, 2022, MONTH])
    return client.post(url, {"file": SimpleUploadedFile("t.xlsx", buffer.getvalue())})


def _correct_on_screen(plan, region, allocation_id, value, user):
    grid = grid_for(plan, 2022, MONTH, region, today=DEMO_TODAY)
    row = next(r for r in grid.rows if r.allocation_id == allocation_id)
    figures_save(
        plan=plan,
        region=region,
        year=2022,
        month=MONTH,
        entries=[
            FigureEntry(
                allocation_id=allocation_id,
                value=value,
                remark="屏幕上更正",
                original_value=row.value,
                original_remark=row.remark,
            )
        ],
        user=user,
        expected_version=grid.version,
        today=DEMO_TODAY,
    )


def test_an_old_template_cannot_undo_a_newer_correction(reporter, demo_plan, client, region):
    workbook = _download(client, demo_plan)
    (first, corrected), (second, other) = _rows(workbook, "flow")[:2]
    _correct_on_screen(demo_plan, region(SHENYANG), corrected, Decimal(4321), reporter)
    workbook.worksheets[0].cell(second, COL_VALUE).value = 77
    response = _upload(client, demo_plan, workbook)
    body = response.content.decode()
    assert response.status_code == 400
    assert "下载模板后已被修改" in body and f"第{first}行" in body and "4321" in body
    assert MonthlyFigure.objects.get(allocation_id=corrected, month=MONTH).value == 4321
    assert MonthlyFigure.objects.get(allocation_id=other, month=MONTH).value != 77


def test_a_fresh_template_uploads(reporter, demo_plan, client):
    workbook = _download(client, demo_plan)
    (number, pk), *_ = _rows(workbook, "flow")
    workbook.worksheets[0].cell(number, COL_VALUE).value = 77
    assert _upload(client, demo_plan, workbook).status_code == 302
    assert MonthlyFigure.objects.get(allocation_id=pk, month=MONTH).value == 77


def _meta_row(workbook, allocation_id: int) -> int:
    meta = workbook[META_SHEET]
    return next(n for n in range(1, meta.max_row + 1) if meta.cell(n, 1).value == allocation_id)


def test_an_edited_unit_in_the_hidden_sheet_does_not_allow_fractions(reporter, demo_plan, client):
    workbook = _download(client, demo_plan)
    (number, pk), *_ = _rows(workbook, "flow")
    assert Allocation.objects.get(pk=pk).target.unit in ("人", "人次", "张", "个", "家", "所", "场次", "名")
    workbook[META_SHEET].cell(_meta_row(workbook, pk), 3).value = "万人"
    workbook.worksheets[0].cell(number, COL_VALUE).value = 3.5
    response = _upload(client, demo_plan, workbook)
    assert response.status_code == 400 and "应为整数" in response.content.decode()


def test_an_edited_kind_in_the_hidden_sheet_does_not_make_a_flow_a_milestone(reporter, demo_plan, client):
    workbook = _download(client, demo_plan)
    (number, pk), *_ = _rows(workbook, "flow")
    workbook[META_SHEET].cell(_meta_row(workbook, pk), 2).value = "milestone"
    workbook.worksheets[0].cell(number, COL_VALUE).value = None
    workbook.worksheets[0].cell(number, COL_STATUS).value = "已完成"
    response = _upload(client, demo_plan, workbook)
    assert response.status_code == 400 and "不是里程碑" in response.content.decode()
    assert not MonthlyFigure.objects.filter(allocation_id=pk, milestone_status="done").exists()
