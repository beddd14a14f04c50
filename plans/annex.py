"""Reading a plan's annex table (重点任务清单) into a plan document (the format of fixtures/README.md).

Two layouts are read, told apart by their content rather than their name:

- an .xlsx workbook, as a Word-to-Excel conversion leaves it: a header row somewhere near the top, and a key
  task spread over several rows with its 序号 and 重点任务 cells merged vertically;
- UTF-8 text with `|` between cells, cells spanning lines (the layout of the seed files).

Nothing is written here: the caller hands the document to targets.importer.plan_import_document. Every problem
is an AnnexError with a Chinese message that names the row.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import PurePath

from django.conf import settings

from plans.deadlines import due_month
from plans.reading import RATIO, normalise, read_targets
from plans.roles import RULE, TARGET, read_statement
from skills_admin.lib.xlsx import OLE_MAGIC, WorkbookRejected, open_workbook_safely

COLUMNS = {
    "number": "序号",
    "title": "重点任务",
    "measures": "工作措施",
    "targets": "工作目标",
    "deadline": "完成时限",
    "departments": "责任部门",
}
HEADER_KEYS = {name: key for key, name in COLUMNS.items()} | {
    "完成时间": "deadline",
    "时间节点": "deadline",
    "责任单位": "departments",
}
UNREADABLE = "无法读取文件：既不是 .xlsx 工作簿，也不是 UTF-8 文本"
EMPTY = "无法读取文件：文件是空的"
NO_ROWS = "没有数据行：表头下方没有任何重点任务"
MAX_LENGTHS = {"title": 300, "deadline": 200, "section": 200, "department": 100}

# “1.” “2、” “（1）” at the start of the text or after a line break or ；。：(never “1.5万”).
_ITEM_MARK = re.compile(r"(?:^|(?<=[\n；;。：:]))[ \t\u3000]*(?:(\d{1,2})([.\uff0e、])(?!\d)|[(（](\d{1,2})[)）])")
_ROW_NUMBER = re.compile(r"[(（]?(\d{1,4})[)）.、]?")
_DEPARTMENT_SEPARATORS = re.compile(r"[、，,；;/\s]+")
_INSTITUTION = re.compile(r"(?:部门|部|委|局|厅|办|室|会|院|中心|政府|公司|单位|处|科|所|队|团)$")


class AnnexError(ValueError):
    """An annex table that cannot be imported; the message is Chinese and names the row."""


@dataclass
class Row:
    """One data row of the table: its line (sheet row or text line) and its cells by column key."""

    line: int
    cells: dict[str, str]


@dataclass
class _TaskRows:
    """The rows that belong to one 序号."""

    number: int
    section: str
    rows: list[Row] = field(default_factory=list)

    def texts(self, key: str) -> list[str]:
        """The distinct non-empty texts of one column (a merged cell repeats its text on every row)."""
        return _distinct(row.cells[key] for row in self.rows)


def read_annex(
    data: bytes,
    *,
    filename: str,
    slug: str,
    title: str,
    document_number: str = "",
    region_code: str,
    year: int,
) -> dict:
    """The plan document for an uploaded annex table; AnnexError when it cannot be read."""
    key_tasks = key_tasks_from_rows(annex_rows(data))
    if not key_tasks:
        raise AnnexError(NO_ROWS)
    return {
        "slug": slug,
        "title": title,
        "short_title": "",
        "document_number": document_number,
        "region": region_code,
        "start_date": f"{year}-01-01",
        "end_date": f"{year}-12-31",
        "source": PurePath(filename).name[:200],
        "key_tasks": key_tasks,
    }


# --------------------------------------------------------------------------------------------- formats


def annex_rows(data: bytes) -> list[Row]:
    """The data rows of either layout, every column present (missing columns are an error)."""
    if not data.strip():
        raise AnnexError(EMPTY)
    if len(data) > settings.UPLOAD_MAX_BYTES:
        raise AnnexError(f"文件过大，上限为 {settings.UPLOAD_MAX_BYTES / 1024 / 1024:g} MB")
    if _is_workbook(data):
        return _workbook_rows(data)
    return _text_rows(_decode(data))


def _is_workbook(data: bytes) -> bool:
    """An .xlsx (a zip holding xl/workbook.xml) or an OLE file (.xls, encrypted .xlsx: refused with a reason)."""
    if data.startswith(OLE_MAGIC):
        return True
    return "xl/workbook.xml" in _zip_names(data)


def _zip_names(data: bytes) -> list[str]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return archive.namelist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return []


def _decode(data: bytes) -> str:
    """UTF-8 text; a zip (e.g. a .docx) or binary data is refused."""
    if zipfile.is_zipfile(io.BytesIO(data)):
        raise AnnexError(UNREADABLE)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise AnnexError(UNREADABLE) from None
    if "\x00" in text:
        raise AnnexError(UNREADABLE)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _header_keys(texts: list[str]) -> dict[str, int]:
    """Column key → index, for the header cells that name a known column."""
    keys: dict[str, int] = {}
    for index, text in enumerate(texts):
        key = _header_key(text)
        if key and key not in keys:
            keys[key] = index
    return keys


def _header_key(text: str) -> str | None:
    """“完成\\n时限” → deadline; a cell with a title above its header word (“附件\\n序号”) counts too."""
    key = HEADER_KEYS.get(re.sub(r"\s+", "", text))
    if key or not text.strip():
        return key
    return HEADER_KEYS.get(re.sub(r"\s+", "", text.strip().splitlines()[-1]))


def _check_columns(header: dict[str, int]) -> None:
    missing = [name for key, name in COLUMNS.items() if key not in header]
    if missing:
        raise AnnexError(f"缺少列：{'、'.join(missing)}")


# ------------------------------------------------------------------------------------------------ text


def _text_rows(text: str) -> list[Row]:
    """Cells between `|`: the header runs up to the first numeric cell, then rows of the header's width."""
    cells = text_cells(_with_final_pipes(text))
    width = next((i for i, (_, cell) in enumerate(cells) if _number_or_none(cell) is not None), len(cells))
    header = _header_keys([cell for _, cell in cells[:width]])
    _check_columns(header)
    body = cells[width:]
    if len(body) % width:
        line = body[len(body) - len(body) % width][0]
        raise AnnexError(f"第{line}行：单元格数与表头的{width}列不一致，请检查分隔符“|”")
    return [_text_row(body[start : start + width], header) for start in range(0, len(body), width)]


