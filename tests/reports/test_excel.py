"""The circular's Excel annex, read back with openpyxl; and formula escaping of user text."""

import dataclasses
import datetime as dt
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import Workbook, load_workbook

from reports.circular_content import (
    CircularContent,
    CompletenessRow,
    LaggingRow,
    RankingRow,
    TargetSummary,
)
from reports.excel import build_circular_xlsx, sheet_title
from skills_admin.lib.xlsx import safe_text, write_text
from targets.engine import Progress, ProgressRow, Status, TargetRow

# --- a realistic sample: Liaoning, 1—6月 (序时进度 50%), 3 targets, 15 regions --------------------------------------

HYPERLINK_REGION = '=HYPERLINK("x")'
REGIONS = (
    "沈阳市",
    "大连市",
    "鞍山市",
    "抚顺市",
    "本溪市",
    "丹东市",
    "锦州市",
    "营口市",
    "阜新市",
    "辽阳市",
    "铁岭市",
    "朝阳市",
    "葫芦岛市",
    "盘锦市",
    HYPERLINK_REGION,
)
FACTORS = tuple(
    Decimal(f)
    for f in (
        "0.4916",
        "0.62",
        "0.55",
        "0.51",
        "0.47",
        "0.44",
        "0.38",
        "0.35",
        "1.05",
        "0.50",
        "0.58",
        "0.53",
        "0.41",
        "0.66",
        "0.29",
    )
)
SCHEDULE = Decimal("50.0")
LABELS = {"done": "已完成", "on_track": "正常", "lagging": "滞后", "severe": "严重滞后", "no_task": "无任务"}
# code, name, unit, per-region target, regions without a task
TARGETS = (
    ("1-1", "职业技能培训", "万人次", lambda i: Decimal(i + 5) / 2, ()),
    ("1-2", "急需紧缺工种培训", "人次", lambda i: Decimal(1500 + 250 * i), ("盘锦市", "阜新市")),
    ("2-1", "新增高技能人才", "人", lambda i: Decimal(2500 if i == 0 else 500 + 20 * i), ()),
)


def status_of(rate: Decimal | None) -> str:
    if rate is None:
        return "no_task"
    gap = rate - SCHEDULE
    if rate >= 100:
        return "done"
    return "on_track" if gap >= 0 else ("lagging" if gap >= -10 else "severe")


def region_figures(index: int, target: Decimal, shift: int) -> tuple[Decimal, Decimal, Decimal]:
    """(this month, cumulative, completion rate) of a region: the factors rotate between targets."""
    factor = FACTORS[(index + shift) % len(FACTORS)] if index else FACTORS[0]
    places = Decimal("0.01") if target != target.to_integral_value() else Decimal(1)
    cumulative = (target * factor).quantize(places)
    rate = (cumulative * 100 / target).quantize(Decimal("0.01"))
    return (cumulative / 6).quantize(places), cumulative, rate


def target_row(code: str, name: str, unit: str) -> TargetRow:
    task, number = (int(n) for n in code.split("-"))
    return TargetRow(
        id=task * 100 + number,
        code=code,
        key_task_number=task,
        key_task_title=f"重点任务{task}",
        number=number,
        name=name,
        unit=unit,
        kind="flow",
        kind_label="年度流量指标",
        period="year",
        qualifier="exact",
        display_value="",
        higher_is_better=True,
        due_month=None,
        lead_department="",
        is_reported=True,
        value=None,
        yearly_value=None,
    )


def renamed(summary: TargetSummary, **fields) -> TargetSummary:
    """The same summary with its target's code or name changed (they live on the engine's target row)."""
    total = summary.total
    return dataclasses.replace(
        summary, total=dataclasses.replace(total, target=dataclasses.replace(total.target, **fields))
    )


def engine_row(target: TargetRow, region: str, progress: Progress, **extra) -> ProgressRow:
    return ProgressRow(target=target, region_id=None, region_name=region, progress=progress, **extra)


