"""Reading a plan from its full text (the body of the document, not its annex table) into a draft plan document.

The body is read as a tree: first-level headings (“二、主要任务”), key tasks under them (“(一)…。” or
“——…。” paragraphs, or, in a text that lost its headings, every paragraph that is not a numbered item), and the
sentences and numbered items of each key task. Every sentence is classified (plans.roles): a target becomes
targets, anything else a measure, and the preview shows every sentence with its role and the words that decided
it. Departments come from “(省人社厅、省教育厅按职责分工负责)”, “责任单位：…” or “牵头单位：…”; deadlines from
“12月底前”, “每季度末次月20日前”, “长期推进”. A section whose heading names the goals (“二、工作目标”) becomes one
key task “工作目标(总体目标)” holding the plan's overall targets.

Pure: the output has the shape of plans.annex.read_annex's, so targets.importer.plan_import_document writes it.
Every pattern is linear in the length of the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePath

from plans.annex import AnnexError, department_names, is_body_name, targets_from_statements, with_level_prefix
from plans.deadlines import due_month
from plans.fulltext_annex import annex_tasks, merge_annex
from plans.reading import normalise
from plans.roles import NAME, RULE, TARGET, Reading, read_document

MEASURE = "measure"  # as in plans.review
GOALS = "(总体目标)"  # the title's mark of the key task holding the plan's overall targets

NO_TASKS = "没有识别出重点任务：正文中找不到“一、”“(一)”等标题或段落"

_CHAPTER = re.compile(r"^([一二三四五六七八九十]+)[、.\uff0e]\s*(\S.{0,40})$")
_TASK = re.compile(r"^(?:[(（]([一二三四五六七八九十]+)[)）]|——|—)\s*")
_ITEM = re.compile(r"^\s*(?:\d{1,2}[.、\uff0e](?!\d)|[(（]\d{1,2}[)）]|[①-⑳])\s*")
_GOAL_CHAPTER = re.compile(r"目标")
_GOAL_NAMES = re.compile(r"目标任务|工作目标|主要目标|总体目标")
_TASK_CHAPTER = re.compile(r"任务|内容|举措|措施|行动|重点|工作|计划")
_OTHER_CHAPTER = re.compile(r"要求|思想|原则|保障|组织实施|实施步骤|附则|背景|基础|形势|成效|成绩|回顾|情况|意义")
# “三、保障措施”“五、组织保障”: its paragraphs (加强领导, 强化考核…) are tasks with departments of their own.
_SAFEGUARD_CHAPTER = re.compile(r"保障")
_ANNEX = re.compile(r"^附件[:：\d一二三]?")
_SENTENCE = re.compile(r"[^。；;！？!?]+[。；;！？!?]?")
_DEPARTMENTS = re.compile(
    r"[(（]([^()（）]{2,80}?)(?:按职责分工|按职责)?负责[)）]|(?:责任单位|牵头单位|责任部门|责任分工)[:：]\s*([^()（）。\n]{2,80})"
)
_BARE_DEPARTMENTS = re.compile(r"[(（]([^()（）:：]{2,80})[)）]")
_DUTY = re.compile(r"(?:按职责[任分工]*|负责|牵头|配合)$")
_AND = re.compile(r"及(?=[^时])")
_PREAMBLE = re.compile(
    r"印发|制定本|特制定|指导思想|^以习|^为科学|^为深入|^为贯彻|^为加快|[:：]$|^——|^以[^。]{1,60}为(?:出发点|主线|目标|指导)"
)
_TERM = re.compile(r"到\d{4}年底?|每季度|每年|(?<![\d.—~])[1-9一二两三四五]年(?![\d底末级度])")
_SPAN = re.compile(r"[1-9一二两三四五]年")
_PERIOD_TERMS = {"year": "每年", "quarter": "每季度", "month": "每月"}
_PLAN_YEARS = re.compile(r"[(（](\d{4})\s?—*\s?(\d{4})年?[)）]")
_DATE_LINE = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日")
_LETTER_LINES = 20
_DEADLINE = re.compile(
    r"每季度末次月\d{1,2}日前|\d{4}年\d{1,2}月底前|\d{4}年底前|\d{1,2}月底前|\d{1,2}月\d{1,2}日前|(?:长期|按时|持续)推进(?=[。；;,，、)）]|$)"
)
_NOISE = re.compile(r"泛亚电竞")


@dataclass
class _Task:
    section: str
    title: str
    sentences: list[tuple[str, str]] = field(default_factory=list)  # (text, heading it sits under)
    raw: list[str] = field(default_factory=list)


def read_fulltext(
    data: bytes | str,
    *,
    filename: str,
    slug: str,
    title: str,
    document_number: str = "",
    region_code: str,
    year: int,
) -> dict:
    """The draft plan document for the full text of a plan; AnnexError (Chinese) when no key task is found."""
    text = data if isinstance(data, str) else _decode(data)
    body, annex = split_annex(text)
    years = plan_years(body)
    tasks = fulltext_tasks(body)
    key_tasks = _group_notes(_key_tasks(tasks, years))
    kind, annex_key_tasks = annex_tasks(annex)
    key_tasks = merge_annex(key_tasks, kind, annex_key_tasks, annex_title(annex))
    if not any(task["departments"] for task in key_tasks):
        _letter_departments(key_tasks, paragraphs(body))
    _full_names(key_tasks)
    if not key_tasks:
        raise AnnexError(NO_TASKS)
    first, last = _span(plan_years(title) or years, year)
    return {
        "slug": slug,
        "title": title,
        "short_title": "",
        "document_number": document_number,
        "region": region_code,
        "start_date": f"{first}-01-01",
        "end_date": f"{last}-12-31",
        "source": PurePath(filename).name[:200],
        "key_tasks": key_tasks,
    }


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise AnnexError("无法读取文件：方案全文须为 UTF-8 文本") from None


# --------------------------------------------------------------------------------------------- the tree


def split_annex(text: str) -> tuple[str, str]:
    """(the body, the annex from its first “附件：…” line on); the annex is "" when there is none."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for index, line in enumerate(lines):
        if _is_annex_heading(_NOISE.sub("", line).strip().strip("\u3000")):
            return "\n".join(lines[:index]), "\n".join(lines[index:])
    return "\n".join(lines), ""


