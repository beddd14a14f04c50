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
    _check_unpacked_size(archive.infolist(), max_bytes)
    _check_macros(archive, names)
    budget = _Budget(time.monotonic() + MAX_SECONDS)
    for name in sorted(names):
        if name.endswith((".xml", ".rels")):
            _check_no_doctype(archive, name)
        if name.endswith(".xml"):
            _check_sheet_xml(archive, name, max_rows, max_columns, budget)


def _check_unpacked_size(members: list[zipfile.ZipInfo], max_bytes: int) -> None:
    if any(info.flag_bits & 0x1 for info in members):
        raise WorkbookRejected(ENCRYPTED)
    total = sum(info.file_size for info in members)
    if total > min(UNPACK_FACTOR * max_bytes, MAX_UNPACKED_BYTES):
        raise WorkbookRejected(BOMB)
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

    def see(self, element) -> None:
        self.elements += 1
        if self.elements % 4096 == 0 and time.monotonic() > self.deadline:
            raise WorkbookRejected(TOO_SLOW)
        if element.tag == SPREADSHEET_NS + "c":
            self.cells += 1
            if self.cells > MAX_CELLS:
                raise WorkbookRejected(TOO_MANY_CELLS)
        elif element.tag == SPREADSHEET_NS + "mergeCell":
            self.merge(element.get("ref", ""))

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


def _check_sheet_xml(archive: zipfile.ZipFile, name: str, max_rows: int, max_columns: int, budget: _Budget) -> None:
    """Stream one part: its declared <dimension>, rows, cells and merged ranges must fit the limits (stops at the
    first excess).

    Elements are cleared as they end, so even a large part is read in little memory.
    """
    extent = _ExtentCheck(max_rows, max_columns)
    with archive.open(name) as stream:
        for _event, element in ElementTree.iterparse(stream, events=("end",)):
            extent.see(element)
            budget.see(element)
            element.clear()


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