def ranking_for(spec, shift: int) -> list[RankingRow]:
    code, name, unit, target_of, no_task = spec
    rows = []
    for index, region in enumerate(REGIONS):
        if region in no_task:
            continue
        target = target_of(index)
        month, cumulative, rate = region_figures(index, target, shift)
        status = status_of(rate)
        remark = "+1" if region == HYPERLINK_REGION else ("提前完成" if status == "done" else "")
        rows.append((region, unit, target, month, cumulative, rate, status, remark))
    rows.sort(key=lambda r: r[5], reverse=True)
    row_target = target_row(code, name, unit)
    ranked = [_ranked(row_target, rank, row) for rank, row in enumerate(rows, 1)]
    return ranked + [ProgressRow.no_task(row_target, None, region) for region in no_task]


def _ranked(row_target: TargetRow, rank: int, row) -> RankingRow:
    region, unit, target, month, cumulative, rate, status, remark = row
    change = None if rank == 1 else (rank % 3) - 1
    figures = Progress(target, month, cumulative, rate, SCHEDULE, rate - SCHEDULE, Status(status), reported=True)
    previous = None if change is None else rank + change
    return engine_row(row_target, region, figures, rank=rank, previous_rank=previous, remark=remark)


def no_task_row(region: str, unit: str) -> RankingRow:
    return ProgressRow.no_task(target_row("9-9", "无任务指标", unit), None, region)


def target_summary(spec, shift: int) -> TargetSummary:
    code, name, unit, _, _ = spec
    ranking = ranking_for(spec, shift)
    target = sum(r.target_value for r in ranking if r.has_task)
    cumulative = sum(r.cumulative for r in ranking if r.has_task)
    month = sum(r.this_month for r in ranking if r.has_task)
    if code == "2-1":  # the published example: 1—6月 高技能人才 49.16% against a 50% schedule
        target, cumulative = Decimal(10000), Decimal(4916)
    rate = (cumulative * 100 / target).quantize(Decimal("0.01"))
    status = status_of(rate)
    sentence = f"全省累计{name}{cumulative}{unit}，完成年度目标的{rate:.1f}%。"
    figures = Progress(target, month, cumulative, rate, SCHEDULE, rate - SCHEDULE, Status(status), reported=True)
    return TargetSummary(engine_row(target_row(code, name, unit), "辽宁省", figures), ranking, sentence)


def completeness_rows() -> list[CompletenessRow]:
    rows = []
    for index, region in enumerate(REGIONS):
        if index >= 13:
            rows.append(CompletenessRow(region, "未报", None, None))
            continue
        late = index == 12
        at = dt.datetime(2026, 7, 6 if late else 3, 2, 30, tzinfo=dt.UTC)
        rows.append(CompletenessRow(region, "逾期报送" if late else "按时报送", at, not late))
    return rows


def lagging_rows(targets: list[TargetSummary]) -> list[LaggingRow]:
    rows = [
        LaggingRow(r.region_name, t.name, t.unit, r.completion_rate, r.schedule_rate, r.schedule_gap, r.status_label)
        for t in targets
        for r in t.ranking
        if r.status_code in ("lagging", "severe")
    ]
    return sorted(rows, key=lambda r: r.schedule_gap)


def sample_content(**changes) -> CircularContent:
    targets = [target_summary(spec, shift) for shift, spec in enumerate(TARGETS)]
    content = CircularContent(
        title="关于2026年1—6月“技能提升行动”任务指标完成情况的通报",
        plan_title="辽宁省职业技能提升行动实施方案（2022—2026年）",
        document_number="辽人社发〔2022〕7号",
        issuer="辽宁省人力资源和社会保障厅",
        issue_date=dt.date(2026, 7, 10),
        year=2026,
        month=6,
        scope_name="全省",
        opening="根据《辽宁省职业技能提升行动实施方案（2022—2026年）》（辽人社发〔2022〕7号）要求，现将有关情况通报如下。",
        overview_paragraphs=[
            "全省纳入本月通报的3项指标中，达到序时进度1项（占33.3%），未达到序时进度2项（占66.7%）。",
            *[t.sentence for t in targets],
        ],
        targets=targets,
        problems=["“新增高技能人才”指标低于序时进度的有：沈阳市、丹东市。", "未按时报送本月数据的地区：盘锦市。"],
        next_steps="各地要对照年度目标和序时进度，查找差距，压实责任。\n未按时报送数据的地区，要严格落实按月报送制度。",
        completeness=completeness_rows(),
        lagging=lagging_rows(targets),
        version=1,
        is_demo=True,
    )
    content = dataclasses.replace(content, sections=sample_sections(content))
    return dataclasses.replace(content, **changes)