def annex_title(annex: str) -> str:
    """“附件:湖滨区…分解表” and the period under it (“(2019—2021)”), as the section of the annex's rows."""
    lines = [line.strip().strip("\u3000") for line in annex.split("\n") if line.strip()]
    if not lines:
        return ""
    title = lines[0]
    if len(lines) > 1 and re.fullmatch(r"[(（][^()（）]{1,20}[)）]", lines[1]):
        title += lines[1]
    return title[:200]


def _is_annex_heading(line: str) -> bool:
    return bool(_ANNEX.match(line)) and len(line) < 40


def paragraphs(text: str) -> list[str]:
    """Non-empty lines, without the noise of scraped pages, up to the annex."""
    found = []
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = _NOISE.sub("", line).strip().strip("\u3000")
        if _is_annex_heading(line):
            break
        if line:
            found.append(line)
    return found


def fulltext_tasks(text: str) -> list[_Task]:
    """The key tasks of a plan's body, each with its sentences and numbered items."""
    lines = paragraphs(text)
    chapters = [index for index, line in enumerate(lines) if _CHAPTER.match(normalise(line))]
    if not chapters:
        return _tasks_without_headings(lines)
    tasks: list[_Task] = []
    for position, start in enumerate(chapters):
        end = chapters[position + 1] if position + 1 < len(chapters) else len(lines)
        heading = normalise(lines[start])
        name = _CHAPTER.match(heading).group(2)
        body = lines[start + 1 : end]
        if _SAFEGUARD_CHAPTER.search(name):
            tasks += _chapter_tasks(heading, body)
        elif _OTHER_CHAPTER.search(name):
            tasks += _goal_subsections(heading, body)
        elif _GOAL_CHAPTER.search(name) and not _TASK_CHAPTER.search(_GOAL_NAMES.sub("", name)):
            tasks.append(_goal_task(heading, name, body))
        elif _TASK_CHAPTER.search(name) or _GOAL_CHAPTER.search(name):
            tasks += _chapter_tasks(heading, body)
    tasks = [task for task in tasks if task.title]
    # A text whose only tasks are its safeguards (“三、保障措施”) is not a plan's body.
    return tasks if any(not _SAFEGUARD_CHAPTER.search(task.section) for task in tasks) else []


