"""The Excel entry template: what it offers, what comes back, and every way a filled-in copy is refused."""

import re
import zipfile
from dataclasses import replace
from decimal import Decimal
from io import BytesIO

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from targets.excel import (
    BAD_HEADER,
    NO_TEMPLATE,
    ParsedUpload,
    RowError,
    TemplateRow,
    UploadRow,
    build_entry_template,
    parse_entry_upload,
    parse_figure_value,
)

MB = 1024 * 1024
LIMITS = {"max_bytes": 5 * MB, "max_rows": 20000}
FIRST = 4  # the first data row of the sheet
VALUE, STATUS, REMARK = 11, 12, 13


FULL_WIDTH = str.maketrans("0123456789,.%", "".join(chr(0xFF10 + d) for d in range(10)) + "\uff0c\uff0e\uff05")


def full_width(text: str) -> str:
    """The text as typed with a Chinese input method in full-width mode."""
    return text.translate(FULL_WIDTH)


def template_row(allocation_id: int, **changes) -> TemplateRow:
    row = TemplateRow(
        allocation_id=allocation_id,
        region_code="210100",
        region_name="沈阳市",
        task_number=1,
        target_number=allocation_id,
        target_name="开展职业技能培训",
        unit="人次",
        kind="flow",
        target_value=Decimal(50000),
        cumulative_before=Decimal(30000),
        value=None,
        milestone_status="",
        remark="",
        locked=False,
    )
    return replace(row, **changes)


ROWS = [
    template_row(101, value=Decimal(1200), remark="已核对"),  # row 4: 人次, whole numbers
    template_row(102, unit="万人", kind="stock", target_name="技能人才总量", value=Decimal("12.5")),  # row 5
    template_row(103, unit="%", kind="ratio", target_name="高技能人才占比", target_value=Decimal(25)),  # row 6
    template_row(104, unit="", kind="milestone", target_name="出台实施意见", milestone_status="in_progress"),  # 7
    template_row(105, region_code="210200", region_name="大连市", value=Decimal(800), locked=True),  # row 8
    template_row(106, unit="个", kind="count", target_name="发布职业标准"),  # row 9
]


def template(rows=ROWS) -> bytes:
    return build_entry_template(plan_title="辽宁省技能提升行动", plan_slug="liaoning", year=2024, month=11, rows=rows)


def fill(cells: dict[tuple[int, int], object], data: bytes | None = None, edit=None) -> bytes:
    """The template as a user saves it after typing `cells` ((row, column) → value) into it."""
    workbook = openpyxl.load_workbook(BytesIO(data or template()))
    sheet = workbook["填报"]
    for (row, column), value in cells.items():
        sheet.cell(row, column).value = value
    if edit:
        edit(workbook)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def parse(data: bytes) -> ParsedUpload:
    return parse_entry_upload(data, **LIMITS)


def errors_of(cells: dict[tuple[int, int], object], **kwargs) -> list[tuple[int | None, str]]:
    return [(e.row_number, e.message) for e in parse(fill(cells, **kwargs)).errors]


# --- The template ----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def workbook():
    return openpyxl.load_workbook(BytesIO(template()))


def test_the_template_has_a_title_a_note_and_the_header(workbook):
    sheet = workbook["填报"]
    assert workbook.sheetnames == ["填报", "_meta"]
    assert sheet["B1"].value == "辽宁省技能提升行动 2024年11月 任务指标填报表"
    assert "黄色单元格" in sheet["B2"].value
    assert [c.value for c in sheet[3]] == [
        "编号",
        "地区代码",
        "地区",
        "任务序号",
        "指标序号",
        "指标",
        "单位",
        "类型",
        "目标",  # rows of several kinds: each names its period in 单位 (#18)
        "此前累计",
        "本月完成",
        "进展(里程碑)",
        "备注",
    ]
    assert sheet.freeze_panes == "D4"
    assert sheet.column_dimensions["A"].hidden
    assert sheet.column_dimensions["F"].width == 40


def test_the_rows_show_the_allocations_and_what_is_already_reported(workbook):
    sheet = workbook["填报"]
    assert [c.value for c in sheet[FIRST]] == [
        101,
        "210100",
        "沈阳市",
        1,
        101,
        "开展职业技能培训",
        "人次",
        "累计量",
        50000,
        30000,
        1200,
        None,
        "已核对",
    ]
    assert sheet.cell(FIRST + 3, STATUS).value == "推进中"
    assert sheet.cell(FIRST, VALUE).number_format == "#,##0"
    assert sheet.cell(FIRST + 1, VALUE).number_format == "#,##0.00"


