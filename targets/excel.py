"""The Excel entry template: building it for a plan and month, and reading it back once filled in.

Pure functions, no database: the caller supplies the rows and applies what comes back. The template holds one
visible sheet “填报” (only 本月完成 / 进展 / 备注 of open rows are editable) and a very hidden, protected sheet
“_meta” that names the plan and month and lists every allocation of the template with its kind, unit and lock.
Reading trusts “_meta” for kinds and units, never the visible columns, and collects every error of every row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from io import BytesIO
from math import ceil

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Protection, Side
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.cell_range import MultiCellRange
from openpyxl.worksheet.datavalidation import DataValidation

from plans.reading import counts_whole
from skills_admin.lib.xlsx import FORMULA_TRIGGERS, WorkbookRejected, open_workbook_safely, write_text
from targets.engine import MILESTONE, RATIO, SPECS, spec
from targets.formatting import months_through
from targets.models import MonthlyFigure, column_max

SHEET_TITLE = "填报"
META_SHEET = "_meta"
TEMPLATE_FORMAT = "entry-template/2"  # 2: each row carries the version of the figure the user saw
HEADERS = (
    "编号",
    "地区代码",
    "地区",
    "任务序号",
    "指标序号",
    "指标",
    "单位",
    "类型",
    "年度目标",
    "此前累计",
    "本月完成",
    "进展(里程碑)",
    "备注",
)
WIDTHS = (8, 10, 14, 8, 8, 40, 8, 10, 12, 12, 12, 13, 30)
COL_ID, COL_VALUE, COL_STATUS, COL_REMARK = 1, 11, 12, 13
TITLE_ROW, NOTE_ROW, HEADER_ROW, FIRST_DATA_ROW = 1, 2, 3, 4

COL_TARGET = 9
MIXED_TARGET_HEADER = "目标"  # rows of several kinds: each row's unit column says its period (个/季度)
# Any of these heads the target column of a template this product made (read back when uploaded).
TARGET_HEADERS = {MIXED_TARGET_HEADER} | {s.target_label for s in SPECS.values()}
STATUS_LABELS = {"not_started": "未启动", "in_progress": "推进中", "done": "已完成"}
STATUS_CODES = {label: code for code, label in STATUS_LABELS.items()}
MAX_VALUE = column_max(MonthlyFigure, "value")
MAX_REMARK = 500
CENT = Decimal("0.01")

# Full-width digits and signs as typed with a Chinese input method, and the Unicode minus sign.
FULL_WIDTH = str.maketrans(
    {chr(0xFF10 + digit): str(digit) for digit in range(10)}
    | {"\uff0c": ",", "\uff0e": ".", "\uff0d": "-", "\uff0b": "+", "\uff05": "%", "\u2212": "-"}
)
NUMBER_RE = re.compile(r"[+-]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?")

NOTE = (
    "填报说明：只填写黄色单元格（本月完成、进展、备注）；灰色行已截止或已报送，不能修改。"
    "数值可带千分位逗号，留空表示本月无数据。请勿增删行列，不要修改表头和隐藏的编号列。"
)
NO_TEMPLATE = "未找到模板标识，请使用系统下载的填报模板"
OLD_TEMPLATE = "模板版本过旧，请重新下载填报模板后再填写上传"
BAD_HEADER = "“填报”工作表的表头已被修改或缺失，请重新下载模板填写"

THIN = Side(style="thin", color="BFBFBF")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
FILLS = {
    "可填": PatternFill("solid", fgColor="FFF9E5"),
    "锁定": PatternFill("solid", fgColor="EEEEEE"),
    "只读": PatternFill(),
}
WRAP = Alignment(vertical="center", wrap_text=True)
FIGURE_COLUMNS = (9, 10, COL_VALUE)


@dataclass(frozen=True)
class TemplateRow:
    allocation_id: int
    region_code: str
    region_name: str
    task_number: int
    target_number: int
    target_name: str
    unit: str
    kind: str
    target_value: Decimal | None
    cumulative_before: Decimal | None
    value: Decimal | None
    milestone_status: str
    remark: str
    locked: bool
    version: int = 0  # the figure's version when the template was made (0: no figure yet)
    period: str | None = None  # Target.period: with `kind`, what the row's target means (targets/engine/kinds.py)
    cumulative: bool = False  # this row's value is 1—N月累计 (the target's own 填报口径 or the plan's)


@dataclass
class UploadRow:
    row_number: int
    allocation_id: int
    region_code: str
    value: Decimal | None
    milestone_status: str
    remark: str
    seen_version: int | None = None
    cumulative: bool = False  # typed as 1—N月累计 (a mixed template says so row by row in “_meta”)


@dataclass
class RowError:
    row_number: int | None
    message: str


@dataclass
class ParsedUpload:
    plan_slug: str
    year: int
    month: int
    rows: list[UploadRow]
    errors: list[RowError]
    cumulative: bool = False  # the value column read “1—N月累计”: see targets/basis.py


MIXED = "mixed"  # some rows 本月完成, others 1—N月累计: the 类型 column says which


def value_header(month: int, cumulative: bool | str) -> str:
    if cumulative == MIXED:
        return f"本月完成或{months_through(month)}累计"
    return f"{months_through(month)}累计" if cumulative else HEADERS[COL_VALUE - 1]


def _headers(month: int, cumulative: bool | str, target_header: str = HEADERS[COL_TARGET - 1]) -> tuple[str, ...]:
    headers = (*HEADERS[: COL_VALUE - 1], value_header(month, cumulative), *HEADERS[COL_VALUE:])
    return (*headers[: COL_TARGET - 1], target_header, *headers[COL_TARGET:])


def target_header(rows: list[TemplateRow]) -> str:
    """The target column's heading: the rows' own (年度目标, 季度目标 …) when they share one, else 目标."""
    labels = {spec(r.kind, r.period).target_label for r in rows}
    return labels.pop() if len(labels) == 1 else MIXED_TARGET_HEADER


def _template_basis(rows: list[TemplateRow], cumulative: bool) -> bool | str:
    """True when every numbered row is 1—N月累计, MIXED when only some are, else False."""
    numbered = [r for r in rows if r.kind != MILESTONE]
    marked = [r for r in numbered if r.cumulative]
    if cumulative or (marked and len(marked) == len(numbered)):
        return True
    return MIXED if marked else False


# --- One figure ----------------------------------------------------------------------------------------------


def parse_figure_value(raw: object, *, unit: str, kind: str) -> Decimal | None:
    """This month's figure from a cell or a form field: None when blank; ValueError (Chinese) when wrong.

    Accepts numbers, and text with full-width digits, surrounding spaces and thousands separators (“1,234”).
    """
    if _is_blank(raw):
        return None
    if kind == MILESTONE:
        raise ValueError("里程碑指标不填数值，请在“进展”列选择")
    number = _to_decimal(raw, percent=kind == RATIO)
    _check_range(number, unit, kind)  # first: a huge number cannot be quantized, and ≤ the bound rounds within it
    return number.quantize(CENT, ROUND_HALF_UP) if number.as_tuple().exponent < -2 else number


def _is_blank(raw: object) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def _not_a_number(raw: object) -> ValueError:
    shown = str(raw).strip()
    return ValueError(f"本月完成“{shown[:20]}{'…' if len(shown) > 20 else ''}”不是数字")


def _to_decimal(raw: object, *, percent: bool) -> Decimal:
    if isinstance(raw, bool):
        raise _not_a_number(raw)
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, float | Decimal):
        number = Decimal(repr(raw)) if isinstance(raw, float) else raw
        if not number.is_finite():
            raise _not_a_number(raw)
        return number
    if isinstance(raw, str):
        return _decimal_from_text(raw, percent=percent)
    raise _not_a_number(raw)


def _decimal_from_text(raw: str, *, percent: bool) -> Decimal:
    text = raw.translate(FULL_WIDTH).strip()
    if text.startswith("="):
        raise ValueError("本月完成不能是公式，请填写数值")
    if percent and text.endswith("%"):
        text = text[:-1].rstrip()
    if not NUMBER_RE.fullmatch(text):
        raise _not_a_number(raw)
    return Decimal(text.replace(",", ""))


def _check_range(number: Decimal, unit: str, kind: str) -> None:
    if number < 0:
        raise ValueError("本月完成不能为负数")
    if number > MAX_VALUE:
        raise ValueError(f"本月完成数值过大（上限为{MAX_VALUE:,f}），请核对单位")
    if kind == RATIO and number > 100:
        raise ValueError("比例应在0到100之间")
    if counts_whole(kind, unit) and number != number.to_integral_value():
        raise ValueError(f"本月完成应为整数（单位为“{unit}”）")


# --- Building the template ---------------------------------------------------------------------------------


def build_entry_template(
    *,
    plan_title: str,
    plan_slug: str,
    year: int,
    month: int,
    rows: list[TemplateRow],
    cumulative: bool = False,
    region_name: str = "",
) -> bytes:
    """The .xlsx a region downloads to fill in `month`'s figures of `rows` offline (values as 1—N月累计 when
    `cumulative`, or row by row as each row's `cumulative` says: the rows then carry cumulative values)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_TITLE
    basis = _template_basis(rows, cumulative)
    _write_heading(sheet, f"{plan_title} {region_name}".rstrip(), year, month, basis, rows)
    styles = _Styles(workbook)
    for number, row in enumerate(rows, start=FIRST_DATA_ROW):
        _write_row(sheet, number, row, month if basis == MIXED else None)
        _style_row(sheet, number, row, styles)
        sheet.row_dimensions[number].height = row_height(row.target_name, WIDTHS[5], row.remark, WIDTHS[-1])
    _add_validations(sheet, rows)
    _format_sheet(sheet)
    _write_meta(workbook.create_sheet(META_SHEET), plan_slug, year, month, rows, basis)
    workbook.security = WorkbookProtection(lockStructure=True)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write_heading(
    sheet, plan_title: str, year: int, month: int, cumulative: bool | str, rows: list[TemplateRow]
) -> None:
    write_text(sheet.cell(TITLE_ROW, 2), f"{plan_title} {year}年{month}月 任务指标填报表")
    sheet.cell(TITLE_ROW, 2).font = Font(size=14, bold=True)
    note = NOTE
    if cumulative == MIXED:
        note += (
            f"各指标的填报口径不同：“类型”列注明“填1—{month}月累计”的按累计数填报（系统自动换算本月数），"
            "其余填本月数；累计数低于此前须在备注说明（核减）。"
        )
    elif cumulative:
        note += (
            f"本表按{months_through(month)}累计数填报（存量、比例指标填月末数），系统自动换算本月数；"
            "累计数低于此前须在备注说明（核减）。"
        )
        if any(spec(r.kind, r.period).is_quarterly for r in rows):
            note += "每季度指标填本季度累计数。"
    write_text(sheet.cell(NOTE_ROW, 2), note)
    sheet.cell(NOTE_ROW, 2).alignment = WRAP
    sheet.cell(NOTE_ROW, 2).font = Font(color="C00000")
    last = len(HEADERS)
    sheet.merge_cells(start_row=TITLE_ROW, start_column=2, end_row=TITLE_ROW, end_column=last)
    sheet.merge_cells(start_row=NOTE_ROW, start_column=2, end_row=NOTE_ROW, end_column=last)
    sheet.row_dimensions[NOTE_ROW].height = row_height(note, sum(WIDTHS[1:]))
    for column, header in enumerate(_headers(month, cumulative, target_header(rows)), start=1):
        cell = sheet.cell(HEADER_ROW, column, header)
        cell.font, cell.fill, cell.border, cell.alignment = Font(bold=True), HEADER_FILL, BORDER, WRAP
    pairs = [x for header, width in zip(_headers(month, cumulative), WIDTHS, strict=True) for x in (header, width)]
    sheet.row_dimensions[HEADER_ROW].height = row_height(*pairs)