def _goal_task(heading: str, name: str, body: list[str]) -> _Task:
    task = _Task(section=heading, title=f"{name}{GOALS}")
    for line in body:
        _add(task, line, heading)
    return task


def _goal_subsections(heading: str, body: list[str]) -> list[_Task]:
    """The “(二)目标任务” of a chapter that is otherwise not tasks (“一、总体要求”): the plan's overall goals."""
    tasks: list[_Task] = []
    for line in body:
        marker = _TASK.match(normalise(line))
        if marker:
            title, rest = _title_and_rest(line[marker.end() :])
            goal = _GOAL_CHAPTER.search(title) and len(title) <= 12
            tasks.append(_Task(section=heading, title=f"{title}{GOALS}" if goal else ""))
            _add(tasks[-1], rest, title)
        elif tasks:
            _add(tasks[-1], line, heading)
    return [task for task in tasks if task.title]


def _chapter_tasks(heading: str, body: list[str]) -> list[_Task]:
    """Key tasks of a chapter: its “(一)” or “——” paragraphs; a “(一)” line that is only a title (“(一)实施专项
    计划,开展高质量职业技能提升培训”) heads a group whose numbered items are the key tasks."""
    tasks: list[_Task] = []
    group = ""
    for line in body:
        plain = normalise(line)
        marker = _TASK.match(plain)
        if marker and not _ITEM.match(plain):
            title, rest = _title_and_rest(line[marker.end() :])
            group = "" if rest.strip() or "。" in line else title
            if not group:
                tasks.append(_Task(section=heading, title=title))
                _add(tasks[-1], rest, title)
        elif group and _ITEM.match(plain):
            title, rest = _title_and_rest(_ITEM.sub("", line, count=1))
            tasks.append(_Task(section=f"{heading} {group}", title=title))
            _add(tasks[-1], rest, title)
        elif tasks:
            _add(tasks[-1], line, tasks[-1].title)
        else:  # a chapter whose paragraphs are not marked: each is a key task
            title, rest = _title_and_rest(line)
            tasks.append(_Task(section=heading, title=title))
            _add(tasks[-1], rest, title)
    return tasks


def _tasks_without_headings(lines: list[str]) -> list[_Task]:
    """A text that lost its headings (a scraped page): every paragraph that is not a numbered item is a key task,
    the numbered items after it are its measures and targets; the first paragraphs (the letter, the preamble
    ending in 制定…/印发…) are skipped."""
    tasks: list[_Task] = []
    for line in lines:
        if _ITEM.match(normalise(line)) and tasks:
            _add(tasks[-1], line, tasks[-1].title)
        elif _is_preamble(line) and not tasks:
            continue
        else:
            title, rest = _title_and_rest(line)
            tasks.append(_Task(section="", title=title))
            _add(tasks[-1], line if _is_statement(title) else rest, title)
    return tasks


def _is_statement(title: str) -> bool:
    """A headless paragraph's first sentence that says more than a name (“加快培养全民数字技能,实现信息服务全覆盖”)
    is its first measure as well as its title."""
    return len(title) > 12 and bool(re.search(r"[,，]", title))


def _is_preamble(line: str) -> bool:
    """The letter, the page's header, the guiding thought and the goals (“——…”) before a headless text's tasks."""
    return len(line) < 12 or "。" not in line or bool(_PREAMBLE.search(normalise(line)))


def _title_and_rest(text: str) -> tuple[str, str]:
    """“紧贴产业发展需求发布急需紧缺技能人才目录。深入开展…” → (title, the rest)."""
    text = text.strip()
    match = re.match(r"([^。]{1,60}?)(?:。|\.(?!\d))(.*)", text, re.S)
    if not match:
        return text[:60].strip(" ,，;；"), text[60:]
    return match.group(1).strip(" ,，;；"), match.group(2)


def _add(task: _Task, text: str, heading: str) -> None:
    task.raw.append(text)
    for sentence in _sentences(text):
        task.sentences.append((sentence, heading))


def _sentences(text: str) -> list[str]:
    text = _ITEM.sub("", text.strip())
    found = [match.group().strip().rstrip("。；;") for match in _SENTENCE.finditer(text)]
    return [sentence for sentence in found if len(sentence) > 1]