def test_only_the_input_cells_of_open_rows_are_unlocked(workbook):
    sheet = workbook["填报"]
    assert sheet.protection.sheet
    unlocked = {
        (cell.row, cell.column) for row in sheet.iter_rows(min_row=1) for cell in row if not cell.protection.locked
    }
    numeric_rows = (FIRST, FIRST + 1, FIRST + 2, FIRST + 5)
    expected = {(r, VALUE) for r in numeric_rows} | {(FIRST + 3, STATUS)}
    expected |= {(r, REMARK) for r in range(FIRST, FIRST + 6) if r != FIRST + 4}
    assert unlocked == expected


def test_validations_fit_each_kind(workbook):
    found = {
        (v.type, v.operator, v.formula1, v.formula2): str(v.sqref)
        for v in workbook["填报"].data_validations.dataValidation
    }
    assert found == {
        ("whole", "greaterThanOrEqual", "0", None): "K4 K9",
        ("decimal", "greaterThanOrEqual", "0", None): "K5",
        ("decimal", "between", "0", "100"): "K6",
        ("list", None, '"未启动,推进中,已完成"', None): "L7",
        ("textLength", "lessThanOrEqual", "500", None): "M4:M7 M9",
    }
    prompts = [v.prompt for v in workbook["填报"].data_validations.dataValidation]
    assert all(v.showInputMessage and v.showErrorMessage for v in workbook["填报"].data_validations.dataValidation)
    assert "请从下拉列表选择：未启动、推进中或已完成；留空表示本月无数据" in prompts


def test_the_markers_sit_in_a_protected_very_hidden_sheet(workbook):
    meta = workbook["_meta"]
    assert meta.sheet_state == "veryHidden" and meta.protection.sheet
    rows = list(meta.iter_rows(max_col=5, values_only=True))
    assert rows[:4] == [
        ("format", "entry-template/2", None, None, None),
        ("plan_slug", "liaoning", None, None, None),
        ("year", 2024, None, None, None),
        ("month", 11, None, None, None),
    ]
    assert (105, "flow", "人次", 1, 0) in rows


def test_user_text_cannot_become_a_formula():
    rows = [template_row(1, target_name='=HYPERLINK("http://x")', region_name="@区", remark="-3%需核实")]
    sheet = openpyxl.load_workbook(BytesIO(template(rows)))["填报"]
    assert sheet["F4"].value == '\'=HYPERLINK("http://x")' and sheet["F4"].data_type == "s"
    assert sheet["C4"].value == "'@区"
    assert sheet["M4"].value == "'-3%需核实"


def test_milestone_rows_show_no_number_even_when_given_one():
    rows = [template_row(1, kind="milestone", unit="", value=Decimal(50), milestone_status="done")]
    sheet = openpyxl.load_workbook(BytesIO(template(rows)))["填报"]
    assert sheet["K4"].value is None and sheet["L4"].value == "已完成"


def test_an_empty_template_still_builds_and_reads_back():
    parsed = parse(template([]))
    assert (parsed.plan_slug, parsed.year, parsed.month, parsed.rows, parsed.errors) == ("liaoning", 2024, 11, [], [])


# --- Round trip ---------------------------------------------------------------------------------------------


def test_round_trip_returns_what_was_typed_and_what_was_already_there():
    data = fill({(FIRST, VALUE): 1300, (FIRST + 2, VALUE): 26.5, (FIRST + 3, STATUS): "已完成", (FIRST + 5, VALUE): 3})
    parsed = parse(data)
    assert parsed.errors == []
    assert (parsed.plan_slug, parsed.year, parsed.month) == ("liaoning", 2024, 11)
    assert parsed.rows == [
        UploadRow(4, 101, "210100", Decimal(1300), "", "已核对", 0),
        UploadRow(5, 102, "210100", Decimal("12.5"), "", "", 0),
        UploadRow(6, 103, "210100", Decimal("26.5"), "", "", 0),
        UploadRow(7, 104, "210100", None, "done", "", 0),
        UploadRow(9, 106, "210100", Decimal(3), "", "", 0),
    ]


def test_an_untouched_template_reads_back_as_downloaded():
    parsed = parse(template())
    assert parsed.errors == []
    assert [(r.allocation_id, r.value, r.milestone_status, r.remark) for r in parsed.rows] == [
        (101, Decimal(1200), "", "已核对"),
        (102, Decimal("12.5"), "", ""),
        (104, None, "in_progress", ""),
    ]