def _write_row(sheet, number: int, row: TemplateRow, mixed_month: int | None = None) -> None:
    milestone = row.kind == MILESTONE
    meaning = spec(row.kind, row.period)
    kind_label = meaning.label
    if mixed_month is not None and not milestone and meaning.sums:  # a stock or a ratio: month-end either way
        kind_label += f"（填{meaning.window_words(mixed_month)}）" if row.cumulative else "（填本月数）"
    numbers = {
        COL_ID: row.allocation_id,
        4: row.task_number,
        5: row.target_number,
        9: row.target_value,
        10: row.cumulative_before,
        COL_VALUE: None if milestone else row.value,
    }
    texts = {
        2: row.region_code,
        3: row.region_name,
        6: row.target_name,
        7: meaning.unit_label(row.unit),
        8: kind_label,
        COL_STATUS: STATUS_LABELS.get(row.milestone_status, "") if milestone else "",
        COL_REMARK: row.remark,
    }
    for column, value in numbers.items():
        sheet.cell(number, column, value)
    for column, text in texts.items():
        if text:
            write_text(sheet.cell(number, column), text)


def _input_columns(row: TemplateRow) -> tuple[int, ...]:
    if row.locked:
        return ()
    return (COL_STATUS if row.kind == MILESTONE else COL_VALUE, COL_REMARK)