# ------------------------------------------------------------------------------------------ key tasks


def _key_tasks(tasks: list[_Task], years: str) -> list[dict]:
    """The draft key tasks; every sentence of the document is read with the others (plans.roles.read_document)."""
    sentences = [
        [(text, heading) for text, heading in task.sentences if not _is_department_note(text)] for task in tasks
    ]
    readings = iter(read_document([sentence for group in sentences for sentence in group]))
    return [
        _key_task(number, task, [_preview(next(readings), heading) for _, heading in group], years)
        for number, (task, group) in enumerate(zip(tasks, sentences, strict=True), start=1)
    ]


def _key_task(number: int, task: _Task, statements: list[dict], years: str = "") -> dict:
    for statement in statements:
        statement["imported_as"] = _imported_as(statement)
    target_texts = [s["text"] for s in statements if s["imported_as"] == TARGET]
    measures = [s["text"] for s in statements if s["imported_as"] in (RULE, NAME, MEASURE)]
    body = "".join(task.raw)
    targets = targets_from_statements(target_texts, due_month("、".join(_DEADLINE.findall(body))))
    deadline = "、".join(dict.fromkeys(_DEADLINE.findall(body) or _terms(targets, years)))
    return {
        "number": number,
        "section": task.section[:200],
        "title": task.title[:300],
        "description": "",
        "deadline_text": deadline[:200],
        "departments": _departments(body),
        "measures": [{"number": index, "text": text} for index, text in enumerate(measures, start=1)],
        "targets": targets,
        "statements": statements,
    }


def _terms(targets: list[dict], years: str) -> list[str]:
    """The time its targets give a task when no date is written: “到2021年底”, “每季度”, or “3年”/“每年” followed
    by the plan's years (“3年(2019—2021年)”); a target read as yearly without the word (“年培育…”) says 每年."""
    found = []
    for target in targets:
        terms = _TERM.findall(normalise(target["source_text"])) or [_PERIOD_TERMS.get(target["period"], "")]
        if "每年" in terms:  # “三年行动期间,全市每年新增…”: the three years are the span of the yearly target
            terms = [term for term in terms if not _SPAN.fullmatch(term)]
        found += [term + years if _SPAN.fullmatch(term) or term == "每年" else term for term in terms if term]
    return found


def _span(years: str, year: int) -> tuple[int, int]:
    """The plan's first and last year from its period (“(2022—2024年)”), or the year typed on the import form."""
    found = re.findall(r"\d{4}", years)
    return (int(found[0]), int(found[1])) if len(found) == 2 else (year, year)


def plan_years(text: str) -> str:
    """“(2019—2021年)” from the first lines of the text (a title's period, even with its dash lost: “(20192021年)”)."""
    for line in text.split("\n")[:30]:
        match = _PLAN_YEARS.search(normalise(line))
        if match and 0 < int(match.group(2)) - int(match.group(1)) < 10:
            return f"({match.group(1)}—{match.group(2)}年)"
    return ""


def _full_names(key_tasks: list[dict]) -> None:
    """A short form the document also writes in full (区应急局 beside 区应急管理局) takes the full name, the short one
    kept in the note (“原文:区应急局”)."""
    names = {dep["name"] for task in key_tasks for dep in task["departments"]}
    full = {name: _full_name(name, names) for name in names}
    for task in key_tasks:
        for dep in task["departments"]:
            if full[dep["name"]] != dep["name"]:
                dep["note"] = dep["note"] or f"原文:{dep['name']}"
                dep["name"] = full[dep["name"]]


def _full_name(name: str, names: set[str]) -> str:
    stem, suffix = name[:-1], name[-1:]
    if len(stem) < 3 or not is_body_name(name):
        return name
    longer = [
        other
        for other in names
        if other.startswith(stem) and other.endswith(suffix) and 0 < len(other) - len(name) <= 3
    ]
    return longer[0] if len(longer) == 1 else name