def test_rows_blank_in_the_input_columns_are_skipped():
    parsed = parse(fill({(FIRST, VALUE): None, (FIRST, REMARK): "  ", (FIRST + 1, VALUE): None}))
    assert parsed.errors == [] and [r.allocation_id for r in parsed.rows] == [104]


def test_locked_rows_are_skipped_even_when_changed():
    parsed = parse(fill({(FIRST + 4, VALUE): 999}))
    assert parsed.errors == [] and 105 not in [r.allocation_id for r in parsed.rows]


def test_an_escaped_remark_comes_back_as_the_user_wrote_it():
    rows = [template_row(1, value=Decimal(1), remark="-3%需核实"), template_row(2, value=Decimal(1), remark="'引号")]
    parsed = parse(template(rows))
    assert [r.remark for r in parsed.rows] == ["-3%需核实", "'引号"]


def test_text_numbers_as_typed_in_chinese_are_accepted():
    typed = {
        (FIRST, VALUE): f" {full_width('123')} ",
        (FIRST + 1, VALUE): "1,234.5",
        (FIRST + 5, VALUE): full_width("1,000"),
    }
    parsed = parse(fill(typed))
    assert parsed.errors == []
    assert [r.value for r in parsed.rows if r.allocation_id in (101, 102, 106)] == [123, Decimal("1234.5"), 1000]


def test_milestone_status_codes_are_accepted_too():
    parsed = parse(fill({(FIRST + 3, STATUS): "not_started"}))
    assert [r.milestone_status for r in parsed.rows if r.allocation_id == 104] == ["not_started"]


# --- Errors, each with its row --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("row", "column", "typed", "message"),
    [
        (FIRST, VALUE, "=1+1", "第4行：本月完成不能是公式，请填写数值"),
        (FIRST, VALUE, "=SUM(J4:J5)", "第4行：本月完成不能是公式，请填写数值"),
        (FIRST, VALUE, "abc", "第4行：本月完成“abc”不是数字"),
        (FIRST, VALUE, "12万", "第4行：本月完成“12万”不是数字"),
        (FIRST, VALUE, "1,2,3", "第4行：本月完成“1,2,3”不是数字"),
        (FIRST, VALUE, True, "第4行：本月完成“True”不是数字"),
        (FIRST, VALUE, -5, "第4行：本月完成不能为负数"),
        (FIRST, VALUE, "－5", "第4行：本月完成不能为负数"),
        (FIRST, VALUE, 12.5, "第4行：本月完成应为整数（单位为“人次”）"),
        (FIRST + 5, VALUE, "2.5", "第9行：本月完成应为整数（单位为“个”）"),
        (FIRST + 2, VALUE, 150, "第6行：比例应在0到100之间"),
        (FIRST + 1, VALUE, 10**13, "第5行：本月完成数值过大（上限为999,999,999,999.99），请核对单位"),
        (FIRST + 3, STATUS, "完成了", "第7行：进展“完成了”无效，应为未启动、推进中或已完成"),
        (FIRST + 3, STATUS, "=A1", "第7行：进展不能是公式，请从下拉列表选择"),
        (FIRST + 3, VALUE, 5, "第7行：里程碑指标不填数值，请在“进展”列选择"),
        (FIRST, STATUS, "已完成", "第4行：该指标不是里程碑，“进展”列应留空"),
        (FIRST, REMARK, "=A1", "第4行：备注不能是公式"),
        (FIRST, REMARK, "很" * 501, "第4行：备注不能超过500字（现为501字）"),
        (FIRST, 1, None, "第4行：缺少指标编号（隐藏的第一列），请勿删除或修改"),
        (FIRST, 1, "abc", "第4行：指标编号“abc”无效，请勿修改隐藏的编号列"),
        (FIRST, 1, 99999, "第4行：指标编号99999不在本模板中，请勿修改隐藏的编号列"),
        (FIRST + 1, 1, 101, "第5行与第4行重复（同一指标只能填一行）"),
    ],
)
def test_each_error_names_its_row(row, column, typed, message):
    parsed = parse(fill({(row, column): typed}))
    assert [(e.row_number, e.message) for e in parsed.errors] == [(row, message)]
    assert row not in [r.row_number for r in parsed.rows]


def test_a_row_added_below_without_an_id_is_refused():
    assert errors_of({(20, VALUE): 5}) == [(20, "第20行：缺少指标编号（隐藏的第一列），请勿删除或修改")]


