"""Writing user text into spreadsheets safely (no formula injection, no characters Excel rejects)."""

from __future__ import annotations

import time
import warnings
import zipfile
from io import BytesIO
from xml.etree import ElementTree

from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils.cell import column_index_from_string, range_boundaries

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: str) -> str:
    """The text as a spreadsheet must hold it: never a formula, never a character Excel refuses.

    Control characters Excel cannot store are dropped first; then a text that starts with = + - @ or a
    tab/CR gets a leading single quote, so Excel, LibreOffice and CSV importers show it as text
    (OWASP “CSV injection”).
    """
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def write_text(cell, value: str) -> None:
    """Put user text into an openpyxl cell as a string, escaped by `safe_text`."""
    cell.value = safe_text(value)
    cell.data_type = "s"


# --- Reading untrusted workbooks ---------------------------------------------------------------------------

MEGABYTE = 1024 * 1024
OLE_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")  # .xls and Office-encrypted .xlsx files
MAX_UNPACKED_BYTES = 100 * MEGABYTE
UNPACK_FACTOR = 50  # the whole archive may unpack to at most this many times the upload limit
MAX_MEMBER_RATIO = 200
RATIO_FLOOR = MEGABYTE  # members smaller than this cannot be bombs, whatever their ratio
# Far above any real template or annex (a province's template at national scale: ~5,000 rows × 13 columns, two
# merged title rows; an annex: a few hundred rows with vertical merges) and low enough that the worst permitted
# file opens in a few seconds (measured in tests/lib/test_xlsx.py and the issue-12 report).
MAX_CELLS = 200_000  # cells written in the whole workbook
MAX_MERGED_CELLS = 20_000  # cells covered by merged ranges: openpyxl makes an object for every one
MAX_MERGED_RANGES = 2_000
MAX_SECONDS = 10.0  # streaming the parts; beyond it the file is refused rather than tie up a worker
# The whole package is bounded, not only cells and merges (issue 21): openpyxl makes an object for every cell a
# hyperlink or comment reference covers, and one for every element of every part it reads. The entry template has
# 3 parts per sheet, no hyperlink, comment, drawing or conditional format, and a handful of data validations.
MAX_PARTS = 300
MAX_PART_BYTES = 40 * MEGABYTE  # the worst permitted entry template's largest part is 14.5 MB
MAX_ELEMENTS = 600_000  # XML elements in all parts: the worst permitted file has 474,357
MAX_LINKED_CELLS = 20_000  # cells covered by hyperlink and comment references (openpyxl binds each one)
MAX_RANGES = 10_000  # ranges named by sqref/ref attributes (data validations, conditional formats, ...)
# Elements counted by their local name, whatever their namespace: (limit, what the user is told).
MAX_ELEMENT_KINDS = {
    "hyperlink": (2_000, "超链接"),
    "comment": (2_000, "批注"),
    "dataValidation": (1_000, "数据验证"),
    "conditionalFormatting": (1_000, "条件格式"),
    "cfRule": (2_000, "条件格式规则"),
    "twoCellAnchor": (500, "图形对象"),
    "oneCellAnchor": (500, "图形对象"),
    "absoluteAnchor": (500, "图形对象"),
    "sheet": (100, "工作表"),
    "definedName": (1_000, "名称"),
    "tableColumn": (2_000, "表格列"),
}
# View state, not content: a selected whole column is harmless and common.
RANGE_FREE_ELEMENTS = {"selection", "pane", "dimension", "mergeCell"}
EXCEL_ROWS, EXCEL_COLUMNS = 1_048_576, 16_384
REQUIRED_MEMBERS = ("[Content_Types].xml", "xl/workbook.xml")
SPREADSHEET_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"