class _Styles:
    """The data cells' named styles, each registered once: naming a style costs far less than setting a border,
    a fill and a protection on each of tens of thousands of cells."""

    def __init__(self, workbook):
        self.workbook = workbook
        self.names: set[str] = set()

    def name(self, *, fill: str, number_format: str, wrap: bool) -> str:
        name = f"填报-{fill}-{number_format}{'-换行' if wrap else ''}"
        if name not in self.names:
            style = NamedStyle(name=name, border=BORDER, fill=FILLS[fill], number_format=number_format)
            style.protection = Protection(locked=fill != "可填")
            style.alignment = WRAP if wrap else Alignment(vertical="center")
            self.workbook.add_named_style(style)
            self.names.add(name)
        return name


def _style_row(sheet, number: int, row: TemplateRow, styles: _Styles) -> None:
    inputs = _input_columns(row)
    figures = "#,##0" if counts_whole(row.kind, row.unit) else "#,##0.00"
    for column in range(1, len(HEADERS) + 1):
        fill = "可填" if column in inputs else "锁定" if row.locked else "只读"
        number_format = figures if column in FIGURE_COLUMNS else "@" if column == 2 else "General"
        sheet.cell(number, column).style = styles.name(
            fill=fill, number_format=number_format, wrap=column in (6, COL_REMARK)
        )