def test_all_errors_are_collected_not_only_the_first():
    errors = errors_of(
        {(FIRST, VALUE): "abc", (FIRST, REMARK): "=A1", (FIRST + 2, VALUE): 101, (FIRST + 3, STATUS): "好"}
    )
    assert errors == [
        (4, "第4行：本月完成“abc”不是数字"),
        (4, "第4行：备注不能是公式"),
        (6, "第6行：比例应在0到100之间"),
        (7, "第7行：进展“好”无效，应为未启动、推进中或已完成"),
    ]


def test_a_workbook_without_the_markers_is_not_a_template():
    def drop_meta(workbook):
        del workbook["_meta"]

    parsed = parse(fill({}, edit=drop_meta))
    assert parsed.errors == [RowError(None, NO_TEMPLATE)] and parsed.rows == []
    assert NO_TEMPLATE == "未找到模板标识，请使用系统下载的填报模板"


def test_altered_markers_are_not_a_template():
    def bad_month(workbook):
        workbook["_meta"]["B4"] = 13

    assert errors_of({}, edit=bad_month) == [(None, NO_TEMPLATE)]


def test_an_altered_header_is_refused():
    parsed = parse(fill({(3, VALUE): "本月"}))
    assert parsed.errors == [RowError(None, BAD_HEADER)]
    assert (parsed.plan_slug, parsed.month) == ("liaoning", 11)


def test_a_renamed_sheet_is_refused():
    def rename(workbook):
        workbook["填报"].title = "Sheet1"

    assert errors_of({}, edit=rename) == [(None, BAD_HEADER)]


def test_a_refused_file_gives_one_error_without_a_row():
    parsed = parse(b"not a workbook")
    assert parsed == ParsedUpload("", 0, 0, [], [RowError(None, "文件不是有效的 Excel(.xlsx) 工作簿")])
    assert parse_entry_upload(template(), max_bytes=100, max_rows=10).errors[0].message.startswith("文件过大")


def test_too_many_rows_are_refused():
    rows = [template_row(n, value=Decimal(1)) for n in range(1, 31)]
    parsed = parse_entry_upload(template(rows), max_bytes=MB, max_rows=20)
    assert parsed.errors == [RowError(None, "行数超过上限 20 行")]


# --- parse_figure_value -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "unit", "kind", "expected"),
    [
        (None, "人", "flow", None),
        ("  ", "人", "flow", None),
        (12, "人", "flow", Decimal(12)),
        (12.0, "人", "flow", Decimal(12)),
        (0.1, "万人", "flow", Decimal("0.1")),
        (1.005, "万元", "stock", Decimal("1.01")),
        ("3.14159", "万人", "stock", Decimal("3.14")),
        (Decimal("7.5"), "万人", "flow", Decimal("7.5")),
        ("25%", "%", "ratio", Decimal(25)),
        (full_width("25.5%"), "%", "ratio", Decimal("25.5")),
        ("+8", "人", "flow", Decimal(8)),
        ("\u30001234\u3000", "人", "flow", Decimal(1234)),
        ("100", "%", "ratio", Decimal(100)),
        ("0", "%", "ratio", Decimal(0)),
    ],
)
def test_figure_values_accepted(raw, unit, kind, expected):
    assert parse_figure_value(raw, unit=unit, kind=kind) == expected


@pytest.mark.parametrize(
    ("raw", "unit", "kind", "message"),
    [
        ("25%", "人", "flow", "本月完成“25%”不是数字"),
        (float("nan"), "人", "flow", "本月完成“nan”不是数字"),
        (float("inf"), "人", "flow", "本月完成“inf”不是数字"),
        ("1e5", "人", "flow", "本月完成“1e5”不是数字"),
        ("1_000", "人", "flow", "本月完成“1_000”不是数字"),
        ("NaN", "人", "flow", "本月完成“NaN”不是数字"),
        ("x" * 30, "人", "flow", "本月完成“" + "x" * 20 + "…”不是数字"),
        (object, "人", "flow", "本月完成“<class 'object'>”不是数字"),
        ("-0.5", "万人", "flow", "本月完成不能为负数"),
        ("100.01", "%", "ratio", "比例应在0到100之间"),
        ("1000000000000", "万人", "flow", "本月完成数值过大（上限为999,999,999,999.99），请核对单位"),
        ("999999999999.995", "万人", "flow", "本月完成数值过大（上限为999,999,999,999.99），请核对单位"),
        ("9" * 40, "万人", "flow", "本月完成数值过大（上限为999,999,999,999.99），请核对单位"),
        ("=A1", "人", "flow", "本月完成不能是公式，请填写数值"),
        ("1", "", "milestone", "里程碑指标不填数值，请在“进展”列选择"),
    ],
)
def test_figure_values_refused(raw, unit, kind, message):
    with pytest.raises(ValueError) as caught:
        parse_figure_value(raw, unit=unit, kind=kind)
    assert str(caught.value) == message


