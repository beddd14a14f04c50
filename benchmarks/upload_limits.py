"""Time and peak memory of the worst upload the limits still permit (and of the files they refuse).

    .venv/bin/python benchmarks/upload_limits.py

Each case runs `parse_entry_upload` (the path of the entry-template upload) in a fresh subprocess and reports
wall time and the process's peak resident memory (VmHWM) and how much of it the parse added.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import time
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "skills_admin.settings")


def worst_permitted() -> bytes:
    """A real entry template, every row filled in, as many rows as MAX_CELLS allows, plus MAX_MERGED_CELLS."""
    from decimal import Decimal

    from openpyxl import load_workbook

    from skills_admin.lib.xlsx import MAX_CELLS, MAX_MERGED_CELLS
    from targets.excel import TemplateRow, build_entry_template

    rows = [
        TemplateRow(
            n,
            "210100",
            "沈阳市",
            1,
            n,
            "开展职业技能培训",
            "人次",
            "flow",
            Decimal(50000),
            Decimal(30000),
            Decimal(n),
            "",
            "按实名制系统统计" * 10,
            False,
        )
        for n in range(1, MAX_CELLS // 19)  # 13 columns on the entry sheet, 5 on the markers sheet, and a margin
    ]
    data = build_entry_template(plan_title="基准", plan_slug="bench", year=2022, month=11, rows=rows)
    workbook = load_workbook(BytesIO(data))
    sheet = workbook.worksheets[0]
    for block in range(MAX_MERGED_CELLS // 100 - 1):  # 10 × 10 blocks right of the table
        top = 4 + block * 10
        sheet.merge_cells(start_row=top, start_column=15, end_row=top + 9, end_column=24)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def merged_bomb() -> bytes:
    """The issue's 1.5 KB file: one merged range as large as the row and column limits."""
    from openpyxl import Workbook

    from skills_admin.lib.xlsx import SPREADSHEET_NS  # noqa: F401  (the library under test is importable)

    workbook = Workbook()
    buffer = BytesIO()
    workbook.save(buffer)
    return _with_merge(buffer.getvalue(), "A1:BH20000")


def cells_bomb() -> bytes:
    """Numbers in 60 columns, as many rows as the row limit allows (1.2 million cells): refused at MAX_CELLS."""
    import zipfile

    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    from skills_admin.lib.xlsx import MAX_CELLS

    letters = [get_column_letter(c) for c in range(1, 61)]
    rows = MAX_CELLS // 60 + 1000
    body = "".join(
        f'<row r="{r}">' + "".join(f'<c r="{col}{r}"><v>1</v></c>' for col in letters) + "</row>"
        for r in range(1, rows + 1)
    ).encode()
    buffer = BytesIO()
    Workbook().save(buffer)
    out = BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = re.sub(
                    rb"<sheetData\s*/>|<sheetData></sheetData>",
                    lambda _: b"<sheetData>" + body + b"</sheetData>",
                    content,
                )
            target.writestr(info.filename, content)
    return out.getvalue()


def _blank() -> bytes:
    from openpyxl import Workbook

    buffer = BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


def _after_sheet_data(block: bytes, *, add=(), rels: bytes = b"", content_type: bytes = b"") -> bytes:
    """A blank workbook whose first sheet carries `block` after its data, with extra parts `add` (and the sheet's
    relationships and content-type overrides, so that openpyxl reads them as Excel would)."""
    import zipfile

    out = BytesIO()
    with zipfile.ZipFile(BytesIO(_blank())) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(b"</sheetData>", b"</sheetData>" + block).replace(
                    b"<sheetData/>", b"<sheetData/>" + block
                )
            if info.filename == "[Content_Types].xml" and content_type:
                content = content.replace(b"</Types>", content_type + b"</Types>")
            target.writestr(info.filename, content, compresslevel=9)
        if rels:
            target.writestr("xl/worksheets/_rels/sheet1.xml.rels", rels, compresslevel=9)
        for name, content in add:
            target.writestr(name, content, compresslevel=9)
    return out.getvalue()


def hyperlink_bomb(ref: str = "A1:BH20000") -> bytes:
    """The issue's 1.6 KB file: one internal hyperlink whose reference covers 1.2 million cells."""
    return _after_sheet_data(f'<hyperlinks><hyperlink ref="{ref}" location="Sheet!A1"/></hyperlinks>'.encode())


def comments_bomb(count: int = 550_000, ref: str | None = None) -> bytes:
    """The issue's 4.7 MB file: 550,000 cell comments, wired to the sheet as Excel does."""
    from openpyxl.utils import get_column_letter

    refs = (
        (ref for _ in range(count))
        if ref
        else (f"{get_column_letter(1 + i // 20000)}{1 + i % 20000}" for i in range(count))
    )
    comments = "".join(f'<comment ref="{r}" authorId="0"><text><t>x</t></text></comment>' for r in refs)
    part = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<comments xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<authors><author>a</author></authors><commentList>{comments}</commentList></comments>"
    ).encode()
    rels = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        b'<Relationship Id="rId1" Target="../comments1.xml" '
        b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"/></Relationships>'
    )
    content_type = (
        b'<Override PartName="/xl/comments1.xml" '
        b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"/>'
    )
    return _after_sheet_data(b"", add=[("xl/comments1.xml", part)], rels=rels, content_type=content_type)


