"""The circular's Excel annex: a summary sheet, one ranking sheet per target, reporting and lagging lists.

Pure: `CircularContent` in, bytes out. Figures are stored as numbers (percentages as fractions shown with
“0.0%”, gaps in points shown with a sign); every user string goes through `safe_text`; the status is
written as text and coloured, never colour alone.
"""

from __future__ import annotations

import datetime as dt
import re
from copy import copy
from decimal import Decimal
from io import BytesIO
from weakref import WeakKeyDictionary
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet

from reports.circular_content import NO_TASK_LABEL, CircularContent, RankingRow, TargetSummary
from reports.circular_layout import chinese_number
from skills_admin.lib.xlsx import write_text
from targets.engine import Status

LOCAL_TZ = ZoneInfo("Asia/Shanghai")
HEADER_ROW = 3
DASH = "—"
DEMO_NOTE = "（演示数据）"

PERCENT = "0.0%"
POINTS = "+0.0;-0.0;0.0"
WHOLE = "#,##0"
DECIMAL = "#,##0.##"
RANK_CHANGE = '"↑"0;"↓"0;"持平"'
DATETIME = "yyyy-mm-dd hh:mm"

SUMMARY_SHEET, COMPLETENESS_SHEET, LAGGING_SHEET = "汇总", "填报情况", "滞后名单"
BODY_SHEET, DETAILS_SHEET = "通报正文", "分项说明"
SUMMARY_HEADERS = ("序号", "指标", "单位", "目标", "本月", "累计", "完成率", "序时进度", "序时差", "状态")
RANKING_HEADERS = (
    "排名",
    "位次变化",
    "地区",
    "年度目标",
    "本月",
    "累计",
    "完成率",
    "序时进度",
    "序时差",
    "状态",
    "备注",
)
COMPLETENESS_HEADERS = ("地区", "状态", "报送时间", "是否按时")
LAGGING_HEADERS = ("序号", "地区", "指标", "单位", "完成率", "序时进度", "序时差", "状态")
FIGURE_COLUMNS = (4, 9)  # 年度目标 … 序时差 on a ranking sheet: merged into one “无任务” cell
INVALID_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
SHEET_NAME_MAX = 31

HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
RIGHT = Alignment(horizontal="right", vertical="center")

Spec = tuple[object, str | None]  # a cell's value and its number format


def build_circular_xlsx(content: CircularContent) -> bytes:
    """The workbook of one circular, as the bytes of an .xlsx file."""
    workbook = Workbook()
    _summary_sheet(workbook.active, content)
    taken = {SUMMARY_SHEET, COMPLETENESS_SHEET, LAGGING_SHEET}
    for target in content.targets:
        sheet = workbook.create_sheet(sheet_title(f"{target.code} {target.name}", taken))
        taken.add(sheet.title)
        _ranking_sheet(sheet, content, target)
    _completeness_sheet(workbook.create_sheet(COMPLETENESS_SHEET), content)
    _lagging_sheet(workbook.create_sheet(LAGGING_SHEET), content)
    if content.sections:
        _body_sheet(workbook.create_sheet(sheet_title(BODY_SHEET, taken)), content)
    _details_sheet(workbook.create_sheet(sheet_title(DETAILS_SHEET, taken | {BODY_SHEET})), content)
    workbook.properties.title = ILLEGAL_CHARACTERS_RE.sub("", content.title)
    workbook.properties.creator = ILLEGAL_CHARACTERS_RE.sub("", content.issuer)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def sheet_title(text: str, taken: set[str]) -> str:
    """A valid sheet name: no []:*?/\\ or control characters, at most 31 characters, unique (any case)."""
    base = ILLEGAL_CHARACTERS_RE.sub("", INVALID_SHEET_CHARS.sub("", text)).strip().strip("'")
    base = base[:SHEET_NAME_MAX].rstrip() or "指标"
    lowered = {name.lower() for name in taken}
    title, number = base, 2
    while title.lower() in lowered:
        suffix = f"~{number}"
        title = base[: SHEET_NAME_MAX - len(suffix)] + suffix
        number += 1
    return title


# --- sheets --------------------------------------------------------------------------------------------------