def test_a_blank_milestone_value_is_simply_none():
    assert parse_figure_value("", unit="", kind="milestone") is None


@given(
    number=st.integers(min_value=0, max_value=10**12 - 1),
    form=st.sampled_from(["ascii", "full_width", "commas", "full_width_commas"]),
    left=st.sampled_from(["", " ", "\t", "\u3000", "  "]),
    right=st.sampled_from(["", " ", "\n", "\u3000"]),
)
def test_any_non_negative_integer_parses_to_itself(number, form, left, right):
    text = f"{number:,}" if "commas" in form else str(number)
    text = full_width(text) if form.startswith("full_width") else text
    assert parse_figure_value(left + text + right, unit="人次", kind="flow") == number


@given(st.text(min_size=1, max_size=30).filter(lambda text: any(c.isalpha() for c in text)))
def test_any_text_with_letters_is_refused(text):
    for kind in ("flow", "ratio", "stock"):
        with pytest.raises(ValueError):
            parse_figure_value(text, unit="人", kind=kind)


# --- Fuzzing ---------------------------------------------------------------------------------------------------

FILLED = fill({(FIRST, VALUE): 1300, (FIRST + 2, VALUE): "26.5", (FIRST + 3, STATUS): "已完成"})


def assert_well_formed(parsed):
    assert isinstance(parsed, ParsedUpload)
    assert all(isinstance(e, RowError) and e.message for e in parsed.errors)
    assert all(isinstance(r, UploadRow) for r in parsed.rows)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, len(FILLED) - 1), st.integers(0, 255)), min_size=1, max_size=20))
def test_mutated_bytes_never_crash_the_parser(mutations):
    data = bytearray(FILLED)
    for position, byte in mutations:
        data[position] = byte
    assert_well_formed(parse(bytes(data)))


def rezip_sheet(data: bytes, transform) -> bytes:
    out = BytesIO()
    with zipfile.ZipFile(BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            content = source.read(name)
            target.writestr(name, transform(content) if name.startswith("xl/worksheets/") else content)
    return out.getvalue()


TEXT_RE = re.compile(rb">([^<]+)<")
ENTITY_RE = re.compile(rb"&[^;]*;")
MUTANTS = b"0123456789" * 3 + b"-.,E a="  # mostly digits, so that numbers often stay numbers


def value_positions(xml: bytes) -> list[int]:
    """Offsets inside text nodes (cell values), entities excepted: changing them keeps the XML well-formed."""
    entities = {n for m in ENTITY_RE.finditer(xml) for n in range(m.start(), m.end())}
    return [n for m in TEXT_RE.finditer(xml) for n in range(*m.span(1)) if n not in entities]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_mutated_sheet_values_never_crash_the_parser(data):
    """Mutations of the cell values inside the sheet XML (both sheets) get past openpyxl to this module's reading."""

    def mutate(xml: bytes) -> bytes:
        mutated, positions = bytearray(xml), value_positions(xml)
        for _ in range(data.draw(st.integers(1, 6))):
            mutated[data.draw(st.sampled_from(positions))] = data.draw(st.sampled_from(MUTANTS))
        return bytes(mutated)

    assert_well_formed(parse(rezip_sheet(FILLED, mutate)))


@pytest.mark.parametrize(
    ("unit", "kind", "whole"),
    [
        ("次", "flow", True),
        ("场", "flow", True),
        ("项", "stock", True),
        ("户", "flow", True),
        ("个", "count", True),  # a per-period count is whole whatever its unit says
        ("万人次", "flow", False),  # 2.5万人次 is a whole number of 人次
        ("吨", "flow", False),
        ("课时", "flow", False),
        ("%", "ratio", False),
        ("元", "stock", False),
    ],
)
def test_whole_numbers_follow_the_targets_kind_and_what_its_unit_counts(unit, kind, whole):
    """Decimals for things counted whole (次/场/项/户) are refused, by the target's kind, not a short unit list."""
    if whole:
        with pytest.raises(ValueError, match="应为整数"):
            parse_figure_value("1.5", unit=unit, kind=kind)
    else:
        assert parse_figure_value("1.5", unit=unit, kind=kind) == Decimal("1.5")