def sample_sections(content: CircularContent) -> tuple:
    """The body as the section builders make it, from the sample's own words."""
    from reports.circular_sections import ANNEX_NOTE, Section, summary_table

    return (
        Section("总体情况", (content.overview_paragraphs[0],), (summary_table(content.targets),), (ANNEX_NOTE,)),
        Section("红黄榜", ("红榜：大连市。", "黄榜：沈阳市、丹东市，滞后、逾期或未报送的指标较多。")),
        Section("存在问题", tuple(f"{i}.{p}" for i, p in enumerate(content.problems, 1))),
        Section("下一步工作", tuple(line for line in content.next_steps.splitlines() if line)),
    )


def open_workbook(content: CircularContent):
    return load_workbook(BytesIO(build_circular_xlsx(content)))


@pytest.fixture(scope="module")
def content():
    return sample_content()


@pytest.fixture(scope="module")
def workbook(content):
    return open_workbook(content)


def data_rows(sheet, columns: int):
    return [[c.value for c in row] for row in sheet.iter_rows(min_row=4, max_col=columns)]


# --- escape_formula: safe_text --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("=1+1", "'=1+1"),
        ('=HYPERLINK("x")', '\'=HYPERLINK("x")'),
        ("+1", "'+1"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("\x01=cmd", "'=cmd"),
        ("沈阳市", "沈阳市"),
        ("a=b", "a=b"),
        ("—", "—"),
        ("", ""),
        ("'quoted", "'quoted"),
    ],
)
def test_escape_formula(raw, expected):
    assert safe_text(raw) == expected


def test_escape_formula_drops_characters_excel_refuses():
    assert safe_text("沈\x00阳\x1f市\n") == "沈阳市\n"


def test_escape_formula_write_text_stores_a_string():
    cell = Workbook().active["A1"]
    write_text(cell, "=1+1")
    assert (cell.value, cell.data_type) == ("'=1+1", "s")


# --- sheet names ----------------------------------------------------------------------------------------------


def test_sheet_names(workbook):
    assert workbook.sheetnames == [
        "汇总",
        "1-1 职业技能培训",
        "1-2 急需紧缺工种培训",
        "2-1 新增高技能人才",
        "填报情况",
        "滞后名单",
        "通报正文",
        "分项说明",
    ]


def test_sheet_title_removes_forbidden_characters_truncates_and_stays_unique():
    taken = {"汇总"}
    first = sheet_title("3-1 [重点]群体:培训*?/\\" + "很长的名称" * 10, taken)
    taken.add(first)
    second = sheet_title("3-1 [重点]群体:培训*?/\\" + "很长的名称" * 10, taken)
    assert not set("[]:*?/\\") & set(first + second)
    assert len(first) == 31 and len(second) <= 31
    assert first != second and second.endswith("~2")
    assert sheet_title("汇总", taken) == "汇总~2"
    assert sheet_title("''", taken) == "指标"


def test_targets_with_clashing_names_still_build():
    content = sample_content()
    clash = [renamed(t, code="1-1", name="职业技能培训/总量" * 5) for t in content.targets]
    names = open_workbook(dataclasses.replace(content, targets=clash)).sheetnames
    assert len(set(names)) == 8 and all(len(n) <= 31 for n in names)


# --- 汇总 -------------------------------------------------------------------------------------------------------


def test_summary_title_subtitle_and_headers(workbook, content):
    sheet = workbook["汇总"]
    assert sheet["A1"].value == content.title + "（演示数据）"
    assert "A1:J1" in {str(r) for r in sheet.merged_cells.ranges}
    assert "2026年1—6月" in sheet["A2"].value and "全省" in sheet["A2"].value
    assert [c.value for c in sheet[3]] == [
        "序号",
        "指标",
        "单位",
        "目标",
        "本月",
        "累计",
        "完成率",
        "序时进度",
        "序时差",
        "状态",
    ]
    assert all(c.font.b and c.border.left.style == "thin" for c in sheet[3])