NOT_XLSX = "文件不是有效的 Excel(.xlsx) 工作簿"
ENCRYPTED = "文件已加密或不是 xlsx 格式"
MACROS = "不接受含宏的工作簿(.xlsm)，请另存为 .xlsx"
BOMB = "文件解压后过大，疑似压缩炸弹"
EMPTY = "上传的文件是空的"
TOO_MANY_CELLS = f"工作簿的单元格超过上限 {MAX_CELLS:,} 个，请使用下载的模板"
TOO_MANY_MERGED = f"合并单元格过多（上限 {MAX_MERGED_RANGES:,} 处、共 {MAX_MERGED_CELLS:,} 格），请使用下载的模板"
OLD_XLS = "这是 .xls 文件，请在 Excel/WPS 中另存为 .xlsx 后上传"
ODS = "这是 .ods 文件，请在 Excel/WPS 中另存为 .xlsx 后上传"
# An OLE2 file is an old .xls (WPS's default) when it holds a Workbook stream, an Office-encrypted .xlsx when it
# holds EncryptionInfo; directory entry names are UTF-16LE.
_OLE_ENCRYPTED = "EncryptionInfo".encode("utf-16-le")
_OLE_WORKBOOK = ("Workbook".encode("utf-16-le"), "Book\x00".encode("utf-16-le"))
_ODS_MIMETYPE = b"mimetypeapplication/vnd.oasis.opendocument.spreadsheet"
TOO_SLOW = f"文件处理超过 {MAX_SECONDS:g} 秒仍未完成，请使用下载的模板"
TOO_MANY_PARTS = f"工作簿包含的部件过多（上限 {MAX_PARTS} 个），请使用下载的模板"
PART_TOO_LARGE = f"工作簿中有部件解压后超过 {MAX_PART_BYTES // MEGABYTE} MB，疑似压缩炸弹"
TOO_MANY_ELEMENTS = f"工作簿内容过于复杂（超过 {MAX_ELEMENTS:,} 个元素），请使用下载的模板"
RANGE_TOO_LARGE = f"工作簿中的区域引用过大（单个区域超过 {MAX_CELLS:,} 个单元格），请使用下载的模板"
TOO_MANY_RANGES = f"工作簿中的区域引用过多（上限 {MAX_RANGES:,} 个），请使用下载的模板"
TOO_MANY_LINKED = f"超链接和批注覆盖的单元格过多（上限 {MAX_LINKED_CELLS:,} 格），请使用下载的模板"


def too_many(label: str, limit: int) -> str:
    return f"工作簿中的{label}过多（上限 {limit:,} 个），请使用下载的模板"


