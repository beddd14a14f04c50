"""The circular as a Word document laid out after GB/T 9704 (党政机关公文格式).

Pure: `CircularContent` in, bytes out. A4 with the standard margins; title in 方正小标宋简体 二号, body in
仿宋_GB2312 三号 with a two-character first-line indent, 一级标题 in 黑体, 二级标题 in 楷体_GB2312; one ranking
table per target whose header row repeats on every page; “— N —” page numbers. Every run names its East-Asian
font (w:eastAsia), and so do the Normal style and the document defaults, so Word does not fall back to a Latin
font for Chinese text.
"""

from __future__ import annotations

import datetime as dt
import re
from copy import deepcopy
from dataclasses import dataclass
from io import BytesIO

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_ALIGN_VERTICAL, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import _Cell

from reports.circular_content import CircularContent
from reports.circular_layout import CircularLayout, chinese_date, chinese_number
from reports.circular_sections import Section, Table
from targets.engine import Status

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
SUBHEADING_FONT = "楷体_GB2312"
FOOTER_FONT = "宋体"
TITLE_SIZE = Pt(22)  # 二号
BODY_SIZE = Pt(16)  # 三号
TABLE_SIZE = Pt(10.5)  # 五号
FOOTER_SIZE = Pt(14)  # 四号
LINE_SPACING = Pt(28)
TITLE_LINE_SPACING = Pt(36)
INDENT = Pt(32)  # two characters of 三号

TABLE_HEADERS = ("排名", "地区", "年度目标", "累计", "完成率", "序时进度", "序时差", "状态")
# 15.6 cm: the text block of A4 under GB/T 9704. Each header fits on one line at 五号 with the cell margins (a
# 1.8 cm 序时进度 broke as “序时进/度”): 4 characters × 0.37 cm + 2 × 0.19 cm = 1.86 cm.
COLUMN_WIDTHS_CM = (1.3, 2.5, 2.2, 2.2, 1.8, 2.0, 1.6, 2.0)
CELL_MARGIN_CM = 0.19  # Word's default left and right cell margin
TITLE_CHARS_PER_LINE = 20  # 二号 (22 pt) characters on the 15.6 cm line
NO_TASK_SPAN = (2, 6)  # 年度目标 … 序时差, merged into one “无任务” cell
RED = RGBColor(0xC0, 0x00, 0x00)
RED_HEX = "C00000"
MASTHEAD_SIZE = Pt(30)
HEADER_SHADE = "DDEBF7"
DEMO_HEADER = "演示数据（仅供演示，非正式通报）"
XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
THEME_FONT_ATTRIBUTES = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")
SHD_SUCCESSORS = ("w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark")


def build_circular_docx(content: CircularContent, layout: CircularLayout | None = None) -> bytes:
    """The circular as the bytes of a .docx file; `layout` adds the masthead, number, addressees and 版记."""
    layout = layout or CircularLayout()
    document = Document()
    _page_setup(document.sections[0])
    _base_fonts(document)
    if layout.masthead:
        _masthead(document, layout)
    _title_block(document, content, layout)
    if layout.recipients:
        _run(_paragraph(document, indent=False), f"{layout.recipients}：", BODY_FONT, BODY_SIZE)
    _body(document, content.opening)
    for number, section in enumerate(content.sections, 1):
        _section(document, number, section)
    _signature(document, content, layout)
    if layout.copy_to or layout.masthead:
        _record(document, content, layout)
    _footer(document.sections[0])
    if content.is_demo:
        _demo_header(document.sections[0])
    if layout.is_draft:
        _draft_watermark(document.sections[0])
    document.core_properties.title = _clean(content.title)
    document.core_properties.author = _clean(content.issuer)
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- sections of the text ------------------------------------------------------------------------------------