def _text_row(cells: list[tuple[int, str]], header: dict[str, int]) -> Row:
    return Row(line=cells[0][0], cells={key: cells[index][1] for key, index in header.items()})


def _with_final_pipes(text: str) -> str:
    """A table written one row per line (“序号|重点任务|…|责任部门”) without a final `|` gets one on every line,
    so that a row's last cell does not run into the next row's first."""
    header = next((line.strip() for line in text.split("\n") if line.strip()), "")
    if header.count("|") < 2 or header.endswith("|"):
        return text
    lines = text.split("\n")
    return "\n".join(line + "|" if line.strip() and not line.rstrip().endswith("|") else line for line in lines)


def text_cells(text: str) -> list[tuple[int, str]]:
    """(line where the cell's text starts, stripped text) for every cell; the empty one after a final `|` goes."""
    cells, line = [], 1
    for part in text.split("|"):
        leading = len(part) - len(part.lstrip())
        cells.append((line + part.count("\n", 0, leading), part.strip()))
        line += part.count("\n")
    if cells and not cells[-1][1]:
        cells.pop()
    return cells


# -------------------------------------------------------------------------------------------- workbook


def _workbook_rows(data: bytes) -> list[Row]:
    """The rows under the header of the sheet whose header names the most known columns."""
    try:
        workbook = open_workbook_safely(data, max_bytes=settings.UPLOAD_MAX_BYTES, max_rows=settings.UPLOAD_MAX_ROWS)
    except WorkbookRejected as exc:
        raise AnnexError(f"无法读取文件：{exc.message}") from None
    grids = [_sheet_grid(sheet) for sheet in workbook.worksheets]
    candidates = [(*_header_row(grid), grid) for grid in grids]
    index, header, grid = max(candidates, key=lambda found: len(found[1]), default=(0, {}, []))
    _check_columns(header)
    return [
        Row(line=number, cells={key: _at(values, column) for key, column in header.items()})
        for number, values in enumerate(grid[index + 1 :], start=index + 2)
    ]


def _header_row(grid: list[list[str]]) -> tuple[int, dict[str, int]]:
    """The index and columns of the row naming the most known columns (the first such row)."""
    found = [(index, _header_keys(values)) for index, values in enumerate(grid)]
    return max(found, key=lambda item: len(item[1]), default=(0, {}))


def _sheet_grid(sheet) -> list[list[str]]:
    """Every cell's text; each cell of a merged range holds the range's top-left text."""
    grid = [[_cell_text(cell) for cell in row] for row in sheet.iter_rows()]
    for merged in sheet.merged_cells.ranges:
        top_left = _at(grid[merged.min_row - 1], merged.min_col - 1) if merged.min_row <= len(grid) else ""
        for row in grid[merged.min_row - 1 : merged.max_row]:
            for column in range(merged.min_col - 1, min(merged.max_col, len(row))):
                row[column] = top_left
    return grid