def _letter_departments(key_tasks: list[dict], lines: list[str]) -> None:
    """A plan that names no department in its body is the issuer's, carried out by the bodies it is sent to: the
    notice's signatory leads every task, the bodies of its addressee line (“各县(区)人力资源和社会保障局,…:”)
    take part. Addressees that are not bodies (各技工院校) are left out."""
    issuers, addressees = letter_bodies(lines)
    departments = [{"name": name, "role": "lead", "note": ""} for name in issuers]
    departments += [{"name": name, "role": "participant", "note": ""} for name in addressees if name not in issuers]
    for task in key_tasks:
        task["departments"] = [dict(dep) for dep in departments]


def letter_bodies(lines: list[str]) -> tuple[list[str], list[str]]:
    """(signatories, addressees) of the notice before the plan: the body names on the lines just above its date
    line, and those of the first line ending in a colon, in the first lines of the text."""
    head = [normalise(line).strip() for line in lines[:_LETTER_LINES]]
    addressee_line = next((line for line in head if line.endswith((":", "：")) and len(line) > 4), "")
    addressees = [name for name in department_names(addressee_line.rstrip(":：")) if is_body_name(name)]
    issuers: list[str] = []
    date = next((index for index, line in enumerate(head) if _DATE_LINE.fullmatch(line)), None)
    for line in reversed(head[: date or 0]):
        if not is_body_name(line) or len(line) > 40:
            break
        issuers.insert(0, line)
    return issuers, addressees


def _group_notes(key_tasks: list[dict]) -> list[dict]:
    """A department note closing a run of tasks (“…开展技能帮扶工作。(省人社厅、省教育厅…按职责分工负责)” after five
    paragraphs without one) holds for the whole run, within one section."""
    waiting: list[dict] = []
    for task in key_tasks:
        if waiting and waiting[-1]["section"] != task["section"]:
            waiting = []
        if task["departments"]:
            for earlier in waiting:
                earlier["departments"] = [dict(dep) for dep in task["departments"]]
            waiting = []
        elif not task["title"].endswith(GOALS):
            waiting.append(task)
    return key_tasks


def _imported_as(statement: dict) -> str:
    """A numeric target becomes targets, a result or background is left out, anything else is a measure."""
    if statement["role"] == TARGET:
        return TARGET if statement["targets"] else MEASURE
    return statement["role"]


def _preview(reading: Reading, heading: str) -> dict:
    """What the preview shows of one sentence: its role, the words that decided it and its numeric readings."""
    targets = [target.to_json_dict() for target in reading.targets if target.kind != "milestone"]
    return {
        "text": reading.text,
        "heading": heading,
        "role": reading.role,
        "cues": list(reading.cues),
        "targets": targets,
    }


def _departments(body: str) -> list[dict]:
    """“(责任单位:区工信和科技局、财政局)”, “(省人社厅、省教育厅按职责分工负责)” or a bare “(区人社局、教体局)”:
    the first named leads; short names share the level of the list's first (“财政局” → “区财政局”)."""
    names: list[str] = []
    for listed in _department_lists(normalise(body)):
        for name in with_level_prefix(listed):
            if 1 < len(name) <= 100 and name not in names:
                names.append(name)
    return [
        {"name": name, "role": "lead" if index == 0 else "participant", "note": ""} for index, name in enumerate(names)
    ]


def _department_lists(text: str) -> list[list[str]]:
    """The lists of departments in a task's text, in the order the text gives them."""
    found = []
    for match in _DEPARTMENTS.finditer(text):
        names = [_department(name) for name in department_names(_AND.sub("、", match.group(1) or match.group(2)))]
        found.append((match.start(), [name for name in names if name]))
    for match in _BARE_DEPARTMENTS.finditer(text):
        names = department_names(match.group(1))
        if names and all(is_body_name(name) for name in names):
            found.append((match.start(), names))
    return [names for _, names in sorted(found, key=lambda item: item[0])]


def _department(name: str) -> str:
    name = _DUTY.sub("", name).strip()
    return name.replace("<", "(").replace(">", ")").replace("＜", "(").replace("＞", ")")


def _is_department_note(text: str) -> bool:
    return bool(re.fullmatch(r"[(（][^()（）]*负责[)）]", text.strip()))


def document_roles(document: dict) -> list[dict]:
    """Every previewed statement of a document in order, numbered: what the preview lists and corrections name."""
    found = []
    for task in document["key_tasks"]:
        for statement in task.get("statements", []):
            found.append({"index": len(found), "task": task["number"], **statement})
    return found
