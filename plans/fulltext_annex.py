"""The annex of a plan's full text (“附件：…重点工作分解” / “…目标任务分解表”), read and merged into the body's draft.

Two kinds of annex are told apart by their header:

- a key-task table (序号 / 重点任务 / 工作措施 / 工作目标 / 完成时限 / 责任部门), with `|` between cells or in line form
  (a Word table pasted as text: every header cell a paragraph, then per row its 序号 and one block whose first cell,
  measures, targets, deadline and departments run on with spaces and line breaks). It is the plan's authoritative
  task list: its rows replace the body's tasks, each keeping the section of the body task it matches;
- a decomposition table (序号 / 工作任务 / 牵头单位 / 参加单位): each row is a key task of its own after the body's,
  its title the target (“创业培训1800人次”), its lead and participating units the departments, a unit's share in
  parentheses (“区工信和科技局(1000人次)”) a note and an allocation; the table's note (“说明：表中目标任务为…”)
  gives the deadline.

Pure, like plans.annex; every pattern is linear in the length of the text.
"""

from __future__ import annotations

import re

from plans.annex import (
    COLUMNS,
    AnnexError,
    Row,
    department_names,
    key_tasks_from_rows,
    targets_from_statements,
    text_cells,
    with_level_prefix,
)
from plans.reading import normalise

_DECOMPOSITION = {"序号": "number", "工作任务": "title", "目标任务": "title", "任务": "title", "牵头单位": "lead"} | {
    name: "participants" for name in ("参加单位", "参与单位", "配合单位", "协助单位", "责任单位")
}
_COLUMN_KEYS = {name: key for key, name in COLUMNS.items()} | {"完成时间": "deadline", "责任单位": "departments"}
_ROW_NUMBER = re.compile(r"\d{1,3}")
_NOTE = re.compile(r"^说明[:：]\s*([^。\n]{1,300})", re.M)
_NOTE_LEAD = re.compile(r"^(?:表中)?(?:各项)?(?:目标任务|任务|指标)(?:均)?为")
_SHARE = re.compile(r"[(（](\d{1,9}(?:\.\d{1,4})?)(万?)([^()（）\d]{0,3})[)）]$")
_ITEM = re.compile(r"^(?:(\d{1,2})[.、\uff0e](?!\d)|[(（](\d{1,2})[)）])")
_BROKEN = re.compile(r"(?<=[^局办委会联厅室院部处科所队团心府)）\s])[ \t\u3000]+(?=\S)")


def annex_tasks(annex: str) -> tuple[str, list[dict]]:
    """(kind, key tasks) of an annex's text: kind "tasks" for a key-task table, "decomposition" for a table of
    units, "" (and no task) for an annex that is neither."""
    if annex.count("|") >= 8:
        cells = text_cells(annex)
        keys = [_header_key(cell) for _, cell in cells]
        if {"number", "title", "measures", "targets"} <= {k for k in keys if k in _COLUMN_KEYS.values()}:
            return "tasks", _safe(lambda: _pipe_task_rows(cells, keys))
        if "lead" in keys and "title" in keys:
            return "decomposition", _decomposition(annex, cells, keys)
    rows = _line_rows(annex)
    return ("tasks", _safe(lambda: key_tasks_from_rows(rows))) if rows else ("", [])


def _safe(read) -> list[dict]:
    """An annex that does not read as a table adds nothing: the body's draft stands."""
    try:
        return read()
    except AnnexError:
        return []


def _header_key(cell: str) -> str:
    """“完成\n时限” → deadline; a header cell under the annex's title (“附件…\n序号”) counts too."""
    for text in (cell, cell.strip().split("\n")[-1]):
        plain = re.sub(r"\s+", "", text)
        if plain in _COLUMN_KEYS or plain in _DECOMPOSITION:
            return _COLUMN_KEYS.get(plain) or _DECOMPOSITION[plain]
    return ""


# ------------------------------------------------------------------------------------ key-task tables