class WorkbookRejected(Exception):
    """An upload refused before (or while) opening it; `message` is Chinese and shown to the user."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


def open_workbook_safely(data: bytes, *, max_bytes: int, max_rows: int, max_columns: int = 60):
    """Open an uploaded .xlsx only once it is known to be small, macro-free and of bounded size unpacked.

    Every check runs on the zip directory or streams the XML, so a hostile file costs little before it is
    refused. Formulas are kept (data_only=False) so that callers can refuse them.
    """
    _check_bytes(data, max_bytes)
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            _check_archive(archive, max_bytes, max_rows, max_columns)
    except WorkbookRejected:
        raise
    except Exception as exc:  # zipfile, zlib and expat each raise their own kinds on a broken file
        raise WorkbookRejected(NOT_XLSX) from exc
    workbook = _load(data)
    _check_loaded_extent(workbook, max_rows, max_columns)
    return workbook


def _megabytes(size: int) -> str:
    return f"{size / MEGABYTE:g}"


def _check_bytes(data: bytes, max_bytes: int) -> None:
    if len(data) > max_bytes:
        raise WorkbookRejected(f"文件过大，上限为 {_megabytes(max_bytes)} MB")
    if not data:
        raise WorkbookRejected(EMPTY)
    if data.startswith(OLE_MAGIC):
        raise WorkbookRejected(_ole_kind(data))
    if _ODS_MIMETYPE in data[:200]:  # an OpenDocument zip stores its mimetype first, uncompressed
        raise WorkbookRejected(ODS)
    if not zipfile.is_zipfile(BytesIO(data)):
        raise WorkbookRejected(NOT_XLSX)


def _ole_kind(data: bytes) -> str:
    """What an OLE2 upload is, by its directory: an old .xls, or an encrypted (or unknown) workbook."""
    if _OLE_ENCRYPTED not in data and any(name in data for name in _OLE_WORKBOOK):
        return OLD_XLS
    return ENCRYPTED


def _check_archive(archive: zipfile.ZipFile, max_bytes: int, max_rows: int, max_columns: int) -> None:
    names = set(archive.namelist())
    if not all(name in names for name in REQUIRED_MEMBERS):
        raise WorkbookRejected(NOT_XLSX)
    if len(archive.infolist()) > MAX_PARTS:
        raise WorkbookRejected(TOO_MANY_PARTS)
    _check_unpacked_size(archive.infolist(), max_bytes)
    _check_macros(archive, names)
    budget = _Budget(time.monotonic() + MAX_SECONDS)
    for name in sorted(names):
        if name.endswith((".xml", ".rels")):
            _check_no_doctype(archive, name)
        if name.endswith((".xml", ".rels")):
            _check_sheet_xml(archive, name, max_rows, max_columns, budget)


def _check_unpacked_size(members: list[zipfile.ZipInfo], max_bytes: int) -> None:
    if any(info.flag_bits & 0x1 for info in members):
        raise WorkbookRejected(ENCRYPTED)
    total = sum(info.file_size for info in members)
    if total > min(UNPACK_FACTOR * max_bytes, MAX_UNPACKED_BYTES):
        raise WorkbookRejected(BOMB)
    if any(info.file_size > MAX_PART_BYTES for info in members):
        raise WorkbookRejected(PART_TOO_LARGE)
    for info in members:
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_MEMBER_RATIO * max(info.compress_size, 1):
            raise WorkbookRejected(BOMB)


def _check_macros(archive: zipfile.ZipFile, names: set[str]) -> None:
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise WorkbookRejected(MACROS)
    with archive.open("[Content_Types].xml") as stream:
        content_types = stream.read(MEGABYTE)
    if b"macroenabled" in content_types.lower():
        raise WorkbookRejected(MACROS)


def _check_no_doctype(archive: zipfile.ZipFile, name: str) -> None:
    """No part of a real workbook declares a DTD; refusing them keeps entity tricks away from the parsers."""
    with archive.open(name) as stream:
        head = stream.read(4096)
    if b"<!DOCTYPE" in head.upper() or b"<!ENTITY" in head.upper():
        raise WorkbookRejected(NOT_XLSX)


class _Budget:
    """What the whole workbook may still hold: cells, merged ranges and time, shared by all its parts."""

    def __init__(self, deadline: float):
        self.deadline = deadline
        self.cells = self.merged_cells = self.merged_ranges = self.elements = 0
        self.linked_cells = self.ranges = 0
        self.kinds: dict[str, int] = {}

    def see(self, element) -> None:
        self.elements += 1
        if self.elements % 4096 == 0 and time.monotonic() > self.deadline:
            raise WorkbookRejected(TOO_SLOW)
        if self.elements > MAX_ELEMENTS:
            raise WorkbookRejected(TOO_MANY_ELEMENTS)
        if element.tag == SPREADSHEET_NS + "c":
            self.cells += 1
            if self.cells > MAX_CELLS:
                raise WorkbookRejected(TOO_MANY_CELLS)
            return
        if element.tag == SPREADSHEET_NS + "mergeCell":
            self.merge(element.get("ref", ""))
        local = element.tag.rpartition("}")[2]
        self.count_kind(local)
        if local not in RANGE_FREE_ELEMENTS and (element.get("ref") or element.get("sqref")):
            self.refs(local, element.get("sqref") or element.get("ref"))

    def count_kind(self, local: str) -> None:
        if local in MAX_ELEMENT_KINDS:
            limit, label = MAX_ELEMENT_KINDS[local]
            self.kinds[local] = self.kinds.get(local, 0) + 1
            if self.kinds[local] > limit:
                raise WorkbookRejected(too_many(label, limit))

    def refs(self, local: str, sqref: str) -> None:
        """Every range an attribute names: none larger than the cell limit; hyperlink and comment cells counted."""
        for ref in sqref.split():
            self.ranges += 1
            if self.ranges > MAX_RANGES:
                raise WorkbookRejected(TOO_MANY_RANGES)
            area = _area(ref)
            if area > MAX_CELLS:
                raise WorkbookRejected(RANGE_TOO_LARGE)
            if local in ("hyperlink", "comment"):
                self.linked_cells += area
                if self.linked_cells > MAX_LINKED_CELLS:
                    raise WorkbookRejected(TOO_MANY_LINKED)

    def merge(self, ref: str) -> None:
        try:
            min_col, min_row, max_col, max_row = range_boundaries(ref.replace("$", ""))
        except (TypeError, ValueError) as exc:
            raise WorkbookRejected(NOT_XLSX) from exc
        if None in (min_col, min_row, max_col, max_row):  # whole rows or columns ("A:C", "1:5")
            raise WorkbookRejected(TOO_MANY_MERGED)
        self.merged_ranges += 1
        self.merged_cells += (max_row - min_row + 1) * (max_col - min_col + 1)
        if self.merged_ranges > MAX_MERGED_RANGES or self.merged_cells > MAX_MERGED_CELLS:
            raise WorkbookRejected(TOO_MANY_MERGED)


def _area(ref: str) -> int:
    """Cells a range covers; whole rows or columns count as the whole sheet's extent."""
    try:
        min_col, min_row, max_col, max_row = range_boundaries(ref.replace("$", "").split("!")[-1])
    except (TypeError, ValueError):
        return 0  # not a cell range (a table's or pivot's name): nothing for openpyxl to expand
    rows = (max_row or EXCEL_ROWS) - (min_row or 1) + 1
    columns = (max_col or EXCEL_COLUMNS) - (min_col or 1) + 1
    return rows * columns