def test_summary_figures_are_numbers_with_formats(workbook):
    sheet = workbook["汇总"]
    rows = data_rows(sheet, 10)
    assert [r[0] for r in rows] == [1, 2, 3]
    assert rows[2][1:3] == ["2-1 新增高技能人才", "人"]
    rate, schedule, gap = sheet["G6"], sheet["H6"], sheet["I6"]
    assert rate.value == pytest.approx(0.4916) and rate.number_format == "0.0%"
    assert schedule.value == pytest.approx(0.5) and schedule.number_format == "0.0%"
    assert gap.value == pytest.approx(-0.84) and gap.number_format == "+0.0;-0.0;0.0"
    assert (sheet["D6"].value, sheet["D6"].number_format) == (10000, "#,##0")
    assert (sheet["F6"].value, sheet["F6"].number_format) == (4916, "#,##0")
    assert sheet["J6"].value == "滞后" and sheet["J6"].fill.fgColor.rgb.endswith("FFEB9C")


def test_decimal_amounts_keep_their_decimals(workbook, content):
    sheet = workbook["1-1 职业技能培训"]
    first = content.targets[0].ranking[0]
    assert first.target_value != first.target_value.to_integral_value() or first.cumulative % 1
    amounts = [sheet.cell(row=4, column=c) for c in (4, 5, 6)]
    assert [float(c.value) for c in amounts] == [
        float(first.target_value),
        float(first.this_month),
        float(first.cumulative),
    ]
    assert "#,##0.##" in {c.number_format for c in amounts}


# --- ranking sheets -------------------------------------------------------------------------------------------


RANKING_HEADERS = [
    "排名",
    "位次变化",
    "地区",
    "年度目标",
    "本月",
    "累计",
    "完成率",
    "序时进度",
    "序时差",
    "状态",
    "备注",
]


def test_ranking_sheets_match_the_input(workbook, content):
    for target, name in zip(content.targets, workbook.sheetnames[1:4], strict=True):
        sheet = workbook[name]
        assert [c.value for c in sheet[3]] == RANKING_HEADERS
        rows = data_rows(sheet, 11)
        assert len(rows) == len(target.ranking) == 15
        for row, entry in zip(rows, target.ranking, strict=True):
            assert row[0] == (entry.rank if entry.rank is not None else "—")
            assert row[2] == (entry.region_name if entry.region_name != HYPERLINK_REGION else "'" + HYPERLINK_REGION)
            assert row[9] == entry.status_label
            if entry.has_task:
                assert row[6] == pytest.approx(float(entry.completion_rate) / 100)
                assert row[8] == pytest.approx(float(entry.schedule_gap))


def test_rank_cells_are_integers_in_order(workbook):
    sheet = workbook["1-2 急需紧缺工种培训"]
    ranks = [r[0] for r in data_rows(sheet, 1)]
    assert ranks == [*range(1, 14), "—", "—"]
    assert sheet["B5"].number_format == '"↑"0;"↓"0;"持平"'


def test_no_task_rows_say_so_across_the_figures(workbook):
    sheet = workbook["1-2 急需紧缺工种培训"]
    for row in (17, 18):
        assert sheet.cell(row=row, column=4).value == "无任务"
        assert f"D{row}:I{row}" in {str(r) for r in sheet.merged_cells.ranges}
        assert sheet.cell(row=row, column=10).value == "无任务"
        assert sheet.cell(row=row, column=10).fill.fgColor.rgb.endswith("E7E6E6")
    assert {sheet.cell(row=r, column=3).value for r in (17, 18)} == {"盘锦市", "阜新市"}


