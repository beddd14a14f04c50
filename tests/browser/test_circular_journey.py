"""A leader asks for the month's circular in the browser, watches the job finish and downloads both files."""

import docx
import openpyxl
import pytest

from reports.models import Circular
from skills_admin.lib.downloads import media_file
from tests.browser.conftest import login, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_leader_generates_and_downloads_the_circular(page, live_server, cast, demo_plan, tmp_path):
    login(page, live_server, "leader")
    page.goto(f"{live_server.url}/reports/circulars/?plan={demo_plan.slug}&year=2022&month=10")
    page.click("#request-circular")
    page.wait_for_selector("#jobs a:has-text('Word')")
    status = page.locator("#jobs tbody tr").first.locator(".job-status").inner_text()
    assert "已完成" in status
    assert page.locator("#circulars tbody tr").count() == 1
    assert "第1版" in page.locator("#circulars").inner_text()
    shot(page, "circular-list")

    with page.expect_download() as word:
        page.click("#circulars a.download-docx")
    assert word.value.suggested_filename == "关于2022年1—10月“技能辽宁行动”任务指标完成情况的通报（第1版）.docx"
    saved = tmp_path / "circular.docx"
    word.value.save_as(saved)
    text = "\n".join(p.text for p in docx.Document(saved).paragraphs)
    assert "一、总体情况" in text and "全省" in text

    with page.expect_download() as excel:
        page.click("#circulars a.download-xlsx")
    assert excel.value.suggested_filename.endswith("（附表）（第1版）.xlsx")
    saved = tmp_path / "circular.xlsx"
    excel.value.save_as(saved)
    circular = Circular.objects.get()
    assert openpyxl.load_workbook(saved).sheetnames == openpyxl.load_workbook(media_file(circular.xlsx_path)).sheetnames
    assert not page.js_errors, page.js_errors
