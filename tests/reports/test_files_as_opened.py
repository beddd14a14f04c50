"""Files as users open them: an office suite reads what we write the way a user in China sees it."""

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from reports.tables import csv_text
from skills_admin.lib.xlsx import ODS, OLD_XLS, WorkbookRejected, open_workbook_safely
from tests.office import CSV_AS_OPENED_IN_CHINA, convert

YEAR = 2022


@pytest.mark.parametrize("code", ["1-1", "2-3", "10-4", "12-5", "3/4"])
def test_a_csv_code_that_looks_like_a_date_is_written_as_text(code):
    assert csv_text(code) == f'="{code}"'


@pytest.mark.parametrize("text", ["急需紧缺工种培训", "210100", "=HYPERLINK(1)", "1-1-1-1", "12.5"])
def test_other_csv_text_is_written_as_before(text):
    assert not csv_text(text).startswith('="')


def test_the_csv_codes_stay_text_when_libreoffice_opens_it_as_a_chinese_user_does(
    demo_plan, cast, client_for, tmp_path
):
    query = "?plan=liaoning-2022&year=2022&month=10"
    data = client_for(cast["admin"]).get(reverse("reports:table_export", args=["overview", "csv"]) + query).content
    source = tmp_path / "overview.csv"
    source.write_bytes(data)
    opened = convert(source, "xlsx", infilter=CSV_AS_OPENED_IN_CHINA)
    sheet = load_workbook(opened).active
    assert not any(cell.is_date for cell in sheet["A"]), "a 序号 became a date"
    shown = convert(opened, "csv")  # the cells as displayed
    lines = shown.read_text(encoding="utf-8", errors="replace").splitlines()
    codes = [line.split(",")[0] for line in lines[1:] if line]
    assert "1-1" in codes and "10-4" in codes, codes[:12]
    assert not any("/" in c for c in codes), codes[:12]


def _via_libreoffice(tmp_path, to: str) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active["A1"] = "序号"
    source = tmp_path / "filled.xlsx"
    workbook.save(source)
    return convert(source, to).read_bytes()


@pytest.mark.parametrize(("to", "message"), [("xls", OLD_XLS), ("ods", ODS)])
def test_an_xls_or_ods_upload_says_what_it_is_and_how_to_fix_it(tmp_path, to, message):
    data = _via_libreoffice(tmp_path, to)
    with pytest.raises(WorkbookRejected) as refused:
        open_workbook_safely(data, max_bytes=5 * 1024 * 1024, max_rows=1000)
    assert refused.value.message == message
    assert "另存为 .xlsx 后上传" in message and f".{to}" in message


def test_the_upload_page_shows_the_xls_message(demo_plan, cast, client_for, tmp_path):
    import io

    data = _via_libreoffice(tmp_path, "xls")
    upload = io.BytesIO(data)
    upload.name = "填报.xls"
    client = client_for(cast["shenyang_reporter"])
    response = client.post(reverse("targets:upload", args=[demo_plan.slug, YEAR, 11]), {"file": upload}, follow=True)
    assert OLD_XLS in response.content.decode()
