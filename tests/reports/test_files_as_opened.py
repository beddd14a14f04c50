"""Files as users open them: an office suite reads what we write the way a user in China sees it."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from docx.oxml.ns import qn
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

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
    data = _via_libreoffice(tmp_path, "xls")
    upload = io.BytesIO(data)
    upload.name = "填报.xls"
    client = client_for(cast["shenyang_reporter"])
    response = client.post(reverse("targets:upload", args=[demo_plan.slug, YEAR, 11]), {"file": upload}, follow=True)
    assert OLD_XLS in response.content.decode()


# --- Sizes and paper ---------------------------------------------------------------------------------------


def test_the_annex_sizes_its_rate_columns_from_the_text_shown_not_the_raw_decimal():
    from reports.excel import PERCENT, POINTS, _display_width

    assert _display_width(Decimal("0.6432198765432198765432198765"), PERCENT) == len("64.3%") + 2
    assert _display_width(Decimal("-3.25"), POINTS) == len("-3.3") + 2


def test_the_circular_annex_rate_columns_are_narrow(demo_plan):
    from reports.circular_content import circular_content
    from reports.excel import build_circular_xlsx
    from tests.conftest import DEMO_TODAY

    content = circular_content(demo_plan, YEAR, 10, demo_plan.region, today=DEMO_TODAY)
    sheet = load_workbook(io.BytesIO(build_circular_xlsx(content))).worksheets[0]
    header = [c.value for c in sheet[3]]
    for name in ("完成率", "序时进度", "序时差"):
        column = next(i for i, h in enumerate(header, start=1) if h and name in h)
        assert sheet.column_dimensions[get_column_letter(column)].width <= 14, name


def test_the_entry_template_prints_on_a4_with_rows_tall_enough_for_long_names():
    from targets.excel import FIRST_DATA_ROW, build_entry_template
    from tests.targets.test_excel import template_row

    long_name = "开展企业新型学徒制培训和以工代训等职业技能提升行动，重点面向制造业和服务业的新录用人员和转岗职工"
    rows = [template_row(1, target_name=long_name), template_row(2, target_name="培训")]
    data = build_entry_template(plan_title="辽宁", plan_slug="ln", year=2024, month=11, rows=rows, region_name="沈阳市")
    sheet = load_workbook(io.BytesIO(data))["填报"]
    assert str(sheet.page_setup.paperSize) == sheet.PAPERSIZE_A4 == "9"
    assert "沈阳市" in sheet["B1"].value and "2024年11月" in sheet["B1"].value
    tall, short = (sheet.row_dimensions[FIRST_DATA_ROW + i].height for i in range(2))
    assert tall >= 3 * 15 and short and short < tall
    assert sheet.cell(FIRST_DATA_ROW, 6).alignment.wrap_text


def test_fallback_file_names_are_meaningful_ascii(demo_plan, cast, client_for):
    from skills_admin.lib.downloads import content_disposition

    assert 'filename="download.docx"' in content_disposition("通报.docx")
    assert 'filename="circular_liaoning-2022_210000_2022-10_v1.docx"' in content_disposition(
        "关于2022年1—10月的通报.docx", "circular_liaoning-2022_210000_2022-10_v1.docx"
    )
    url = reverse("reports:table_export", args=["ranking", "csv"]) + "?plan=liaoning-2022&year=2022&month=10"
    response = client_for(cast["admin"]).get(url)
    assert 'filename="liaoning-2022_210000_2022-01-10_ranking.csv"' in response["Content-Disposition"]


# --- Word -------------------------------------------------------------------------------------------------


def test_each_word_table_heading_fits_its_column_on_one_line():
    from reports.word import CELL_MARGIN_CM, COLUMN_WIDTHS_CM, TABLE_HEADERS, TABLE_SIZE

    char_cm = TABLE_SIZE.pt / 72 * 2.54
    for header, width in zip(TABLE_HEADERS, COLUMN_WIDTHS_CM, strict=True):
        assert len(header) * char_cm + 2 * CELL_MARGIN_CM <= width, header
    assert abs(sum(COLUMN_WIDTHS_CM) - 15.6) < 0.01


@pytest.mark.parametrize(
    "title",
    [
        "关于2022年1—10月“技能辽宁行动”任务指标完成情况的通报",
        "关于2019年1—10月“湖滨区职业技能提升行动”任务指标完成情况的通报",
        "关于2022年1月“技能宿迁”行动任务指标完成情况的通报",
    ],
)
def test_the_circular_title_breaks_between_phrases_never_inside_a_word(title):
    from reports.word import title_lines

    lines = title_lines(title)
    assert "".join(lines) == title and len(lines) >= 2
    assert all(not line.endswith(("任务指", "任务", "完成情")) for line in lines)


def test_the_word_ranking_header_cells_do_not_wrap(demo_plan):
    from docx import Document

    from reports.circular_content import circular_content
    from reports.word import build_circular_docx
    from tests.conftest import DEMO_TODAY

    content = circular_content(demo_plan, YEAR, 10, demo_plan.region, today=DEMO_TODAY)
    document = Document(io.BytesIO(build_circular_docx(content)))
    header = document.tables[0].rows[0]
    assert all(cell._tc.tcPr.find(qn("w:noWrap")) is not None for cell in header.cells)
    title = next(p for p in document.paragraphs if "通报" in p.text and "关于" in p.text)
    assert title._p.findall(".//" + qn("w:br")), "the title breaks between phrases"


def test_libreoffice_reads_the_word_circular(demo_plan, tmp_path):
    from reports.circular_content import circular_content
    from reports.word import build_circular_docx
    from tests.conftest import DEMO_TODAY

    content = circular_content(demo_plan, YEAR, 10, demo_plan.region, today=DEMO_TODAY)
    source = tmp_path / "circular.docx"
    source.write_bytes(build_circular_docx(content))
    text = convert(source, "txt:Text (encoded):UTF8").read_text(encoding="utf-8")
    assert "序时进度" in text and "任务指标完成情况的通报" in text