def _summary_sheet(sheet: Worksheet, content: CircularContent) -> None:
    sheet.title = SUMMARY_SHEET
    subtitle = f"统计期间：{content.period_label}　范围：{content.scope_name}　发布单位：{content.issuer}"
    _start(sheet, content, subtitle, SUMMARY_HEADERS)
    for index, target in enumerate(content.targets, 1):
        row = [(index, None), (f"{target.code} {target.name}", None), (target.unit_label, None)]
        row += _figures(target)
        _write_row(sheet, HEADER_ROW + index, [*row, (target.status_label, None)], target.status_code)
    _finish(sheet)


def _body_sheet(sheet: Worksheet, content: CircularContent) -> None:
    """The body as the Word and PDF files print it, from the same sections: headings, paragraphs, tables."""
    row = 1
    _banner(sheet, row, content.title, 7)
    sheet.cell(row=row, column=1).font = Font(bold=True, size=14)
    for number, section in enumerate(content.sections, 1):
        row += 2
        write_text(sheet.cell(row=row, column=1), f"{chinese_number(number)}、{section.title}")
        sheet.cell(row=row, column=1).font = Font(bold=True)
        for text in section.paragraphs:
            row += 1
            write_text(sheet.cell(row=row, column=1), text)
        for table in section.tables:
            row += 1
            write_text(sheet.cell(row=row, column=1), table.caption)
            row += 1
            for column, header in enumerate(table.headers, 1):
                cell = sheet.cell(row=row, column=column)
                write_text(cell, header)
                cell.font, cell.fill, cell.border = Font(bold=True), HEADER_FILL, BORDER
            for texts, status in zip(table.rows, table.statuses, strict=True):
                row += 1
                for column, text in enumerate(texts, 1):
                    cell = sheet.cell(row=row, column=column)
                    write_text(cell, text)
                    cell.border = BORDER
                if status:
                    sheet.cell(row=row, column=len(texts)).fill = PatternFill("solid", fgColor=Status(status).fill)
        for text in section.closing:
            row += 1
            write_text(sheet.cell(row=row, column=1), text)
    sheet.column_dimensions["A"].width = 12
    sheet.column_dimensions["B"].width = 48


def _details_sheet(sheet: Worksheet, content: CircularContent) -> None:
    """What the body leaves out: every target's sentence and every problem, one per row."""
    row = 0
    for heading, texts in (("各指标完成情况", content.overview_paragraphs), ("存在问题（明细）", content.problems)):
        row += 1
        write_text(sheet.cell(row=row, column=1), heading)
        sheet.cell(row=row, column=1).font = Font(bold=True)
        for text in texts:
            row += 1
            write_text(sheet.cell(row=row, column=1), text)
            sheet.cell(row=row, column=1).alignment = LEFT
    sheet.column_dimensions["A"].width = 120


def _ranking_sheet(sheet: Worksheet, content: CircularContent, target: TargetSummary) -> None:
    subtitle = f"{content.period_label}　{content.scope_name}　单位：{target.unit_label}　{target.sentence}"
    headers = tuple(target.target_label if h == "年度目标" else h for h in RANKING_HEADERS)
    _start(sheet, content, subtitle, headers, heading=f"{target.code} {target.name}")
    for index, entry in enumerate(target.ranking, 1):
        _ranking_row(sheet, HEADER_ROW + index, entry)
    _finish(sheet)


def _ranking_row(sheet: Worksheet, row: int, entry: RankingRow) -> None:
    figures = _figures(entry) if entry.has_task else [(NO_TASK_LABEL, None)] * 6
    specs = [(entry.rank, None), (entry.rank_change, RANK_CHANGE), (entry.region_name, None), *figures]
    _write_row(sheet, row, [*specs, (entry.status_label, None), (entry.remark or "", None)], entry.status_code)
    if not entry.has_task:
        first, last = FIGURE_COLUMNS
        sheet.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)
        sheet.cell(row=row, column=first).alignment = CENTRE


def _completeness_sheet(sheet: Worksheet, content: CircularContent) -> None:
    _start(sheet, content, _completeness_line(content), COMPLETENESS_HEADERS, heading="填报情况")
    for index, entry in enumerate(content.completeness, 1):
        specs = [
            (entry.region_name, None),
            (entry.status_label, None),
            (_excel_datetime(entry.submitted_at), DATETIME),
            (_yes_no(entry.on_time), None),
        ]
        _write_row(sheet, HEADER_ROW + index, specs, _reporting_code(entry.submitted_at, entry.on_time))
    _finish(sheet)