def validations_bomb(count: int = 5_000, sqref: str = "A1") -> bytes:
    rules = f'<dataValidation type="whole" sqref="{sqref}"><formula1>1</formula1></dataValidation>' * count
    return _after_sheet_data(f'<dataValidations count="{count}">{rules}</dataValidations>'.encode())


def conditional_bomb(count: int = 5_000, sqref: str = "A1") -> bytes:
    rule = (
        f'<conditionalFormatting sqref="{sqref}"><cfRule type="expression" priority="1">'
        "<formula>1</formula></cfRule></conditionalFormatting>"
    )
    return _after_sheet_data((rule * count).encode())


def drawing_bomb(count: int = 3_000) -> bytes:
    anchor = (
        "<xdr:twoCellAnchor><xdr:from><xdr:col>0</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>0</xdr:row>"
        "<xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:to><xdr:col>1</xdr:col><xdr:colOff>0</xdr:colOff>"
        "<xdr:row>1</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:to><xdr:clientData/></xdr:twoCellAnchor>"
    )
    part = (
        '<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing">'
        + anchor * count
        + "</xdr:wsDr>"
    ).encode()
    return _after_sheet_data(b"", add=[("xl/drawings/drawing1.xml", part)])


def parts_bomb(count: int = 20_000) -> bytes:
    return _after_sheet_data(b"", add=[(f"xl/media/p{i}.bin", b"x") for i in range(count)])


def elements_bomb(count: int = 1_000_000) -> bytes:
    """Elements no other limit names (custom XML of random empty tags, too varied to look like a zip bomb):
    bounded by the element count of the whole package."""
    import random

    tags = random.Random(21).choices([f"<{chr(97 + i)}/>".encode() for i in range(26)], k=count)
    return _after_sheet_data(b"", add=[("customXml/item1.xml", b"<r>" + b"".join(tags) + b"</r>")])


BOMBS = {
    "hyperlink_bomb": hyperlink_bomb,
    "comments_bomb": comments_bomb,
    "comment_range_bomb": lambda: comments_bomb(1, ref="A1:BH20000"),
    "validations_bomb": validations_bomb,
    "validation_range_bomb": lambda: validations_bomb(1, sqref="A1:XFD1048576"),
    "conditional_bomb": conditional_bomb,
    "drawing_bomb": drawing_bomb,
    "parts_bomb": parts_bomb,
    "elements_bomb": elements_bomb,
}


def _with_merge(data: bytes, ref: str) -> bytes:
    import zipfile

    out = BytesIO()
    with zipfile.ZipFile(BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                block = f'<mergeCells count="1"><mergeCell ref="{ref}"/></mergeCells>'.encode()
                content = content.replace(b"</sheetData>", b"</sheetData>" + block).replace(
                    b"<sheetData/>", b"<sheetData/>" + block
                )
            target.writestr(info.filename, content)
    return out.getvalue()


def one_case(path: str) -> dict:
    import django

    django.setup()
    from django.conf import settings

    from targets.excel import parse_entry_upload

    data = Path(path).read_bytes()
    base = _high_water_mb()
    start = time.perf_counter()
    parsed = parse_entry_upload(data, max_bytes=settings.UPLOAD_MAX_BYTES, max_rows=settings.UPLOAD_MAX_ROWS)
    seconds = time.perf_counter() - start
    peak = _high_water_mb()
    return {
        "case": Path(path).stem,
        "bytes": len(data),
        "seconds": round(seconds, 2),
        "peak_rss_mb": peak,
        "added_by_parse_mb": round(peak - base, 1),
        "result": parsed.errors[0].message if parsed.errors else f"{len(parsed.rows)} rows read",
    }


def _high_water_mb() -> float:
    """The process's peak resident memory (VmHWM; ru_maxrss would carry the parent's over exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def main() -> None:
    if len(sys.argv) > 1:
        print(json.dumps(one_case(sys.argv[1]), ensure_ascii=False))
        return
    import django

    django.setup()
    with tempfile.TemporaryDirectory() as folder:
        cases = [("worst_permitted", worst_permitted), ("merged_bomb", merged_bomb), ("cells_bomb", cells_bomb)]
        only = set(os.environ.get("UPLOAD_CASES", "").split(",")) - {""}
        for name, build in cases + list(BOMBS.items()):
            if only and name not in only:
                continue
            path = Path(folder) / f"{name}.xlsx"
            path.write_bytes(build())
            out = subprocess.run([sys.executable, __file__, str(path)], capture_output=True, text=True, check=True)
            print(out.stdout.strip())


if __name__ == "__main__":
    main()