def _format_sheet(sheet) -> None:
    for column, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[_letter(column)].width = width
    sheet.column_dimensions["A"].hidden = True
    sheet.freeze_panes = sheet.cell(FIRST_DATA_ROW, 4)
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4  # else Letter outside a Chinese locale
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    protection = sheet.protection
    protection.sheet = True
    protection.formatColumns = protection.formatRows = False  # widths and heights stay adjustable


LINE_HEIGHT = 15  # points per wrapped line of 11-point text (Calc and Excel); rows get one line's padding


def display_width(text: str) -> int:
    """Character widths of `text` in a column: Chinese characters take two."""
    return sum(2 if ord(char) > 0x2E7F else 1 for char in text or "")


def row_height(*texts_and_widths) -> float:
    """A row tall enough for each (text, column width) pair wrapped: Calc never grows a row by itself, and long
    target names overlapped the next row."""
    pairs = zip(texts_and_widths[::2], texts_and_widths[1::2], strict=True)
    lines = max((ceil(display_width(text) / max(width - 1, 1)) for text, width in pairs), default=1)
    return max(lines, 1) * LINE_HEIGHT + 3


def _letter(column: int) -> str:
    return chr(ord("A") + column - 1)


# --- Data validation ---


def _validation_key(row: TemplateRow) -> str:
    if row.kind == MILESTONE:
        return "status"
    if row.kind == RATIO:
        return "ratio"
    return "whole" if counts_whole(row.kind, row.unit) else "decimal"