def _lagging_sheet(sheet: Worksheet, content: CircularContent) -> None:
    subtitle = f"{content.period_label}　{content.scope_name}　低于序时进度的地区和指标（按序时差排列）"
    _start(sheet, content, subtitle, LAGGING_HEADERS, heading="滞后名单")
    for index, entry in enumerate(content.lagging, 1):
        specs = [(index, None), (entry.region_name, None), (entry.target_name, None), (entry.unit, None)]
        specs += [_percent(entry.completion_rate), _percent(entry.schedule_rate), (entry.schedule_gap, POINTS)]
        code = "severe" if "严重" in entry.status_label else "lagging"
        _write_row(sheet, HEADER_ROW + index, [*specs, (entry.status_label, None)], code)
    _finish(sheet)
    if not content.lagging:
        _note_row(sheet, HEADER_ROW + 1, "本月无低于序时进度的地区。")


# --- rows and cells ------------------------------------------------------------------------------------------


def _figures(item: TargetSummary | RankingRow) -> list[Spec]:
    """年度目标, 本月, 累计, 完成率, 序时进度, 序时差 as cell specs."""
    amounts = [(value, _amount_format(value)) for value in (item.target_value, item.this_month, item.cumulative)]
    rates = [_percent(item.completion_rate), _percent(item.schedule_rate)]
    return [*amounts, *rates, (item.schedule_gap, POINTS)]


def _percent(value: Decimal | None) -> Spec:
    """A percent number (64.0) as the fraction Excel formats as a percentage (0.64)."""
    return (None if value is None else Decimal(value) / 100, PERCENT)


def _amount_format(value: Decimal | None) -> str:
    if value is None or Decimal(value) == Decimal(value).to_integral_value():
        return WHOLE
    return DECIMAL


def _write_row(sheet: Worksheet, row: int, specs: list[Spec], status_code: str) -> None:
    """Write a data row and colour its 状态 cell (the text stays: colour is never the only signal)."""
    for column, (value, number_format) in enumerate(specs, 1):
        _put(sheet.cell(row=row, column=column), value, number_format)
    cell = sheet.cell(row=row, column=_status_column(sheet))
    _styled(cell, ("status", status_code), lambda c: _status_fill(c, status_code))


def _status_fill(cell, status_code: str) -> None:
    cell.fill = PatternFill("solid", fgColor=Status(status_code).fill)


def _put(cell, value: object, number_format: str | None) -> None:
    if value is None:
        write_text(cell, DASH)
        _styled(cell, ("cell", None, id(CENTRE)), lambda c: _bordered(c, None, CENTRE))
    elif isinstance(value, str):
        write_text(cell, value)
        alignment = LEFT if len(value) > 6 else CENTRE
        _styled(cell, ("cell", None, id(alignment)), lambda c: _bordered(c, None, alignment))
    else:
        cell.value = value
        number_format = number_format or "General"
        _styled(cell, ("cell", number_format, id(RIGHT)), lambda c: _bordered(c, number_format, RIGHT))


def _bordered(cell, number_format: str | None, alignment: Alignment) -> None:
    cell.border = BORDER
    if number_format is not None:
        cell.number_format = number_format
    cell.alignment = alignment


# A data cell's style is one of a few combinations (border, alignment, number format, status fill). Setting
# them attribute by attribute hashes each style object into the workbook's style lists, cell after cell: that
# was two thirds of the Excel annex's CPU. Each combination is applied the ordinary way once per workbook, and
# the resulting style indices are copied to the next cell with the same starting style: the same file.
_STYLE_ARRAYS: WeakKeyDictionary = WeakKeyDictionary()
_STATUS_COLUMNS: WeakKeyDictionary = WeakKeyDictionary()


def _styled(cell, key: tuple, apply) -> None:
    arrays = _STYLE_ARRAYS.setdefault(cell.parent.parent, {})
    key = (*key, None if cell._style is None else tuple(cell._style))
    done = arrays.get(key)
    if done is None:
        apply(cell)
        arrays[key] = copy(cell._style)
    else:
        cell._style = copy(done)


def _status_column(sheet: Worksheet) -> int:
    """The 状态 column of the sheet's header row (written once by `_start`)."""
    column = _STATUS_COLUMNS.get(sheet)
    if column is None:
        headers = [cell.value for cell in sheet[HEADER_ROW]]
        column = _STATUS_COLUMNS[sheet] = headers.index("状态") + 1
    return column


