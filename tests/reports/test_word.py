"""The circular as Word, read back with python-docx; optionally converted to PDF by LibreOffice."""

import dataclasses
import datetime as dt
import shutil
import subprocess
from io import BytesIO
from pathlib import Path

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from reports.circular_layout import ANNEX_NOTE, has_comparison
from reports.word import build_circular_docx, chinese_date, chinese_number
from targets.formatting import format_number, format_percent, format_points
from tests.reports.test_excel import HYPERLINK_REGION, renamed, sample_content

TABLE_HEADERS = ["排名", "地区", "年度目标", "累计", "完成率", "序时进度", "序时差", "状态"]


@pytest.fixture(scope="module")
def content():
    return sample_content()


@pytest.fixture(scope="module")
def docx_bytes(content):
    return build_circular_docx(content)


@pytest.fixture(scope="module")
def document(docx_bytes):
    return Document(BytesIO(docx_bytes))


def east_asia(run) -> str | None:
    fonts = run._r.rPr.rFonts if run._r.rPr is not None else None
    return None if fonts is None else fonts.get(qn("w:eastAsia"))


def paragraph_with(document, text: str):
    return next(p for p in document.paragraphs if p.text == text)


def all_runs(document):
    for paragraph in document.paragraphs:
        yield from paragraph.runs
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    yield from paragraph.runs
    yield from document.sections[0].footer.paragraphs[0].runs


def expected_texts(entry) -> list[str]:
    rank = "—" if entry.rank is None else str(entry.rank)
    if not entry.has_task:
        return [rank, entry.region_name, *["无任务"] * 5, "无任务"]
    return [
        rank,
        entry.region_name,
        format_number(entry.target_value, entry.unit),
        format_number(entry.cumulative, entry.unit),
        format_percent(entry.completion_rate),
        format_percent(entry.schedule_rate),
        format_points(entry.schedule_gap),
        entry.status_label,
    ]


# --- page -----------------------------------------------------------------------------------------------------


def test_page_is_a4_with_gb_t_9704_margins(document):
    section = document.sections[0]
    assert section.page_width.cm == pytest.approx(21, abs=0.01)
    assert section.page_height.cm == pytest.approx(29.7, abs=0.01)
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [m.cm for m in margins] == pytest.approx([3.7, 3.5, 2.8, 2.6], abs=0.01)


def test_footer_has_a_page_field_between_dashes(document):
    footer = document.sections[0].footer.paragraphs[0]
    xml = footer._p.xml
    assert 'w:fldCharType="begin"' in xml and 'w:fldCharType="end"' in xml
    instructions = footer._p.findall(f".//{qn('w:instrText')}")
    assert [i.text.strip() for i in instructions] == ["PAGE"]
    assert footer.text == "— 1 —"
    assert footer.alignment == WD_ALIGN_PARAGRAPH.CENTER


def test_demo_header_only_for_demo_data(document, content):
    assert "演示数据" in document.sections[0].header.paragraphs[0].text
    plain = Document(BytesIO(build_circular_docx(dataclasses.replace(content, is_demo=False))))
    assert "演示数据" not in "".join(p.text for p in plain.sections[0].header.paragraphs)


# --- fonts ----------------------------------------------------------------------------------------------------


def test_title_is_fangzheng_xiaobiaosong_22pt_centred(document, content):
    title = document.paragraphs[0]
    assert title.text.replace("\n", "") == content.title  # broken between phrases
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    run = title.runs[0]
    assert east_asia(run) == "方正小标宋简体"
    assert run.font.size == Pt(22)


def test_normal_style_names_its_east_asian_font(document):
    normal = document.styles["Normal"]
    assert normal.element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert normal.font.size == Pt(16)
    defaults = document.styles.element.find(qn("w:docDefaults"))
    fonts = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:rFonts')}")
    assert fonts.get(qn("w:eastAsia")) == "仿宋_GB2312" and fonts.get(qn("w:eastAsiaTheme")) is None


def test_every_run_names_its_east_asian_font(document):
    runs = list(all_runs(document))
    assert len(runs) > 100
    assert all(east_asia(run) for run in runs)


def test_headings_are_heiti_and_body_is_fangsong_indented(document, content):
    headings = ["一、总体情况", "二、各地完成情况", "三、存在问题", "四、下步工作要求"]
    for text in headings:
        run = paragraph_with(document, text).runs[0]
        assert east_asia(run) == "黑体" and run.font.size == Pt(16)
    body = paragraph_with(document, content.overview_paragraphs[0])
    assert east_asia(body.runs[0]) == "仿宋_GB2312" and body.runs[0].font.size == Pt(16)
    assert body.paragraph_format.first_line_indent == Pt(32)


# --- text -----------------------------------------------------------------------------------------------------