def _cell_text(cell) -> str:
    if cell.data_type == "f":
        raise AnnexError(f"第{cell.row}行：单元格 {cell.coordinate} 含公式，请先粘贴为数值再导入")
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).replace("\r\n", "\n").replace("_x000D_", "").strip()


def _at(values: list[str], index: int) -> str:
    return values[index] if index < len(values) else ""


# ------------------------------------------------------------------------------------------- key tasks


def key_tasks_from_rows(rows: list[Row]) -> list[dict]:
    """The key tasks of the table's data rows (a full text's annex in line form comes here too)."""
    return [_key_task(group) for group in _group_rows(rows)]


def _group_rows(rows: list[Row]) -> list[_TaskRows]:
    """Rows grouped by 序号 (in order of first appearance); a row that only names a section sets it."""
    groups: dict[int, _TaskRows] = {}
    section, last = "", None
    for row in rows:
        if not any(row.cells.values()):
            continue
        if _is_section(row):
            section = _checked_length(_one_line(row.cells["number"]), "section", row, "所属部分")
            continue
        number = _row_number(row, last)
        last = groups.get(number) or groups.setdefault(number, _new_group(row, number, section))
        last.rows.append(row)
    return list(groups.values())


def _is_section(row: Row) -> bool:
    """A heading row (“一、职业技能培训”) merged across the table: every filled cell holds the same text."""
    text = row.cells["number"]
    filled = {value for value in row.cells.values() if value}
    return bool(text) and _number_or_none(text) is None and filled == {text}


def _row_number(row: Row, last: _TaskRows | None) -> int:
    """The row's 序号; an empty one continues the previous key task (same or empty 重点任务)."""
    text = row.cells["number"]
    if text:
        number = _number_or_none(text)
        if number is None:
            raise AnnexError(f"第{row.line}行：序号“{text}”不是数字")
        return number
    title = row.cells["title"]
    if last is None or (title and title != last.rows[0].cells["title"]):
        raise AnnexError(f"第{row.line}行：序号为空")
    return last.number


def _number_or_none(text: str) -> int | None:
    match = _ROW_NUMBER.fullmatch(normalise(text.strip()))
    return int(match.group(1)) if match else None


def _new_group(row: Row, number: int, section: str) -> _TaskRows:
    if not row.cells["title"]:
        raise AnnexError(f"第{row.line}行：重点任务为空")
    _checked_length(_one_line(row.cells["title"]), "title", row, "重点任务")
    return _TaskRows(number=number, section=section)


def _key_task(group: _TaskRows) -> dict:
    deadline = "、".join(_one_line(text) for text in group.texts("deadline"))
    _checked_length(deadline, "deadline", group.rows[0], "完成时限")
    measures = [item for text in group.texts("measures") for item in numbered_items(text)]
    statements = [item for text in group.texts("targets") for item in numbered_items(text)]
    # A “target” that only sets a subsidy standard or a rate rule is a policy parameter: it stays as a measure.
    measures += [statement for statement in statements if not read_targets(statement)]
    return {
        "number": group.number,
        "section": group.section,
        "title": _one_line(group.rows[0].cells["title"]),
        "description": "",
        "deadline_text": deadline,
        "departments": _departments(group),
        "measures": [{"number": number, "text": text} for number, text in enumerate(measures, start=1)],
        "targets": targets_from_statements(statements, due_month(deadline)),
        "statements": [_statement_preview(statement) for statement in statements],
    }


def _statement_preview(text: str) -> dict:
    """A 工作目标 cell's statement as the preview shows it: the column makes it a target (a policy parameter is
    a measure), whatever role the reader gives it; the reader's role is shown beside it."""
    reading = read_statement(text, heading="工作目标")
    imported_as = TARGET if read_targets(text) else RULE
    targets = [target.to_json_dict() for target in read_targets(text) if target.kind != "milestone"]
    cues = list(reading.cues)
    return {
        "text": text,
        "heading": "工作目标",
        "role": reading.role,
        "cues": cues,
        "targets": targets,
        "imported_as": imported_as,
    }


def _departments(group: _TaskRows) -> list[dict]:
    names = _distinct(name for text in group.texts("departments") for name in department_names(text))
    for name in names:
        _checked_length(name, "department", group.rows[0], "责任部门")
    return [
        {"name": name, "role": "lead" if index == 0 else "participant", "note": ""} for index, name in enumerate(names)
    ]


