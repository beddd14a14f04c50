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

from reports.circular_layout import CircularLayout
from reports.circular_sections import ANNEX_NOTE
from reports.word import build_circular_docx, chinese_date, chinese_number
from targets.formatting import format_number, format_percent, format_points
from tests.reports.test_excel import sample_content

TABLE_HEADERS = ["序号", "指标", "完成率", "序时进度", "状态"]
HEADINGS = ["一、总体情况", "二、红黄榜", "三、存在问题", "四、下一步工作"]


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
    assert len(runs) > 40
    assert all(east_asia(run) for run in runs)


def test_headings_are_heiti_and_body_is_fangsong_indented(document, content):
    for text in HEADINGS:
        run = paragraph_with(document, text).runs[0]
        assert east_asia(run) == "黑体" and run.font.size == Pt(16)
    body = paragraph_with(document, content.overview_paragraphs[0])
    assert east_asia(body.runs[0]) == "仿宋_GB2312" and body.runs[0].font.size == Pt(16)
    assert body.paragraph_format.first_line_indent == Pt(32)


# --- text -----------------------------------------------------------------------------------------------------


def test_sections_follow_the_circular_order(document, content):
    texts = [p.text for p in document.paragraphs]
    assert [texts.index(t) for t in HEADINGS] == sorted(texts.index(t) for t in HEADINGS)
    assert content.opening in texts
    for section in content.sections:
        assert all(p in texts for p in (*section.paragraphs, *section.closing))
    assert "1." + content.problems[0] in texts and "2." + content.problems[1] in texts
    assert "未按时报送数据的地区，要严格落实按月报送制度。" in texts
    assert "主要指标完成情况" in texts


def test_sections_are_data_adding_one_is_one_change(content):
    from reports.circular_sections import Section

    extra = (*content.sections[:1], Section("督办情况", ("本月发出督办单2份。",)), *content.sections[1:])
    texts = [
        p.text for p in Document(BytesIO(build_circular_docx(dataclasses.replace(content, sections=extra)))).paragraphs
    ]
    assert texts.index("二、督办情况") < texts.index("三、红黄榜") < texts.index("五、下一步工作")


def test_document_number_issuer_and_date_and_no_basis_line(document, content):
    texts = [p.text for p in document.paragraphs]
    assert "辽宁省人力资源和社会保障厅　2026年7月10日" in texts[:4]
    assert not any(t.startswith("依据文件") for t in texts)  # the plan is cited in the opening sentence
    assert "辽人社发〔2022〕7号" in content.opening
    issuer, date = document.paragraphs[-2], document.paragraphs[-1]
    assert (issuer.text, date.text) == (content.issuer, "2026年7月10日")
    assert issuer.alignment == date.alignment == WD_ALIGN_PARAGRAPH.RIGHT


def test_the_record_sits_at_the_foot_of_the_last_page(content):
    layout = CircularLayout(masthead="辽宁省人力资源和社会保障厅", copy_to="省委组织部")
    document = Document(BytesIO(build_circular_docx(content, layout)))
    record = document.paragraphs[-2:]
    assert record[0].text == "抄送：省委组织部。" and record[1].text.endswith("印发")
    for paragraph in record:
        frame = paragraph._p.pPr.find(qn("w:framePr"))
        assert frame is not None and frame.get(qn("w:yAlign")) == "bottom" and frame.get(qn("w:vAnchor")) == "margin"


def test_a_draft_is_watermarked_and_undated_until_issued(content):
    draft = Document(
        BytesIO(build_circular_docx(content, CircularLayout(masthead="辽宁省人力资源和社会保障厅", is_draft=True)))
    )
    assert 'string="草稿"' in draft.sections[0].header._element.xml
    assert draft.paragraphs[-1].text.endswith("印发") and "年　月　日" in draft.paragraphs[-1].text
    issued = Document(BytesIO(build_circular_docx(content, CircularLayout(masthead="辽宁省人力资源和社会保障厅"))))
    assert "草稿" not in issued.sections[0].header._element.xml
    assert "2026年7月10日印发" in issued.paragraphs[-1].text


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


def test_one_summary_table_with_repeated_header(document, content):
    assert len(document.tables) == 1
    header = document.tables[0].rows[0]
    assert [c.text for c in header.cells] == TABLE_HEADERS
    assert header._tr.trPr.find(qn("w:tblHeader")) is not None
    assert document.tables[0].rows[1]._tr.trPr.find(qn("w:tblHeader")) is None


def test_summary_table_rows_are_the_targets_as_printed(document, content):
    rows = [[c.text for c in row.cells] for row in document.tables[0].rows[1:]]
    assert [r[1] for r in rows] == [t.name for t in content.targets]
    assert rows[2][2:] == [
        format_percent(content.targets[2].completion_rate),
        format_percent(content.targets[2].schedule_rate),
        content.targets[2].status_label,
    ]
    assert ANNEX_NOTE in [p.text for p in document.paragraphs]


def test_table_text_is_fangsong_10_5pt(document):
    runs = [r for row in document.tables[0].rows for c in row.cells for p in c.paragraphs for r in p.runs]
    assert {east_asia(r) for r in runs} == {"仿宋_GB2312"}
    assert {r.font.size for r in runs} == {Pt(10.5)}


def test_control_characters_do_not_break_the_file(content):
    from reports.circular_sections import Section

    broken = (Section("存在问题", ("\x0b问题", "职业\x07技能培训")),)
    data = build_circular_docx(dataclasses.replace(content, sections=broken))
    texts = [p.text for p in Document(BytesIO(data)).paragraphs]
    assert "职业技能培训" in texts and "问题" in texts


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