def test_sections_follow_the_circular_order(document, content):
    texts = [p.text for p in document.paragraphs]
    order = ["一、总体情况", "二、各地完成情况", "三、存在问题", "四、下步工作要求"]
    assert [texts.index(t) for t in order] == sorted(texts.index(t) for t in order)
    assert content.opening in texts
    assert all(p in texts for p in content.overview_paragraphs)
    assert "1." + content.problems[0] in texts and "2." + content.problems[1] in texts
    assert "未按时报送数据的地区，要严格落实按月报送制度。" in texts
    assert "（三）2-1 新增高技能人才（单位：人）" in texts


def test_document_number_issuer_and_date(document, content):
    texts = [p.text for p in document.paragraphs]
    assert "辽宁省人力资源和社会保障厅　2026年7月10日" in texts[:4]
    assert "依据文件：辽人社发〔2022〕7号" in texts[:4]
    issuer, date = document.paragraphs[-2], document.paragraphs[-1]
    assert (issuer.text, date.text) == (content.issuer, "2026年7月10日")
    assert issuer.alignment == date.alignment == WD_ALIGN_PARAGRAPH.RIGHT


def test_chinese_numbers_and_dates():
    assert [chinese_number(n) for n in (1, 4, 10, 12, 20, 21, 99, 100)] == [
        "一",
        "四",
        "十",
        "十二",
        "二十",
        "二十一",
        "九十九",
        "100",
    ]
    assert chinese_date(dt.date(2026, 1, 5)) == "2026年1月5日"


# --- ranking tables -------------------------------------------------------------------------------------------


def test_one_ranking_table_per_target_with_repeated_header(document, content):
    assert len(document.tables) == len(content.targets) == 3
    for table in document.tables:
        header = table.rows[0]
        assert [c.text for c in header.cells] == TABLE_HEADERS
        assert header._tr.trPr.find(qn("w:tblHeader")) is not None
        assert table.rows[1]._tr.trPr.find(qn("w:tblHeader")) is None


def test_ranking_table_rows_equal_the_input_without_no_task_rows(document, content):
    compared = [t for t in content.targets if has_comparison(t)]
    for table, target in zip(document.tables, compared, strict=True):
        rows = [[c.text for c in row.cells] for row in table.rows[1:]]
        assert rows == [expected_texts(entry) for entry in target.ranking if entry.has_task]


def test_ranking_table_figures_as_printed(document):
    rows = [[c.text for c in row.cells] for row in document.tables[2].rows[1:]]
    shenyang = next(r for r in rows if r[1] == "沈阳市")
    assert shenyang[2:] == ["2,500", "1,229", "49.2%", "50.0%", "-0.8", "滞后"]
    assert HYPERLINK_REGION in [r[1] for r in rows]


def test_no_task_rows_stay_out_of_the_word_body(document, content):
    compared = [t for t in content.targets if has_comparison(t)]
    assert any(not entry.has_task for t in compared for entry in t.ranking)
    for table, target in zip(document.tables, compared, strict=True):
        names = {row.cells[1].text for row in table.rows}
        assert not names & {entry.region_name for entry in target.ranking if not entry.has_task}
        assert "无任务" not in {c.text for row in table.rows for c in row.cells}
    assert ANNEX_NOTE in [p.text for p in document.paragraphs]


def test_table_text_is_fangsong_10_5pt(document):
    runs = [r for row in document.tables[0].rows for c in row.cells for p in c.paragraphs for r in p.runs]
    assert {east_asia(r) for r in runs} == {"仿宋_GB2312"}
    assert {r.font.size for r in runs} == {Pt(10.5)}


def test_control_characters_do_not_break_the_file(content):
    target = content.targets[0]
    broken = renamed(target, name="职业\x07技能培训")
    data = build_circular_docx(dataclasses.replace(content, targets=[broken], problems=["\x0b问题"]))
    texts = [p.text for p in Document(BytesIO(data)).paragraphs]
    assert "（一）1-1 职业技能培训（单位：万人次）" in texts


def test_a_target_without_regions_to_compare_gets_no_table(content):
    empty = dataclasses.replace(content.targets[0], ranking=[])
    document = Document(BytesIO(build_circular_docx(dataclasses.replace(content, targets=[empty]))))
    assert not document.tables
    assert ANNEX_NOTE in [p.text for p in document.paragraphs]


# --- PDF through LibreOffice, where installed ------------------------------------------------------------------


def office_binary() -> str | None:
    for candidate in ("/usr/bin/soffice", "/usr/bin/libreoffice"):
        if Path(candidate).exists():
            return candidate
    return shutil.which("soffice") or shutil.which("libreoffice")


def test_converts_to_pdf_with_libreoffice(docx_bytes, tmp_path):
    binary = office_binary()
    if binary is None:
        reason = "LibreOffice (soffice/libreoffice) is not installed: docx → PDF conversion not checked"
        print(reason)
        pytest.skip(reason)
    source = tmp_path / "circular.docx"
    source.write_bytes(docx_bytes)
    profile = f"-env:UserInstallation=file://{tmp_path / 'profile'}"
    command = [binary, profile, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)]
    subprocess.run(command, check=True, timeout=120, capture_output=True)
    pdf = tmp_path / "circular.pdf"
    assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF")