def _add_validations(sheet, rows: list[TemplateRow]) -> None:
    groups: dict[str, list[int]] = {}
    for number, row in enumerate(rows, start=FIRST_DATA_ROW):
        if not row.locked:
            groups.setdefault(_validation_key(row), []).append(number)
            groups.setdefault("remark", []).append(number)
    for key, numbers in groups.items():
        validation = _validation(key)
        column = {"status": COL_STATUS, "remark": COL_REMARK}.get(key, COL_VALUE)
        validation.sqref = MultiCellRange(_ranges(_letter(column), numbers))
        sheet.add_data_validation(validation)


def _validation(key: str) -> DataValidation:
    kinds = {
        "whole": ("whole", "greaterThanOrEqual", "0", None, "请填写不小于0的整数"),
        "decimal": ("decimal", "greaterThanOrEqual", "0", None, "请填写不小于0的数值"),
        "ratio": ("decimal", "between", "0", "100", "请填写0到100之间的比例（不带%）"),
        "status": ("list", None, '"未启动,推进中,已完成"', None, "请从下拉列表选择：未启动、推进中或已完成"),
        "remark": ("textLength", "lessThanOrEqual", str(MAX_REMARK), None, f"备注不超过{MAX_REMARK}字"),
    }
    kind, operator, formula1, formula2, prompt = kinds[key]
    return DataValidation(
        type=kind,
        operator=operator,
        formula1=formula1,
        formula2=formula2,
        allow_blank=True,
        showInputMessage=True,
        promptTitle="填写提示",
        prompt=prompt + ("；留空表示本月无数据" if key != "remark" else ""),
        showErrorMessage=True,
        errorTitle="输入有误",
        error=prompt,
    )


def _ranges(letter: str, numbers: list[int]) -> str:
    """'K4:K6 K9' for rows [4, 5, 6, 9]: consecutive rows collapse into one range."""
    runs: list[list[int]] = []
    for number in numbers:
        if runs and runs[-1][1] == number - 1:
            runs[-1][1] = number
        else:
            runs.append([number, number])
    return " ".join(f"{letter}{a}" if a == b else f"{letter}{a}:{letter}{b}" for a, b in runs)


# --- The hidden sheet ---


def _write_meta(meta, plan_slug: str, year: int, month: int, rows: list[TemplateRow], basis=False) -> None:
    for key, value in (("format", TEMPLATE_FORMAT), ("plan_slug", plan_slug), ("year", year), ("month", month)):
        meta.append([key, value])
    meta.append(["allocation_id", "kind", "unit", "locked", "version", "cumulative"])
    for row in rows:
        cumulative = int(basis is True or (basis == MIXED and row.cumulative and row.kind != MILESTONE))
        meta.append([row.allocation_id, row.kind, row.unit, int(row.locked), row.version, cumulative])
    for cells in meta.iter_rows():
        for cell in cells:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # a unit or slug is text, even if it starts with “=”
    meta.sheet_state = "veryHidden"
    meta.protection.sheet = True


# --- Reading a filled-in template --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Listed:
    """What “_meta” says of one allocation of the template."""

    kind: str
    unit: str
    locked: bool
    version: int | None = None
    cumulative: bool = False


@dataclass
class _Meta:
    plan_slug: str
    year: int
    month: int
    listed: dict[int, _Listed]


