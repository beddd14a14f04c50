"""plans.annex: the annex table (重点任务清单) read from the seed text and from a Word-to-Excel workbook."""

import io
import random
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from plans.annex import UNREADABLE, AnnexError, department_names, numbered_items, read_annex

SEED = Path(__file__).resolve().parents[3] / "shared" / "seeds" / "000_9aeb8eb7bd8c388f.txt"
HEADER = ["序号", "重点任务", "工作措施", "工作目标", "完成\n时限", "责任\n部门"]
PLAN = {"slug": "liaoning-import", "title": "“技能辽宁行动”实施方案", "region_code": "210000", "year": 2022}

# Counted by hand from the seed file: numbered items in 工作措施 and 工作目标 per key task, and the targets the
# statements hold (task 10's first statement holds three, its third two; task 12's first three, its second
# two (示范基地和技能大师工作站各10家: one target each), its last two).
MEASURES = [3, 3, 1, 3, 3, 6, 2, 4, 4, 6, 2, 7]
STATEMENTS = [2, 3, 1, 1, 1, 1, 2, 2, 2, 5, 2, 3]
TARGETS = [2, 3, 1, 1, 1, 1, 2, 2, 2, 9, 2, 7]


def read(data: bytes, filename: str = "annex.txt") -> dict:
    return read_annex(data, filename=filename, **PLAN)


def seed_rows() -> list[list[str]]:
    """The seed table as rows of six cells (header included), read independently of plans.annex."""
    cells = [cell.strip() for cell in SEED.read_text(encoding="utf-8").split("|")]
    cells = cells[:-1] if not cells[-1] else cells
    return [cells[start : start + 6] for start in range(0, len(cells), 6)]


def text_table(rows: list[list[str]]) -> bytes:
    return "\n|\n".join("\n|\n".join(row) for row in rows).encode() + b" |"


def workbook_bytes(sheet_rows: list[list], merges: list[str] = ()) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in sheet_rows:
        sheet.append(row)
    for merge in merges:
        sheet.merge_cells(merge)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def liaoning_workbook() -> bytes:
    """The seed table as Word-to-Excel leaves it: two title rows, then key task 10 spread over rows 13–14
    and key task 12 over rows 16–18, their 序号, 重点任务, 完成时限 and 责任部门 merged vertically."""
    header, *tasks = seed_rows()
    rows = [["附件"], ["“技能辽宁行动”重点任务清单"], header]
    merges = ["A1:F1", "A2:F2"]
    for task in tasks:
        number, title, measures, targets, deadline, departments = int(task[0]), *task[1:]
        parts = {10: 2, 12: 3}.get(number, 1)
        first = len(rows) + 1
        for measure_part, target_part in zip(_split(measures, parts), _split(targets, parts), strict=True):
            rows.append([number, title, measure_part, target_part, deadline, departments])
            title = number = deadline = departments = None  # what merged cells leave below their top-left cell
        merges += [f"{col}{first}:{col}{first + parts - 1}" for col in "ABEF" if parts > 1]
    return workbook_bytes(rows, merges)