def _masthead(document, layout: CircularLayout) -> None:
    """发文机关标志 in red 小标宋, the 发文字号 under it, then the red rule (GB/T 9704 版头)."""
    head = _paragraph(document, WD_ALIGN_PARAGRAPH.CENTER, indent=False, spacing=None)
    head.paragraph_format.space_before = Pt(24)
    _run(head, layout.masthead, TITLE_FONT, MASTHEAD_SIZE).font.color.rgb = RED
    number = _paragraph(document, WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    number.paragraph_format.space_before = Pt(16)
    if layout.document_number:
        _run(number, layout.document_number, BODY_FONT, BODY_SIZE)
    _border(number, "bottom", RED_HEX, size=18)
    _paragraph(document, indent=False)


def _border(paragraph, side: str, colour: str, size: int = 8) -> None:
    borders = paragraph._p.get_or_add_pPr().find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        paragraph._p.get_or_add_pPr().insert_element_before(
            borders, "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:spacing", "w:ind", "w:jc"
        )
    line = OxmlElement(f"w:{side}")
    line.set(qn("w:val"), "single")
    line.set(qn("w:sz"), str(size))
    line.set(qn("w:space"), "4")
    line.set(qn("w:color"), colour)
    borders.append(line)


def _title_block(document, content: CircularContent, layout: CircularLayout) -> None:
    title = _paragraph(document, WD_ALIGN_PARAGRAPH.CENTER, indent=False, spacing=TITLE_LINE_SPACING)
    lines = title_lines(content.title)
    for index, line in enumerate(lines):
        run = _run(title, line, TITLE_FONT, TITLE_SIZE)
        if index < len(lines) - 1:
            run.add_break()
    if layout.extract_of:
        line = _paragraph(document, WD_ALIGN_PARAGRAPH.CENTER, indent=False)
        _run(line, f"（{layout.extract_of}摘录）", SUBHEADING_FONT, BODY_SIZE)
    if not layout.masthead:
        meta = f"{content.issuer}　{layout.date_text(content)}"
        if content.version > 1:
            meta += f"（第{content.version}版）"
        _run(_paragraph(document, WD_ALIGN_PARAGRAPH.CENTER, indent=False), meta, SUBHEADING_FONT, BODY_SIZE)
    _paragraph(document, indent=False)


def _section(document, number: int, section: Section) -> None:
    """One numbered section: its paragraphs, its tables (each under its caption), its closing paragraphs."""
    _heading(document, number, section.title)
    for text in section.paragraphs:
        _body(document, text)
    for table in section.tables:
        _run(_keep_with_next(_paragraph(document)), table.caption, SUBHEADING_FONT, BODY_SIZE)
        _table(document, table)
    for text in section.closing:
        _body(document, text)


def _table(document, data: Table) -> None:
    """A body table: header row repeated on every page, rows never split, the last cell shaded by status."""
    table = document.add_table(rows=1, cols=len(data.headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _fill_row(table.rows[0], data.headers, bold=True, widths=data.widths_cm)
    for cell in table.rows[0].cells:
        _shade(cell, HEADER_SHADE)
        no_wrap = OxmlElement("w:noWrap")  # a heading stays on one line (序时进度, never 序时进/度)
        cell._tc.get_or_add_tcPr().insert_element_before(no_wrap, *SHD_SUCCESSORS[1:])
    _row_flags(table.rows[0], header=True)
    prototype = None
    for texts, status in zip(data.rows, data.statuses, strict=True):
        if prototype is None:
            prototype = _prototype_row(table, len(texts), data.widths_cm)
        tr = deepcopy(prototype)
        table._tbl.append(tr)
        for tc, text in zip(tr.tc_lst, texts, strict=True):
            paragraph = tc.p_lst[0]
            if text:
                paragraph.r_lst[0].text = _clean(text)
            else:
                paragraph.remove(paragraph.r_lst[0])  # as `_fill_row` writes an empty cell: no run
        if status:
            _shade(_Cell(tr.tc_lst[-1], table), Status(status).fill)
    for column, width in zip(table.columns, data.widths_cm, strict=True):
        column.width = Cm(width)


def _prototype_row(table, cells: int, widths) -> object:
    """A body row's XML as `_fill_row` and `_row_flags` write it, every cell holding one run: the rows of a
    table are copies of it with their texts put in (building each row through python-docx's proxies, property
    by property, was most of the Word file's CPU). Returned detached from the table."""
    row = table.add_row()
    _fill_row(row, ["·"] * cells, widths=widths)
    _row_flags(row)
    table._tbl.remove(row._tr)
    return row._tr


def _signature(document, content: CircularContent, layout: CircularLayout) -> None:
    _paragraph(document, indent=False)
    for text in (layout.signer(content), layout.date_text(content)):
        line = _paragraph(document, WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
        line.paragraph_format.right_indent = INDENT
        _run(line, text, BODY_FONT, BODY_SIZE)


def _record(document, content: CircularContent, layout: CircularLayout) -> None:
    """The 版记: 抄送 and 印发机关 with the date, between rules, framed at the foot of the last page."""
    _paragraph(document, indent=False)
    lines = []
    if layout.copy_to:
        line = _paragraph(document, WD_ALIGN_PARAGRAPH.LEFT, indent=False)
        _border(line, "top", "000000")
        _run(line, f"抄送：{layout.copy_to}。", BODY_FONT, Pt(14))
        lines.append(line)
    printed = _paragraph(document, WD_ALIGN_PARAGRAPH.LEFT, indent=False)
    _border(printed, "top", "000000")
    _border(printed, "bottom", "000000")
    printer = layout.printed_by or layout.signer(content)
    _run(printed, f"{printer}　　{layout.date_text(content)}印发", BODY_FONT, Pt(14))
    for line in (*lines, printed):
        _at_page_foot(line)


def _at_page_foot(paragraph) -> None:
    """Anchor the paragraph in a frame at the bottom of the text block (consecutive ones share the frame)."""
    frame = OxmlElement("w:framePr")
    for name, value in (
        ("w", "8845"),
        ("wrap", "around"),
        ("vAnchor", "margin"),
        ("hAnchor", "margin"),
        ("xAlign", "center"),
        ("yAlign", "bottom"),
    ):
        frame.set(qn(f"w:{name}"), value)
    paragraph._p.get_or_add_pPr().insert_element_before(
        frame,
        "w:widowControl",
        "w:numPr",
        "w:suppressLineNumbers",
        "w:pBdr",
        "w:shd",
        "w:tabs",
        "w:suppressAutoHyphens",
        "w:spacing",
        "w:ind",
        "w:jc",
    )


# --- the title -------------------------------------------------------------------------------------------------


def title_lines(title: str, capacity: int = TITLE_CHARS_PER_LINE) -> list[str]:
    """The title broken between phrases, never inside a word (“任务指/标”): after the period (“…1—10月”) and
    after the plan's quoted name, packed greedily into lines of `capacity` full-width characters."""
    parts = [p for p in re.split(r"(?<=月)(?=“)|(?<=”)", title) if p]
    lines: list[str] = []
    for part in parts:
        if lines and _full_width(lines[-1] + part) <= capacity:
            lines[-1] += part
        else:
            lines.append(part)
    return lines


def _full_width(text: str) -> float:
    return sum(1 if ord(char) > 0x2E7F or char in "“”—" else 0.5 for char in text)


def _fill_row(row, texts, bold: bool = False, widths=COLUMN_WIDTHS_CM) -> None:
    for cell, width, text in zip(row.cells, widths, texts, strict=True):
        cell.width = Cm(width)
        paragraph = cell.paragraphs[0]
        _format(paragraph, WD_ALIGN_PARAGRAPH.CENTER, indent=False, spacing=None)
        if text:
            _run(paragraph, text, BODY_FONT, TABLE_SIZE, bold=bold)
        cell.vertical_alignment = WD_ALIGN_VERTICAL.CENTER


def _shade(cell, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().insert_element_before(shading, *SHD_SUCCESSORS)


def _row_flags(row, header: bool = False) -> None:
    """Rows never split across pages; the header row repeats at the top of every page."""
    properties = row._tr.get_or_add_trPr()
    properties.insert_element_before(OxmlElement("w:cantSplit"), "w:trHeight", "w:tblHeader", "w:jc")
    if header:
        repeat = OxmlElement("w:tblHeader")
        repeat.set(qn("w:val"), "true")
        properties.insert_element_before(repeat, "w:tblCellSpacing", "w:jc", "w:hidden")


# --- paragraphs, runs and fonts ------------------------------------------------------------------------------


def _heading(document, number: int, text: str) -> None:
    paragraph = _keep_with_next(_paragraph(document))
    _run(paragraph, f"{chinese_number(number)}、{text}", HEADING_FONT, BODY_SIZE)


def _body(document, text: str) -> None:
    _run(_paragraph(document), text, BODY_FONT, BODY_SIZE)


def _paragraph(document, alignment=WD_ALIGN_PARAGRAPH.JUSTIFY, indent: bool = True, spacing=LINE_SPACING):
    paragraph = document.add_paragraph()
    _format(paragraph, alignment, indent, spacing)
    return paragraph


def _format(paragraph, alignment, indent: bool, spacing) -> None:
    layout = paragraph.paragraph_format
    paragraph.alignment = alignment
    layout.first_line_indent = INDENT if indent else Pt(0)
    layout.space_before = Pt(0)
    layout.space_after = Pt(0)
    layout.line_spacing = spacing if spacing is not None else 1.0


def _keep_with_next(paragraph):
    paragraph.paragraph_format.keep_with_next = True
    return paragraph


def _run(paragraph, text: str, font: str, size, bold: bool = False):
    run = paragraph.add_run(_clean(text))
    run.font.name = font
    run.font.size = size
    run.font.bold = bold
    run._r.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)
    return run


def _clean(text: str) -> str:
    """Drop characters XML cannot carry (a stray control character would make the file unreadable)."""
    return XML_ILLEGAL.sub("", str(text))


def _base_fonts(document) -> None:
    """仿宋_GB2312 三号 for the Normal style and the document defaults, without theme fonts that override it."""
    normal = document.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.font.size = BODY_SIZE
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    defaults = document.styles.element.find(qn("w:docDefaults"))
    fonts = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:rFonts')}") if defaults is not None else None
    if fonts is None:
        return
    for attribute in THEME_FONT_ATTRIBUTES:
        fonts.attrib.pop(qn(attribute), None)
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia"):
        fonts.set(qn(attribute), BODY_FONT)


# --- page, header and footer ---------------------------------------------------------------------------------


def _page_setup(section) -> None:
    """A4 portrait with the GB/T 9704 margins (top 37 mm, bottom 35 mm, left 28 mm, right 26 mm)."""
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    section.header_distance, section.footer_distance = Cm(1.5), Cm(2.5)


def _footer(section) -> None:
    """“— N —” centred, N being a PAGE field."""
    paragraph = section.footer.paragraphs[0]
    _format(paragraph, WD_ALIGN_PARAGRAPH.CENTER, indent=False, spacing=None)
    _run(paragraph, "— ", FOOTER_FONT, FOOTER_SIZE)
    _field_part(paragraph, _field_char("begin"))
    _field_part(paragraph, _instruction(" PAGE "))
    _field_part(paragraph, _field_char("separate"))
    _run(paragraph, "1", FOOTER_FONT, FOOTER_SIZE)
    _field_part(paragraph, _field_char("end"))
    _run(paragraph, " —", FOOTER_FONT, FOOTER_SIZE)


def _field_part(paragraph, element) -> None:
    _run(paragraph, "", FOOTER_FONT, FOOTER_SIZE)._r.append(element)


def _field_char(kind: str):
    element = OxmlElement("w:fldChar")
    element.set(qn("w:fldCharType"), kind)
    return element


def _instruction(code: str):
    element = OxmlElement("w:instrText")
    element.set(qn("xml:space"), "preserve")
    element.text = code
    return element


DRAFT_WATERMARK = (
    '<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    ' xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office">'
    '<w:pict><v:shape id="DraftWatermark" o:spid="_x0000_s2049" type="#_x0000_t136"'
    ' style="position:absolute;margin-left:0;margin-top:0;width:360pt;height:180pt;rotation:315;'
    "z-index:-251657216;mso-position-horizontal:center;mso-position-horizontal-relative:margin;"
    'mso-position-vertical:center;mso-position-vertical-relative:margin" fillcolor="#d9d9d9" stroked="f">'
    '<v:fill opacity=".5"/><v:textpath style="font-family:&quot;宋体&quot;;font-size:1pt" string="草稿"/>'
    "</v:shape></w:pict></w:r>"
)


def _draft_watermark(section) -> None:
    """草稿 across every page until the circular is issued (a VML text watermark in the header, as Word's own)."""
    from docx.oxml import parse_xml

    section.header.paragraphs[0]._p.append(parse_xml(DRAFT_WATERMARK))


def _demo_header(section) -> None:
    paragraph = section.header.paragraphs[0]
    _format(paragraph, WD_ALIGN_PARAGRAPH.CENTER, indent=False, spacing=None)
    run = _run(paragraph, DEMO_HEADER, HEADING_FONT, Pt(12), bold=True)
    run.font.color.rgb = RGBColor(0xC0, 0x00, 0x00)


# --- the follow-up notice (督办单) -------------------------------------------------------------------------------


@dataclass(frozen=True)
class NoticeLine:
    target_name: str
    colour_label: str
    reason: str


@dataclass(frozen=True)
class NoticeText:
    masthead: str
    number: str
    colour_label: str  # 红 / 黄 / 蓝: the worst of the items
    addressee: str  # the region's bureau: 沈阳市人力资源和社会保障局
    items: tuple[NoticeLine, ...]
    period: str  # 2026年1—10月
    requirement: str
    answer_due: dt.date
    issue_date: dt.date
    handler: str = ""  # 承办单位 承办人

    @property
    def matters(self) -> list[str]:
        """The sentences that state the matters: one for a single item, a numbered list for several."""
        if len(self.items) == 1:
            (line,) = self.items
            return [f"经核查，你单位“{line.target_name}”指标{self.period}{line.reason}。"]
        return [f"经核查，你单位{self.period}有以下{len(self.items)}项指标需要督办："] + [
            f"{i}. “{line.target_name}”（{line.colour_label}色）：{line.reason}。"
            for i, line in enumerate(self.items, start=1)
        ]


NOTICE_COLOURS = {"红": RGBColor(0xC0, 0x00, 0x00), "黄": RGBColor(0xBF, 0x8F, 0x00), "蓝": RGBColor(0x1F, 0x4E, 0x99)}


def build_notice_docx(notice: NoticeText) -> bytes:
    """A one-page 督办单: masthead, number, colour, addressee, the matter, what to answer and by when."""
    document = Document()
    _page_setup(document.sections[0])
    _base_fonts(document)
    _masthead(document, CircularLayout(masthead=notice.masthead, document_number=notice.number))
    title = _paragraph(document, WD_ALIGN_PARAGRAPH.CENTER, indent=False, spacing=TITLE_LINE_SPACING)
    _run(title, f"{notice.colour_label}色督办单", TITLE_FONT, TITLE_SIZE).font.color.rgb = NOTICE_COLOURS.get(
        notice.colour_label, RED
    )
    _paragraph(document, indent=False)
    _run(_paragraph(document, indent=False), f"{notice.addressee}：", BODY_FONT, BODY_SIZE)
    for sentence in notice.matters:
        _body(document, sentence)
    if notice.requirement:
        _body(document, notice.requirement)
    _body(
        document,
        f"请于{chinese_date(notice.answer_due)}前在平台签收本督办单，并反馈滞后原因、整改措施和完成时限。",
    )
    if notice.handler:
        _body(document, f"承办：{notice.handler}")
    _paragraph(document, indent=False)
    for text in (notice.masthead, chinese_date(notice.issue_date)):
        line = _paragraph(document, WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
        line.paragraph_format.right_indent = INDENT
        _run(line, text, BODY_FONT, BODY_SIZE)
    document.core_properties.title = _clean(f"{notice.number} {notice.colour_label}色督办单")
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()