def _pipe_task_rows(cells: list[tuple[int, str]], keys: list[str]) -> list[dict]:
    """A six-column table with `|` between cells, starting at its 序号 cell."""
    start = keys.index("number")
    width = next((i for i in range(start, len(cells)) if _ROW_NUMBER.fullmatch(cells[i][1])), len(cells)) - start
    header = {keys[start + i]: i for i in range(width) if keys[start + i] in COLUMNS}
    body = cells[start + width :]
    rows = [body[i : i + width] for i in range(0, len(body) - width + 1, width)]
    return key_tasks_from_rows([Row(line=row[0][0], cells=_cells(row, header)) for row in rows])


def _cells(row: list[tuple[int, str]], header: dict[str, int]) -> dict[str, str]:
    return {key: row[header[key]][1] if key in header else "" for key in COLUMNS}


def _line_rows(annex: str) -> list[Row]:
    """Rows of a key-task table in line form: the six header words as paragraphs, then per row a paragraph holding
    only its 序号 and the paragraph of its cells."""
    blocks = _blocks(annex)
    keys = [_COLUMN_KEYS.get(re.sub(r"\s+", "", text), "") for _, text in blocks]
    order = list(COLUMNS)
    start = next((i for i in range(len(keys)) if keys[i : i + len(order)] == order), None)
    if start is None:
        return []
    rows, number = [], None
    for line, text in blocks[start + len(order) :]:
        if _ROW_NUMBER.fullmatch(text):
            number = text
        elif number is not None:
            rows.append(Row(line=line, cells={"number": number, **_line_cells(text)}))
            number = None
    return rows


def _blocks(text: str) -> list[tuple[int, str]]:
    """(first line, text) of every run of non-empty lines."""
    blocks: list[tuple[int, str]] = []
    current: list[str] = []
    for index, line in enumerate([*text.split("\n"), ""], start=1):
        if line.strip():
            current.append(line.strip())
        elif current:
            blocks.append((index - len(current), "\n".join(current)))
            current = []
    return blocks


def _goes_on(cell: list[str], piece: str) -> bool:
    """Whether a line starting with `piece` is the next item of the numbered list in `cell`."""
    last, this = _ITEM.match(cell[-1]), _ITEM.match(piece)
    if not last or not this:
        return False
    return int(this.group(1) or this.group(2)) == int(last.group(1) or last.group(2)) + 1


def _line_cells(text: str) -> dict[str, str]:
    """“题目 1.措施…\n2.措施…\n1.目标…\n时限 部门”: a space ends a cell, and so does a line that does not go on
    with the numbered list above it (“2.” after “1.”); the first cell is the title, the last two the deadline and
    the departments, the cells between the measures and the targets."""
    cells: list[list[str]] = []
    for line in text.split("\n"):
        for position, piece in enumerate(re.split(r"[ \u3000]+", line.strip())):
            if position == 0 and cells and _goes_on(cells[-1], piece):
                cells[-1].append(piece)
            else:
                cells.append([piece])
    texts = ["\n".join(cell) for cell in cells]
    if len(texts) < 4:
        return {"title": texts[0], "measures": "\n".join(texts[1:]), "targets": "", "deadline": "", "departments": ""}
    middle = texts[1:-2]
    return {
        "title": texts[0],
        "measures": middle[0] if len(middle) > 1 else "\n".join(middle),
        "targets": "\n".join(middle[1:]),
        "deadline": texts[-2],
        "departments": texts[-1],
    }


# ---------------------------------------------------------------------------------- decomposition tables


def _decomposition(annex: str, cells: list[tuple[int, str]], keys: list[str]) -> list[dict]:
    """Each row of a table of units: the task with its target, lead and participating units (with shares)."""
    start = keys.index("number")
    width = next((i for i in range(start, len(cells)) if _ROW_NUMBER.fullmatch(cells[i][1])), len(cells)) - start
    header = {keys[start + i]: i for i in range(width) if keys[start + i]}
    deadline = _note_deadline(annex)
    body = cells[start + width :]
    tasks = []
    for begin in range(0, len(body) - width + 1, width):
        row = [text for _, text in body[begin : begin + width]]
        if not _ROW_NUMBER.fullmatch(row[header["number"]]):
            break
        tasks.append(_decomposition_task(row, header, deadline))
    return tasks