def _split(text: str, parts: int) -> list[str]:
    """The cell's lines (one numbered item each) shared out over `parts` rows."""
    lines = text.splitlines()
    size = -(-len(lines) // parts)
    return ["\n".join(lines[start : start + size]) for start in range(0, len(lines), size)]


@pytest.fixture(scope="module")
def seed_document() -> dict:
    return read(SEED.read_bytes(), "000_9aeb8eb7bd8c388f.txt")


# ------------------------------------------------------------------------------------------------ seed text


def test_seed_text_gives_the_plan_document(seed_document):
    assert seed_document["slug"] == "liaoning-import"
    assert seed_document["region"] == "210000"
    assert (seed_document["start_date"], seed_document["end_date"]) == ("2022-01-01", "2022-12-31")
    assert seed_document["source"] == "000_9aeb8eb7bd8c388f.txt"
    assert [task["number"] for task in seed_document["key_tasks"]] == list(range(1, 13))


def test_seed_text_measure_and_target_counts(seed_document):
    tasks = seed_document["key_tasks"]
    assert [len(task["measures"]) for task in tasks] == MEASURES
    assert [len({t["source_text"] for t in task["targets"]}) for task in tasks] == STATEMENTS
    assert [len(task["targets"]) for task in tasks] == TARGETS
    for task in tasks:
        assert [m["number"] for m in task["measures"]] == list(range(1, len(task["measures"]) + 1))
        assert [t["number"] for t in task["targets"]] == list(range(1, len(task["targets"]) + 1))


def test_seed_text_task_one(seed_document):
    task = seed_document["key_tasks"][0]
    assert task["title"] == "紧贴产业发展需求发布急需紧缺技能人才目录"
    assert task["deadline_text"] == "每季度末次月20日前、12月底前"
    assert task["measures"][0]["text"] == "开展用工需求调查,根据人力资源市场供求状况,编制发布急需紧缺技术工种参考目录"
    quarterly, yearly = task["targets"]
    assert (quarterly["value"], quarterly["unit"], quarterly["period"]) == ("50", "个", "quarter")
    assert quarterly["source_text"] == "每季度发布急需紧缺技术工种50个"
    assert (yearly["value"], yearly["unit"], yearly["period"]) == ("50000", "人次", "year")
    assert yearly["qualifier"] == "exact"
    assert task["departments"] == [
        {"name": "人力资源社会保障部门", "role": "lead", "note": ""},
        {"name": "财政部门", "role": "participant", "note": ""},
    ]


def test_seed_text_statement_with_several_targets_keeps_it_as_source(seed_document):
    targets = seed_document["key_tasks"][11]["targets"]
    assert [t["name"] for t in targets[:3]] == ["评选“辽宁工匠”", "评选“辽宁技能大奖”", "评选“辽宁技术能手”"]
    assert {t["source_text"] for t in targets[:3]} == {"评选“辽宁工匠”20人、“辽宁技能大奖”50人、“辽宁技术能手”100人"}
    assert [(t["name"], t["value"]) for t in targets[3:5]] == [
        ("建设省级高技能人才培训示范基地", "10"),
        ("建设技能大师工作站", "10"),
    ]
    assert [(t["value"], t["qualifier"]) for t in targets[5:]] == [("200000", "at_least"), ("100000", "at_least")]


def test_seed_text_ranges_milestones_and_due_month(seed_document):
    task8 = seed_document["key_tasks"][7]
    assert (task8["targets"][0]["value"], task8["targets"][0]["upper"]) == ("2", "3")
    assert {t["due_month"] for t in task8["targets"]} == {10}
    task9 = seed_document["key_tasks"][8]
    assert [t["kind"] for t in task9["targets"]] == ["milestone", "milestone"]
    assert task9["targets"][0]["value"] is None


def test_seed_text_departments_keep_institution_names(seed_document):
    names = [d["name"] for d in seed_document["key_tasks"][9]["departments"]]
    assert names == ["发展改革委", "财政部门", "人力资源社会保障部门", "教育部门"]
    assert seed_document["key_tasks"][4]["departments"][0]["name"] == "退役军人部门"


# ------------------------------------------------------------------------------------------------ workbook


def test_workbook_with_merged_cells_gives_the_same_key_tasks(seed_document):
    document = read(liaoning_workbook(), "附件.xlsx")
    assert document["source"] == "附件.xlsx"
    assert document["key_tasks"] == seed_document["key_tasks"]


def test_workbook_rows_of_one_number_are_one_key_task():
    rows = [
        HEADER,
        [1, "任务甲", "1.措施一", "1.培训1万人次", "12月底前", "人力资源社会保障等部门"],
        [1, "任务甲", "2.措施二", "2.全年评选50人", "12月底前", "财政部门"],
        [None, None, "3.措施三", None, None, None],
        [2, "任务乙", "措施", "开展宣传", "长期推进", "教育厅"],
    ]
    first, second = read(workbook_bytes(rows), "a.xlsx")["key_tasks"]
    assert [m["text"] for m in first["measures"]] == ["措施一", "措施二", "措施三"]
    assert [(t["number"], t["value"]) for t in first["targets"]] == [(1, "10000"), (2, "50")]
    assert [d["name"] for d in first["departments"]] == ["人力资源社会保障部门", "财政部门"]
    assert first["deadline_text"] == "12月底前"
    assert second["targets"][0]["kind"] == "milestone"


def test_workbook_section_rows_set_the_section():
    rows = [HEADER, ["一、职业技能培训"], [1, "任务甲", "措施", "培训1万人次", "12月底前", "人社厅"]]
    task = read(workbook_bytes(rows, ["A2:F2"]), "a.xlsx")["key_tasks"][0]
    assert task["section"] == "一、职业技能培训"


def test_workbook_header_words_may_be_aliases_and_columns_reordered():
    rows = [
        ["重点任务", "序号", "责任单位", "工作目标", "工作措施", "完成时间"],
        ["任务甲", "1", "人社厅", "培训1万人次", "措施", "12月底前"],
    ]
    task = read(workbook_bytes(rows), "a.xlsx")["key_tasks"][0]
    assert (task["title"], task["departments"][0]["name"], task["deadline_text"]) == ("任务甲", "人社厅", "12月底前")


# ------------------------------------------------------------------------------------------------ bad files


def test_missing_column_in_text():
    rows = [[cell for index, cell in enumerate(row) if index != 3] for row in seed_rows()]
    with pytest.raises(AnnexError, match="缺少列：工作目标"):
        read(text_table(rows))


def test_missing_columns_in_workbook():
    rows = [["序号", "重点任务", "工作措施"], [1, "任务", "措施"]]
    with pytest.raises(AnnexError, match="缺少列：工作目标、完成时限、责任部门"):
        read(workbook_bytes(rows), "a.xlsx")


def test_empty_key_task_names_the_sheet_row():
    rows = [["附件"], HEADER, [1, "任务甲", "措施", "目标", "12月底前", "人社厅"], [2, "", "措施", "目标", "", ""]]
    with pytest.raises(AnnexError, match="第4行：重点任务为空"):
        read(workbook_bytes(rows), "a.xlsx")


def test_empty_key_task_in_text_names_the_line():
    header, first, second, *_ = seed_rows()
    second[1] = ""
    with pytest.raises(AnnexError, match=r"第\d+行：重点任务为空"):
        read(text_table([header, first, second]))


def test_non_numeric_number():
    rows = [HEADER, ["第一项", "任务甲", "措施", "目标", "12月底前", "人社厅"]]
    with pytest.raises(AnnexError, match="第2行：序号“第一项”不是数字"):
        read(workbook_bytes(rows), "a.xlsx")


def test_empty_number_of_a_new_task():
    rows = [HEADER, ["", "任务甲", "措施", "目标", "12月底前", "人社厅"]]
    with pytest.raises(AnnexError, match="第2行：序号为空"):
        read(workbook_bytes(rows), "a.xlsx")


def test_header_without_rows():
    with pytest.raises(AnnexError, match="没有数据行"):
        read(workbook_bytes([HEADER]), "a.xlsx")


def test_text_with_a_cell_missing():
    header, first, *_ = seed_rows()
    with pytest.raises(AnnexError, match="单元格数与表头的6列不一致"):
        read(text_table([header, first[:5]]))


def test_formula_cell_is_refused():
    rows = [HEADER, [1, "任务甲", "措施", "=1+1", "12月底前", "人社厅"]]
    with pytest.raises(AnnexError, match="第2行：单元格 D2 含公式"):
        read(workbook_bytes(rows), "a.xlsx")


def test_random_bytes():
    with pytest.raises(AnnexError, match=re.escape(UNREADABLE)):
        read(random.Random(7).randbytes(4096), "annex.xlsx")


def test_docx_like_zip():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document>序号|重点任务</document>")
    with pytest.raises(AnnexError, match=re.escape(UNREADABLE)):
        read(buffer.getvalue(), "annex.docx")


def test_empty_file():
    with pytest.raises(AnnexError, match="无法读取文件：文件是空的"):
        read(b"", "annex.txt")


def test_broken_workbook_is_refused_with_the_reason():
    with pytest.raises(AnnexError, match="无法读取文件：文件已加密或不是 xlsx 格式"):
        read(bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 512, "annex.xlsx")


def test_plain_text_without_a_table():
    with pytest.raises(AnnexError, match="缺少列：序号、重点任务"):
        read("这是一段普通文字。".encode())


# ------------------------------------------------------------------------------------------- cell contents


@pytest.mark.parametrize(
    ("text", "items"),
    [
        ("1.甲;\n2.乙。", ["甲", "乙"]),
        ("1、甲；2、乙", ["甲", "乙"]),
        ("（1）甲\n（2）乙", ["甲", "乙"]),
        ("只有一段文字。", ["只有一段文字"]),
        ("重点做好：（1）甲；（2）乙", ["重点做好：甲", "乙"]),
        ("1.甲，其中（1）子项；2.乙", ["甲，其中（1）子项", "乙"]),
        ("1.培训1.5万人次；\n2.乙", ["培训1.5万人次", "乙"]),
        ("4.丁\n5.戊", ["丁", "戊"]),
        ("开展5、6月份的培训", ["开展5、6月份的培训"]),
        ("", []),
    ],
)
def test_numbered_items(text, items):
    assert numbered_items(text) == items


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("人力资源社会保障、财政等部门", ["人力资源社会保障部门", "财政部门"]),
        ("人力资源社会保障等部门", ["人力资源社会保障部门"]),
        ("发展改革委、财政等部门", ["发展改革委", "财政部门"]),
        ("省人社厅、省财政厅", ["省人社厅", "省财政厅"]),
        ("各有关部门", ["各有关部门"]),
        ("人社\n部门", ["人社部门"]),
        ("", []),
    ],
)
def test_department_names(text, names):
    assert department_names(text) == names