def _note_row(sheet: Worksheet, row: int, text: str) -> None:
    write_text(sheet.cell(row=row, column=1), text)
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=sheet.max_column)
    sheet.cell(row=row, column=1).alignment = CENTRE


def _excel_datetime(value: dt.datetime | None) -> dt.datetime | None:
    """Excel has no time zones: aware datetimes are shown in Beijing time, without the zone."""
    if value is None or value.tzinfo is None:
        return value
    return value.astimezone(LOCAL_TZ).replace(tzinfo=None)


def _yes_no(on_time: bool | None) -> str:
    return {True: "是", False: "否", None: DASH}[on_time]


def _reporting_code(submitted_at: dt.datetime | None, on_time: bool | None) -> str:
    """The colour of a reporting row: on time green, late amber, not submitted red."""
    if submitted_at is None:
        return "severe"
    return "on_track" if on_time else "lagging"


def _completeness_line(content: CircularContent) -> str:
    total = len(content.completeness)
    submitted = sum(1 for row in content.completeness if row.submitted_at is not None)
    on_time = sum(1 for row in content.completeness if row.on_time)
    return (
        f"{content.period_label}　应报{total}个地区，已报送{submitted}个（报送率{_rate(submitted, total)}），"
        f"其中按时报送{on_time}个（按时率{_rate(on_time, total)}），未报送{total - submitted}个"
    )


def _rate(part: int, whole: int) -> str:
    return f"{part * 100 / whole:.1f}%" if whole else DASH


# --- layout --------------------------------------------------------------------------------------------------


def _start(sheet: Worksheet, content: CircularContent, subtitle: str, headers, heading: str = "") -> None:
    """Title (with the demo note), subtitle and the bold bordered header row."""
    title = f"{content.title}——{heading}" if heading else content.title
    _banner(sheet, 1, title + (DEMO_NOTE if content.is_demo else ""), len(headers))
    _banner(sheet, 2, subtitle, len(headers))
    sheet.cell(row=1, column=1).font = Font(bold=True, size=16, color="C00000" if content.is_demo else None)
    sheet.cell(row=2, column=1).font = Font(size=11, color="595959")
    sheet.row_dimensions[1].height = 32
    sheet.row_dimensions[2].height = 36
    for column, header in enumerate(headers, 1):
        cell = sheet.cell(row=HEADER_ROW, column=column, value=header)
        _styled(cell, ("header",), _header_style)


def _header_style(cell) -> None:
    cell.font, cell.fill, cell.border, cell.alignment = Font(bold=True), HEADER_FILL, BORDER, CENTRE


def _banner(sheet: Worksheet, row: int, text: str, width: int) -> None:
    write_text(sheet.cell(row=row, column=1), text)
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    sheet.cell(row=row, column=1).alignment = CENTRE


def _finish(sheet: Worksheet) -> None:
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    _fit_columns(sheet)
    _print_setup(sheet)


def _fit_columns(sheet: Worksheet, minimum: int = 8, maximum: int = 40) -> None:
    widths: dict[int, int] = {}
    for row in sheet.iter_rows(min_row=HEADER_ROW):
        for cell in row:
            widths[cell.column] = max(widths.get(cell.column, 0), _display_width(cell.value, cell.number_format))
    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = min(max(width + 2, minimum), maximum)


def _display_width(value: object, number_format: str = "General") -> int:
    """Roughly how many character widths a value takes as displayed (0.64 in 0.0% is “64.0%”, not the 34
    digits of the Decimal); Chinese characters count double."""
    if value is None:
        return 0
    if isinstance(value, dt.datetime):
        return 16
    if not isinstance(value, str):
        return len(_displayed(value, number_format)) + 2
    return sum(2 if ord(char) > 0x2E7F else 1 for char in value)


def _displayed(value, number_format: str) -> str:
    """A number as its cell's format shows it (the formats this module writes)."""
    number = Decimal(str(value))
    if number_format == PERCENT:
        return f"{number * 100:.1f}%"
    if number_format == POINTS:
        return f"{number:+.1f}"
    if number_format == WHOLE:
        return f"{number:,.0f}"
    return f"{number:,.2f}".rstrip("0").rstrip(".")


def _print_setup(sheet: Worksheet) -> None:
    """A4 landscape, one page wide, the header row on every page, page numbers in the footer."""
    sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.print_options.horizontalCentered = True
    sheet.page_margins = PageMargins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    sheet.oddFooter.center.text = "第 &P 页，共 &N 页"