def _checked_length(text: str, kind: str, row: Row, label: str) -> str:
    limit = MAX_LENGTHS[kind]
    if len(text) > limit:
        raise AnnexError(f"第{row.line}行：{label}过长（超过{limit}字）")
    return text


# ------------------------------------------------------------------------------------- cell contents


def numbered_items(text: str) -> list[str]:
    """“1.甲；\\n2.乙” → ["甲", "乙"]; text without numbering is one item; text before “1.” joins item 1.

    Only markers that continue the sequence in the style of the first one count, so “（1）” inside item 1
    of a “1.” list, or “5、6月” in a sentence, never starts an item. A cell that starts with “4.” (the rest
    of a list whose first items sit in the row above) starts its sequence there.
    """
    marks: list[re.Match] = []
    for match in _ITEM_MARK.finditer(text):
        if _continues(marks, match):
            marks.append(match)
    if not marks:
        return [item for item in [_clean_item(text)] if item]
    ends = [mark.start() for mark in marks[1:]] + [len(text)]
    items = [text[mark.end() : end] for mark, end in zip(marks, ends, strict=True)]
    items[0] = text[: marks[0].start()] + items[0]
    return [item for item in map(_clean_item, items) if item]


def _continues(marks: list[re.Match], match: re.Match) -> bool:
    if not marks:
        return _item_number(match) == 1 or not match.string[: match.start()].strip()
    same_style = _item_style(match) == _item_style(marks[0])
    return same_style and _item_number(match) == _item_number(marks[-1]) + 1


def _item_number(match: re.Match) -> int:
    return int(match.group(1) or match.group(3))


def _item_style(match: re.Match) -> str:
    return "（）" if match.group(3) else match.group(2).replace("\uff0e", ".")


def _clean_item(text: str) -> str:
    return _one_line(text).strip(" ；;，,。")


def department_names(text: str) -> list[str]:
    """“人力资源社会保障、财政等部门” → ["人力资源社会保障部门", "财政部门"]; “发展改革委” keeps its name."""
    text = _one_line(text)
    collective = text.endswith("部门")
    body = text.removesuffix("部门") if collective else text
    names = [part.removesuffix("等").strip() for part in _DEPARTMENT_SEPARATORS.split(body)]
    return [_department_name(name, collective) for name in names if name]


def is_body_name(name: str) -> bool:
    """Whether a name is a body's (区人社局, 团区委, 教育部门), not a group of people or a place."""
    return bool(_INSTITUTION.search(name))


def _department_name(name: str, collective: bool) -> str:
    return name + "部门" if collective and not _INSTITUTION.search(name) else name


_LEVELS = "省市县区"
_ABBREVIATED_BODY = re.compile(r"(?:局|办|委|会|联|厅)$")
_PLACE = re.compile(r"[省市县区州旗镇乡]|^各")


def with_level_prefix(names: list[str]) -> list[str]:
    """“区财政局、工信和科技局、妇联” → 区财政局、区工信和科技局、区妇联: in a list where a body carries its level
    (区/市/县/省), the short names of other bodies share it; a name holding a place (工业园区办, 团区委, 各乡(街道))
    or not a body's (教师进修学校) is left alone."""
    prefix = next((name[0] for name in names if name[:1] in _LEVELS and _ABBREVIATED_BODY.search(name)), "")
    if not prefix:
        return names
    return [prefix + name if _shares_level(name) else name for name in names]


def _shares_level(name: str) -> bool:
    return len(name) <= 8 and bool(_ABBREVIATED_BODY.search(name)) and not _PLACE.search(name)


def targets_from_statements(statements: list[str], due: int | None) -> list[dict]:
    """Every target of every statement, numbered consecutively; each keeps its statement as source_text."""
    found = [(statement, target) for statement in statements for target in read_targets(statement)]
    return [_target(number, statement, target, due) for number, (statement, target) in enumerate(found, start=1)]


def _target(number: int, statement: str, target, due: int | None) -> dict:
    data = target.to_json_dict()
    per_unit = data.pop("per_unit")
    return {
        "number": number,
        "source_text": statement,
        **data,
        "name": data["name"] or statement[:200],
        "needs_review": target.needs_review,
        "higher_is_better": data["qualifier"] != "at_most",
        "due_month": due,
        "is_reported": data["kind"] != RATIO,
        "per_unit_level": per_unit,  # every level the reader finds is one of Target.PerUnit
        "allocations": [],
    }


def _one_line(text: str) -> str:
    """A cell's lines joined without spaces (Chinese text broken by the table's width)."""
    return "".join(line.strip() for line in text.splitlines())


def _distinct(texts: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(text for text in texts if text))