def test_text_with_one_row_per_line_and_no_final_pipe(seed_document):
    """“序号|重点任务|…|责任部门” then one key task per line, no “|” at the ends: rows do not run together."""
    rows = [[cell.replace("\n", "") for cell in row] for row in seed_rows()]
    data = "\n".join("|".join(row) for row in rows).encode() + b"\n"
    document = read(data)
    assert [task["title"] for task in document["key_tasks"]] == [task["title"] for task in seed_document["key_tasks"]]
    assert [task["departments"] for task in document["key_tasks"]] == [
        task["departments"] for task in seed_document["key_tasks"]
    ]
    assert document["key_tasks"][0]["deadline_text"] == "每季度末次月20日前、12月底前"


def test_per_unit_quota_is_read_with_its_level(seed_document):
    school, aside, *_ = seed_document["key_tasks"][9]["targets"]
    assert (school["value"], school["upper"], school["per_unit_level"]) == ("1", "2", "city")
    assert (aside["value"], aside["upper"], aside["per_unit_level"]) == ("3", "5", "")
    assert "per_unit" not in school


def test_a_statement_that_only_sets_a_subsidy_stays_on_the_measures():
    rows = [
        HEADER,
        ["1", "培训", "1.开展培训", "1.培训农民工1万人次;\n2.给予每人1000元—5000元培训补贴", "12月底前", "人社局"],
    ]
    (task,) = read(text_table(rows))["key_tasks"]
    assert [t["value"] for t in task["targets"]] == ["10000"]
    assert [m["text"] for m in task["measures"]] == ["开展培训", "给予每人1000元—5000元培训补贴"]