def parse_entry_upload(data: bytes, *, max_bytes: int, max_rows: int, describe=None) -> ParsedUpload:
    """The figures of a filled-in template, or every error found (row-numbered, Chinese); never raises.

    Rows left blank in 本月完成 / 进展 / 备注 and locked rows yield nothing. `describe(allocation_ids)` gives
    {id: (kind, unit)} from the database: the hidden sheet's own kind and unit are only a fallback for tests,
    since a user can edit them.
    """
    try:
        workbook = open_workbook_safely(data, max_bytes=max_bytes, max_rows=max_rows)
    except WorkbookRejected as exc:
        return _refused(exc.message)
    meta = _read_meta(workbook)
    if meta is None:
        found = _format_of(workbook)
        old = found.startswith("entry-template/") and found != TEMPLATE_FORMAT
        return _refused(OLD_TEMPLATE if old else NO_TEMPLATE)
    if describe is not None:
        known = describe(list(meta.listed))
        meta.listed = {
            pk: replace(listed, kind=known.get(pk, ("", ""))[0], unit=known.get(pk, ("", ""))[1])
            for pk, listed in meta.listed.items()
        }
    sheet = workbook[SHEET_TITLE] if SHEET_TITLE in workbook.sheetnames else None
    header_row, cumulative = _find_header(sheet, meta.month) if sheet is not None else (None, False)
    if header_row is None:
        return _refused(BAD_HEADER, meta)
    rows, errors = _read_rows(sheet.iter_rows(min_row=header_row + 1, max_col=len(HEADERS)), meta)
    if cumulative == MIXED:  # row by row, as the template said when it was made
        rows = [replace(r, cumulative=meta.listed[r.allocation_id].cumulative) for r in rows]
        cumulative = False
    return ParsedUpload(meta.plan_slug, meta.year, meta.month, rows, errors, cumulative)


def _refused(message: str, meta: _Meta | None = None) -> ParsedUpload:
    slug, year, month = (meta.plan_slug, meta.year, meta.month) if meta else ("", 0, 0)
    return ParsedUpload(slug, year, month, [], [RowError(None, message)])


def _format_of(workbook) -> str:
    if META_SHEET not in workbook.sheetnames:
        return ""
    for key, value in workbook[META_SHEET].iter_rows(max_row=1, max_col=2, values_only=True):
        return str(value or "") if key == "format" else ""
    return ""


def _read_meta(workbook) -> _Meta | None:
    if META_SHEET not in workbook.sheetnames:
        return None
    values: dict[str, object] = {}
    listed: dict[int, _Listed] = {}
    for key, kind, unit, locked, version, cumulative, *_ in workbook[META_SHEET].iter_rows(max_col=6, values_only=True):
        if isinstance(key, str):
            values[key] = kind
        elif _is_integer(key):
            seen = int(version) if _is_integer(version) else None
            listed[int(key)] = _Listed(str(kind or ""), str(unit or ""), bool(locked), seen, cumulative == 1)
    slug, year, month = values.get("plan_slug"), values.get("year"), values.get("month")
    if values.get("format") != TEMPLATE_FORMAT or not isinstance(slug, str):
        return None
    if not (_is_integer(year) and _is_integer(month) and 1 <= month <= 12):
        return None
    return _Meta(slug, int(year), int(month), listed)


