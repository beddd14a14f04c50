"""Opening uploaded workbooks: every refusal says why, in Chinese, before the file is loaded whole."""

import os
import re
import zipfile
from io import BytesIO

import openpyxl
import pytest

from skills_admin.lib.xlsx import (
    BOMB,
    EMPTY,
    ENCRYPTED,
    MACROS,
    MAX_CELLS,
    MAX_MERGED_RANGES,
    NOT_XLSX,
    TOO_MANY_CELLS,
    TOO_MANY_MERGED,
    TOO_SLOW,
    WorkbookRejected,
    open_workbook_safely,
    safe_text,
)

MB = 1024 * 1024
LIMITS = {"max_bytes": 5 * MB, "max_rows": 20000}
SHEET = "xl/worksheets/sheet1.xml"


def workbook_bytes(fill=None) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet["A1"], sheet["B2"] = "地区", 12
    if fill:
        fill(sheet)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def rezip(data: bytes, *, replace=None, add=()) -> bytes:
    """A copy of the archive `data`: members transformed by `replace[name]`, `add` (name, bytes) appended."""
    replace = replace or {}
    out = BytesIO()
    with zipfile.ZipFile(BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename in replace:
                content = replace[info.filename](content)
            member = zipfile.ZipInfo(info.filename)
            member.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(member, content)
        for name, content in add:
            target.writestr(name, content, compresslevel=9)
    return out.getvalue()


def rejection(data: bytes, **limits) -> str:
    with pytest.raises(WorkbookRejected) as caught:
        open_workbook_safely(data, **{**LIMITS, **limits})
    assert str(caught.value) == caught.value.message
    return caught.value.message


def set_dimension(ref: str):
    return lambda xml: re.sub(rb'<dimension ref="[^"]*"\s*/>', f'<dimension ref="{ref}"/>'.encode(), xml)


def test_a_plain_workbook_opens_with_its_values():
    workbook = open_workbook_safely(workbook_bytes(), **LIMITS)
    assert workbook.active["A1"].value == "地区" and workbook.active["B2"].value == 12


def test_formulas_are_kept_for_the_caller_to_refuse():
    data = workbook_bytes(lambda sheet: sheet.cell(3, 1, "=1+1"))
    cell = open_workbook_safely(data, **LIMITS).active["A3"]
    assert cell.data_type == "f" and cell.value == "=1+1"


def test_a_file_over_the_limit_is_refused_before_anything_else():
    assert rejection(b"x" * (5 * MB + 1)) == "文件过大，上限为 5 MB"
    assert rejection(workbook_bytes(), max_bytes=1000) == "文件过大，上限为 0.000953674 MB"


def test_the_size_message_names_the_limit_in_megabytes():
    assert rejection(b"x" * (2 * MB + 1), max_bytes=2 * MB) == "文件过大，上限为 2 MB"
    assert rejection(b"x" * (2 * MB), max_bytes=MB + MB // 2) == "文件过大，上限为 1.5 MB"


def test_an_empty_file_is_refused():
    assert rejection(b"") == EMPTY == "上传的文件是空的"


def test_random_bytes_are_not_a_workbook():
    assert rejection(os.urandom(4096)) == NOT_XLSX == "文件不是有效的 Excel(.xlsx) 工作簿"


def test_an_ole_file_is_an_old_xls_or_an_encrypted_workbook():
    ole = bytes.fromhex("d0cf11e0a1b11ae1") + bytes(4096)
    assert rejection(ole) == ENCRYPTED == "文件已加密或不是 xlsx 格式"


def test_encrypted_zip_members_are_refused():
    data = bytearray(workbook_bytes())
    directory = data.index(b"PK\x01\x02")  # the first central directory entry; its flags are at +8
    data[directory + 8] |= 0x1  # “encrypted”
    assert rejection(bytes(data)) == ENCRYPTED


def test_a_zip_that_is_not_a_workbook_is_refused():
    out = BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert rejection(out.getvalue()) == NOT_XLSX


def test_a_workbook_missing_its_workbook_part_is_refused():
    out = BytesIO()
    with zipfile.ZipFile(BytesIO(workbook_bytes())) as source, zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            if name != "xl/workbook.xml":
                target.writestr(name, source.read(name))
    assert rejection(out.getvalue()) == NOT_XLSX


def test_a_workbook_with_a_broken_part_is_refused():
    broken = rezip(workbook_bytes(), replace={"xl/workbook.xml": lambda xml: xml[: len(xml) // 2]})
    assert rejection(broken) == NOT_XLSX


def test_a_vba_project_means_macros():
    data = rezip(workbook_bytes(), add=[("xl/vbaProject.bin", b"\x00" * 512)])
    assert rejection(data) == MACROS == "不接受含宏的工作簿(.xlsm)，请另存为 .xlsx"


def test_a_macro_enabled_content_type_means_macros():
    macro_type = b"application/vnd.ms-excel.sheet.macroEnabled.main+xml"
    data = rezip(
        workbook_bytes(),
        replace={"[Content_Types].xml": lambda xml: re.sub(rb"application/vnd[^\"]*sheet\.main\+xml", macro_type, xml)},
    )
    assert rejection(data) == MACROS


def test_a_member_of_highly_compressible_zeros_is_a_zip_bomb():
    data = rezip(workbook_bytes(), add=[("xl/media/image1.bin", bytes(20 * MB))])
    assert len(data) < MB
    assert rejection(data) == BOMB == "文件解压后过大，疑似压缩炸弹"


def test_many_small_members_adding_up_past_fifty_times_the_limit_are_a_zip_bomb():
    zeros = [(f"xl/media/image{n}.bin", bytes(MB - 1)) for n in range(30)]
    data = rezip(workbook_bytes(), add=zeros)
    assert len(data) < 500 * 1024
    assert rejection(data, max_bytes=500 * 1024) == BOMB


def test_a_highly_compressed_but_small_member_is_not_a_bomb():
    data = rezip(workbook_bytes(), add=[("xl/media/image1.bin", bytes(500 * 1024))])
    assert open_workbook_safely(data, **LIMITS).active["A1"].value == "地区"


def test_a_declared_dimension_beyond_the_row_limit_is_refused_without_loading():
    data = rezip(workbook_bytes(), replace={SHEET: set_dimension("A1:Z2000000")})
    assert rejection(data) == "行数超过上限 20000 行"


def test_a_declared_dimension_beyond_the_column_limit_is_refused():
    data = rezip(workbook_bytes(), replace={SHEET: set_dimension("A1:ZZ10")})
    assert rejection(data) == "列数超过上限 60 列"


def test_a_million_row_sheet_is_refused_even_without_a_dimension():
    data = workbook_bytes(lambda sheet: sheet.cell(1_000_000, 1, "末行"))
    assert rejection(data) == "行数超过上限 20000 行"
    undeclared = rezip(data, replace={SHEET: lambda xml: re.sub(rb"<dimension[^>]*/>", b"", xml)})
    assert b"<dimension" not in zipfile.ZipFile(BytesIO(undeclared)).read(SHEET)
    assert rejection(undeclared) == "行数超过上限 20000 行"


def test_rows_are_counted_as_well_as_numbered():
    def fill(sheet):
        for row in range(1, 31):
            sheet.cell(row, 1, row)

    assert rejection(workbook_bytes(fill), max_rows=20) == "行数超过上限 20 行"
    assert open_workbook_safely(workbook_bytes(fill), max_bytes=5 * MB, max_rows=30).active.max_row == 30


def test_cells_beyond_the_column_limit_are_refused():
    data = workbook_bytes(lambda sheet: sheet.cell(2, 61, "远处"))
    assert rejection(data) == "列数超过上限 60 列"
    assert open_workbook_safely(data, max_bytes=5 * MB, max_rows=10, max_columns=61).active.max_column == 61


def test_a_part_declaring_a_dtd_is_refused():
    laughs = b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]>'
    data = rezip(workbook_bytes(), replace={SHEET: lambda xml: laughs + xml[xml.index(b"<worksheet") :]})
    assert rejection(data) == NOT_XLSX


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+86", "'+86"),
        ("-5%", "'-5%"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("沈阳市", "沈阳市"),
        ("a=b", "a=b"),
    ],
)
def test_safe_text_never_starts_a_formula(text, expected):
    assert safe_text(text) == expected


# --- Limits that no real template reaches (issue 12) --------------------------------------------------------


def merged(ref: str, count: int = 1):
    cells = "".join(f'<mergeCell ref="{ref}"/>' for _ in range(count))
    block = f'<mergeCells count="{count}">{cells}</mergeCells>'.encode()
    return lambda xml: xml.replace(b"</sheetData>", b"</sheetData>" + block)


def test_one_large_merged_range_is_refused_before_loading():
    data = rezip(workbook_bytes(), replace={SHEET: merged("A1:BH20000")})
    assert len(data) < 10_000
    assert rejection(data) == TOO_MANY_MERGED


def test_merged_ranges_beyond_the_sheet_limits_or_whole_columns_are_refused():
    assert rejection(rezip(workbook_bytes(), replace={SHEET: merged("A1:XFD1048576")})) == TOO_MANY_MERGED
    assert rejection(rezip(workbook_bytes(), replace={SHEET: merged("A:C")})) == TOO_MANY_MERGED
    assert rejection(rezip(workbook_bytes(), replace={SHEET: merged("B3:C3", MAX_MERGED_RANGES + 1)})) == (
        TOO_MANY_MERGED
    )


def test_the_templates_own_merged_title_rows_pass():
    data = rezip(workbook_bytes(), replace={SHEET: merged("B1:M1")})
    assert open_workbook_safely(data, **LIMITS).active.merged_cells.ranges


def many_cells(rows: int, columns: int):
    body = "".join(
        f'<row r="{r}">'
        + "".join(f'<c r="{openpyxl.utils.get_column_letter(c)}{r}"><v>1</v></c>' for c in range(1, columns + 1))
        + "</row>"
        for r in range(1, rows + 1)
    ).encode()
    return lambda xml: re.sub(
        rb"<sheetData>.*</sheetData>|<sheetData/>", b"<sheetData>" + body + b"</sheetData>", xml, flags=re.S
    )


def test_more_cells_than_any_template_are_refused_even_within_rows_and_columns():
    data = rezip(workbook_bytes(), replace={SHEET: many_cells(MAX_CELLS // 50 + 1, 50)})
    assert rejection(data) == TOO_MANY_CELLS


def test_a_slow_file_is_refused_with_a_chinese_message(monkeypatch):
    monkeypatch.setattr("skills_admin.lib.xlsx.MAX_SECONDS", -1.0)
    data = rezip(workbook_bytes(), replace={SHEET: many_cells(100, 50)})
    assert rejection(data) == TOO_SLOW
