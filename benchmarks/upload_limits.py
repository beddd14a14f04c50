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
        cases = (("worst_permitted", worst_permitted), ("merged_bomb", merged_bomb), ("cells_bomb", cells_bomb))
        for name, build in cases:
            path = Path(folder) / f"{name}.xlsx"
            path.write_bytes(build())
            out = subprocess.run([sys.executable, __file__, str(path)], capture_output=True, text=True, check=True)
            print(out.stdout.strip())


if __name__ == "__main__":
    main()