def _check_sheet_xml(archive: zipfile.ZipFile, name: str, max_rows: int, max_columns: int, budget: _Budget) -> None:
    """Stream one part: its declared <dimension>, rows, cells and merged ranges must fit the limits (stops at the
    first excess).

    Elements are cleared and dropped from their parent as they end (an ended element is always its parent's last
    child so far), so even a part of a million siblings is read in little memory.
    """
    extent = _ExtentCheck(max_rows, max_columns)
    parents = []
    with archive.open(name) as stream:
        for event, element in ElementTree.iterparse(stream, events=("start", "end")):
            if event == "start":
                parents.append(element)
                continue
            parents.pop()
            extent.see(element)
            budget.see(element)
            element.clear()
            if parents:
                del parents[-1][-1]


class _ExtentCheck:
    """Rows and columns seen so far in one worksheet part, refused as soon as they pass the limits."""

    def __init__(self, max_rows: int, max_columns: int):
        self.max_rows, self.max_columns = max_rows, max_columns
        self.rows = self.cells = 0  # rows so far; cells so far in the current row

    def see(self, element) -> None:
        """Called as each element ends: cells end before their row does."""
        if element.tag == SPREADSHEET_NS + "c":
            self.cells += 1
            letters = element.get("r", "").rstrip("0123456789")
            self.check(0, max(self.cells, column_index_from_string(letters) if letters else 0))
        elif element.tag == SPREADSHEET_NS + "row":
            self.rows, self.cells = self.rows + 1, 0
            number = element.get("r", "")
            self.check(max(self.rows, int(number) if number.isdigit() else 0), 0)
        elif element.tag == SPREADSHEET_NS + "dimension":
            _min_col, _min_row, max_col, max_row = range_boundaries(element.get("ref", "").replace("$", ""))
            self.check(max_row or 0, max_col or 0)

    def check(self, rows: int, columns: int) -> None:
        _check_counts(rows, columns, self.max_rows, self.max_columns)


def _check_counts(rows: int, columns: int, max_rows: int, max_columns: int) -> None:
    if rows > max_rows:
        raise WorkbookRejected(f"行数超过上限 {max_rows} 行")
    if columns > max_columns:
        raise WorkbookRejected(f"列数超过上限 {max_columns} 列")


def _load(data: bytes):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about extensions it drops; they do not matter here
            return load_workbook(BytesIO(data), data_only=False, keep_vba=False)
    except Exception as exc:  # openpyxl raises many kinds (KeyError, TypeError, ...) on a malformed part
        raise WorkbookRejected(NOT_XLSX) from exc


def _check_loaded_extent(workbook, max_rows: int, max_columns: int) -> None:
    for sheet in workbook.worksheets:
        _check_counts(sheet.max_row, sheet.max_column, max_rows, max_columns)
