"""The monthly reporting journey in a real browser: enter, submit, return, correct, upload, audit."""

import io

import openpyxl
import pytest

from targets.models import AuditEntry, MonthlyFigure, Submission
from tests.browser.conftest import login, new_page, shot
from tests.conftest import DEMO_TODAY, SHENYANG

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def frozen_today(monkeypatch):
    """The demo leaves November 2022 open until 120 days after DEMO_TODAY; keep 'today' inside that window."""
    import time_machine

    with time_machine.travel(DEMO_TODAY.isoformat() + " 10:00 +0800", tick=True):
        yield


def test_city_reporter_submits_province_returns_reporter_corrects_by_upload(
    browser, live_server, cast, demo_plan, frozen_today, tmp_path
):
    reporter = new_page(browser)
    login(reporter, live_server, "shenyang_reporter")
    reporter.goto(f"{live_server.url}/figures/?plan={demo_plan.slug}&year=2022&month=11")
    reporter.wait_for_selector("#grid-form")
    first_input = reporter.locator("#grid-form input[inputmode=decimal]").first
    first_input.fill("123")
    reporter.locator("#grid-form input[name^=remark_]").first.fill("按实名制系统统计")
    reporter.click("button[value=submit]")
    reporter.wait_for_load_state("networkidle")
    # the rows left empty are confirmed one by one as 本月无进展 before the month goes in
    for box in reporter.locator("#empty-rows input[type=checkbox]").all():
        box.check()
    reporter.click("button[value=submit]")
    reporter.wait_for_load_state("networkidle")
    shot(reporter, "grid-after-submit")
    reporter.wait_for_selector("text=已报送沈阳市2022年11月数据")
    shot(reporter, "grid-submitted")
    submission = Submission.objects.get(plan=demo_plan, region__code=SHENYANG, year=2022, month=11)
    assert submission.status == "submitted"

    admin = new_page(browser)
    login(admin, live_server, "admin")
    admin.goto(f"{live_server.url}/figures/completeness/?plan={demo_plan.slug}&year=2022&month=11")
    row = admin.locator("#completeness-table tr", has_text="沈阳市")
    assert "已报送" in row.inner_text()
    shot(admin, "completeness")
    row.locator("a").click()  # the review page
    admin.fill("#return-reason", "培训人次与实名制系统不一致，请核对")
    admin.click("#return-form button")
    admin.wait_for_selector("text=已退回沈阳市11月数据")

    reporter.reload()
    assert "培训人次与实名制系统不一致" in reporter.content()
    with reporter.expect_download() as download_info:
        reporter.click("text=下载填报模板")
    template = tmp_path / "template.xlsx"
    download_info.value.save_as(template)
    assert "填报模板" in download_info.value.suggested_filename
    workbook = openpyxl.load_workbook(template)
    sheet = workbook["填报"]
    header_row = next(r for r in range(1, 10) if sheet.cell(r, 11).value == "本月完成")
    value_cell = sheet.cell(header_row + 1, 11)
    value_cell.value = 120
    sheet.cell(header_row + 1, 13).value = "已与实名制系统核对"
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload = tmp_path / "filled.xlsx"
    upload.write_bytes(buffer.getvalue())
    reporter.set_input_files("input[name=file]", str(upload))
    reporter.click("text=上传")
    reporter.wait_for_selector("text=上传成功")
    shot(reporter, "grid-after-upload")

    allocation_id = int(sheet.cell(header_row + 1, 1).value)
    assert MonthlyFigure.objects.get(allocation_id=allocation_id, month=11).value == 120
    reporter.goto(f"{live_server.url}/figures/history/{allocation_id}/11/")
    history = reporter.locator("#history-table").inner_text()
    assert "Excel上传" in history
    assert AuditEntry.objects.filter(allocation_id=allocation_id, via="upload").exists()
    assert not reporter.js_errors and not admin.js_errors