def test_user_text_is_escaped_and_stored_as_strings(workbook):
    sheet = workbook["1-1 职业技能培训"]
    cells = [c for row in sheet.iter_rows(min_row=4, min_col=3, max_col=3) for c in row]
    region = next(c for c in cells if "HYPERLINK" in str(c.value))
    remark = sheet.cell(row=region.row, column=11)
    assert (region.value, region.data_type) == ("'" + HYPERLINK_REGION, "s")
    assert (remark.value, remark.data_type) == ("'+1", "s")
    every_cell = (c for ws in workbook.worksheets for row in ws.iter_rows() for c in row)
    assert not [c.coordinate for c in every_cell if c.data_type == "f"]


def test_status_has_text_and_colour(workbook):
    sheet = workbook["2-1 新增高技能人才"]
    colours = {"已完成": "C6EFCE", "正常": "BDD7EE", "滞后": "FFEB9C", "严重滞后": "FFC7CE"}
    statuses = [sheet.cell(row=r, column=10) for r in range(4, 19)]
    assert {c.value for c in statuses} >= {"已完成", "滞后", "严重滞后"}
    for cell in statuses:
        assert cell.fill.fgColor.rgb.endswith(colours[cell.value])


# --- 填报情况 and 滞后名单 -----------------------------------------------------------------------------------------


def test_completeness_sheet(workbook):
    sheet = workbook["填报情况"]
    assert [c.value for c in sheet[3]] == ["地区", "状态", "报送时间", "是否按时"]
    assert "应报15个地区，已报送13个（报送率86.7%）" in sheet["A2"].value
    assert "按时报送12个（按时率80.0%）" in sheet["A2"].value
    rows = data_rows(sheet, 4)
    assert rows[0] == ["沈阳市", "按时报送", dt.datetime(2026, 7, 3, 10, 30), "是"]
    assert rows[12][3] == "否" and rows[14] == ["'" + HYPERLINK_REGION, "未报", "—", "—"]
    assert sheet["C4"].number_format == "yyyy-mm-dd hh:mm"


def test_lagging_sheet(workbook, content):
    sheet = workbook["滞后名单"]
    assert [c.value for c in sheet[3]] == ["序号", "地区", "指标", "单位", "完成率", "序时进度", "序时差", "状态"]
    rows = data_rows(sheet, 8)
    assert len(rows) == len(content.lagging) > 0
    assert [r[0] for r in rows] == list(range(1, len(rows) + 1))
    assert rows[0][6] == pytest.approx(float(content.lagging[0].schedule_gap))


def test_lagging_sheet_without_laggards_says_so():
    sheet = open_workbook(sample_content(lagging=[]))["滞后名单"]
    assert sheet["A4"].value == "本月无低于序时进度的地区。"


# --- layout and print -----------------------------------------------------------------------------------------


def test_every_sheet_is_frozen_fitted_and_print_ready(workbook):
    for sheet in workbook.worksheets:
        if sheet.title in ("通报正文", "分项说明"):  # text, not a table
            continue
        assert sheet.freeze_panes == "A4"
        assert sheet.page_setup.orientation == "landscape"
        assert int(sheet.page_setup.paperSize) == 9  # A4
        assert int(sheet.page_setup.fitToWidth) == 1 and int(sheet.page_setup.fitToHeight) == 0
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert sheet.print_title_rows == "$3:$3"
        widths = [sheet.column_dimensions[c].width for c in "ABCD"]
        assert all(8 <= w <= 40 for w in widths)


def test_demo_note_only_for_demo_data():
    sheet = open_workbook(sample_content(is_demo=False))["汇总"]
    assert "演示数据" not in sheet["A1"].value


def test_the_annex_carries_the_body_from_the_same_sections_and_the_details(content):
    workbook = open_workbook(content)
    body = workbook["通报正文"]
    values = [c.value for row in body.iter_rows() for c in row if c.value]
    assert ["一、总体情况", "二、红黄榜", "三、存在问题", "四、下一步工作"] == [v for v in values if v[1:2] == "、"]
    assert "主要指标完成情况" in values and content.targets[0].name in values
    details = [c.value for c in workbook["分项说明"]["A"] if c.value]
    assert all(p in details for p in content.overview_paragraphs) and all(p in details for p in content.problems)