def _is_integer(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer()


def _find_header(sheet, month: int) -> tuple[int | None, bool | str]:
    """The header row and whether its value column reads 1—N月累计 (True), 本月完成 (False) or both (MIXED)."""
    for number, values in enumerate(sheet.iter_rows(max_row=10, max_col=len(HEADERS), values_only=True), 1):
        if len(values) >= COL_TARGET and values[COL_TARGET - 1] in TARGET_HEADERS:
            values = (*values[: COL_TARGET - 1], HEADERS[COL_TARGET - 1], *values[COL_TARGET:])
        for cumulative in (False, True, MIXED):
            if tuple(values) == _headers(month, cumulative):
                return number, cumulative
    return None, False


def _read_rows(cell_rows, meta: _Meta) -> tuple[list[UploadRow], list[RowError]]:
    rows: list[UploadRow] = []
    errors: list[RowError] = []
    first_seen: dict[int, int] = {}
    for cells in cell_rows:
        if all(_is_blank(cell.value) for cell in cells[COL_VALUE - 1 : COL_REMARK]):
            continue
        number = cells[0].row
        allocation_id, problem = _identify(number, cells[COL_ID - 1].value, meta, first_seen)
        if problem:
            errors.append(RowError(number, problem))
        elif not meta.listed[allocation_id].locked:
            row, messages = _read_row(number, allocation_id, cells, meta.listed[allocation_id])
            errors += [RowError(number, f"第{number}行：{message}") for message in messages]
            rows += [] if messages else [row]
    return rows, errors


def _identify(number: int, raw: object, meta: _Meta, first_seen: dict[int, int]) -> tuple[int, str]:
    """The row's allocation id, or an error message (a missing, altered or repeated id)."""
    allocation_id, problem = _allocation_id(raw, meta)
    if problem:
        return 0, f"第{number}行：{problem}"
    if allocation_id in first_seen:
        return 0, f"第{number}行与第{first_seen[allocation_id]}行重复（同一指标只能填一行）"
    first_seen[allocation_id] = number
    return allocation_id, ""


def _read_row(number: int, allocation_id: int, cells, listed: _Listed) -> tuple[UploadRow, list[str]]:
    """The row as read, and its error messages (all of them, not only the first)."""
    messages: list[str] = []
    value = _collect(messages, _cell_value, cells[COL_VALUE - 1], listed)
    status = _collect(messages, _cell_status, cells[COL_STATUS - 1], listed)
    remark = _collect(messages, _cell_remark, cells[COL_REMARK - 1])
    row = UploadRow(number, allocation_id, _text(cells[1].value), value, status or "", remark or "", listed.version)
    return row, messages


def _collect(messages: list[str], read, *args):
    """`read(*args)`, or None with its ValueError's message added to `messages`."""
    try:
        return read(*args)
    except ValueError as exc:
        messages.append(str(exc))
        return None


def _allocation_id(raw: object, meta: _Meta) -> tuple[int, str]:
    if _is_blank(raw):
        return 0, "缺少指标编号（隐藏的第一列），请勿删除或修改"
    if not _is_integer(raw):
        return 0, f"指标编号“{str(raw)[:20]}”无效，请勿修改隐藏的编号列"
    if int(raw) not in meta.listed:
        return 0, f"指标编号{int(raw)}不在本模板中，请勿修改隐藏的编号列"
    return int(raw), ""


def _is_formula(cell) -> bool:
    return cell.data_type == "f" or (isinstance(cell.value, str) and cell.value.lstrip().startswith("="))


def _cell_value(cell, listed: _Listed) -> Decimal | None:
    if _is_formula(cell):
        raise ValueError("本月完成不能是公式，请填写数值")
    return parse_figure_value(cell.value, unit=listed.unit, kind=listed.kind)


def _cell_status(cell, listed: _Listed) -> str:
    if _is_formula(cell):
        raise ValueError("进展不能是公式，请从下拉列表选择")
    text = _text(cell.value)
    if not text:
        return ""
    if listed.kind != MILESTONE:
        raise ValueError("该指标不是里程碑，“进展”列应留空")
    if text in STATUS_CODES:
        return STATUS_CODES[text]
    if text in STATUS_LABELS:
        return text
    raise ValueError(f"进展“{text[:20]}”无效，应为未启动、推进中或已完成")


def _cell_remark(cell) -> str:
    if _is_formula(cell):
        raise ValueError("备注不能是公式")
    text = _text(cell.value)
    if text.startswith("'") and text[1:].startswith(FORMULA_TRIGGERS):
        text = text[1:]  # undo the quote `safe_text` put in front when the template was written
    if len(text) > MAX_REMARK:
        raise ValueError(f"备注不能超过{MAX_REMARK}字（现为{len(text)}字）")
    return text


def _text(raw: object) -> str:
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    return str(raw).strip()