def _decomposition_task(row: list[str], header: dict[str, int], deadline: str) -> dict:
    title = re.sub(r"\s+", "", row[header["title"]])
    leads = with_level_prefix(department_names(_BROKEN.sub("", row[header["lead"]])))
    participants = _shares(row[header["participants"]]) if "participants" in header else []
    targets = targets_from_statements([title], None)
    allocations = [{"department": name, "value": value, "year": None} for name, _, value in participants if value]
    if len(targets) == 1:
        targets[0]["allocations"] = allocations
    departments = [{"name": name, "role": "lead", "note": ""} for name in leads]
    departments += [{"name": name, "role": "participant", "note": note} for name, note, _ in participants]
    return {
        "number": 0,
        "section": "",
        "title": title[:300],
        "description": "",
        "deadline_text": deadline,
        "departments": departments,
        "measures": [],
        "targets": targets,
        "statements": [],
    }


def _shares(text: str) -> list[tuple[str, str, str]]:
    """“区工信和科技局(1000人次)、建设局(500人次)” → [(区工信和科技局, 1000人次, 1000), (区建设局, 500人次, 500)];
    a unit named twice is kept once."""
    found: dict[str, tuple[str, str]] = {}
    for part in department_names(text):
        share = _SHARE.search(part)
        name = part[: share.start()] if share else part
        note = share.group()[1:-1] if share else ""
        value = _share_value(share) if share else ""
        found.setdefault(name, (note, value))
    names = with_level_prefix(list(found))
    return [(name, *found[old]) for name, old in zip(names, found, strict=True)]


def _share_value(share: re.Match) -> str:
    number, wan = share.group(1), share.group(2)
    if not wan:
        return number
    value = float(number) * 10000
    return str(int(value)) if value.is_integer() else str(value)


def _note_deadline(annex: str) -> str:
    """“说明:表中目标任务为2019--2021年三年总任务,每年完成目标任务的三分之一,2019年…” → its clauses that say
    the period, up to the first that names no period."""
    match = _NOTE.search(re.sub(r"(?<=\d)—+(?=\d)", "—", normalise(annex)))
    if not match:
        return ""
    clauses = re.split(r"[,，;；]", _NOTE_LEAD.sub("", match.group(1).strip()))
    kept = []
    for clause in clauses:
        if not re.search(r"年|季度|月", clause) or re.search(r"\d{4}年\d{1,2}月", clause):
            break
        kept.append(clause)
    return ",".join(kept)[:200]


# ------------------------------------------------------------------------------------------------ merge


def merge_annex(body_tasks: list[dict], kind: str, annex: list[dict], annex_section: str) -> list[dict]:
    """The draft's key tasks once the annex is read: a key-task table replaces the body's tasks (each row keeps the
    section of the body task of the same title, the body's overall goals stay first); a decomposition table adds
    its rows after the body's tasks. Numbered again from 1."""
    if kind == "tasks" and annex:
        goals = [task for task in body_tasks if task["title"].endswith("(总体目标)")]  # plans.fulltext.GOALS
        for task in annex:
            match = next((body for body in body_tasks if same_title(body["title"], task["title"])), None)
            task["section"] = match["section"] if match else annex_section
        merged = goals + annex
    else:
        for task in annex:
            task["section"] = annex_section[:200]
        merged = body_tasks + annex
    for number, task in enumerate(merged, start=1):
        task["number"] = number
    return merged


def same_title(a: str, b: str) -> bool:
    """Two titles of one task: one holds the other, punctuation and spaces aside."""
    a, b = _plain(a), _plain(b)
    return bool(a and b) and (a in b or b in a)


def _plain(text: str) -> str:
    return re.sub(r"[\s,，。;；:：、()（）“”\"—]", "", normalise(text))
