"""One place for what each kind of target means (targets/engine/kinds.py), read everywhere: a per-quarter target
is labelled by its quarter and cumulated over the quarter on every page, file and entry basis."""

import datetime as dt
from decimal import Decimal
from io import BytesIO

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from plans.models import Plan, Profile
from targets.engine import COUNT, FLOW, KINDS, MILESTONE, QUARTER, RATIO, SPECS, STOCK, spec
from targets.excel import COL_VALUE, FIRST_DATA_ROW, HEADER_ROW
from targets.models import MonthlyFigure
from tests.conftest import add_figures, make_small_plan, make_user

D = Decimal
YEAR = 2024


def test_every_kind_has_one_meaning():
    assert set(SPECS) == set(KINDS)
    assert spec("count", QUARTER) is SPECS[COUNT]
    assert spec("count", "year") is SPECS[FLOW]  # a count not per quarter adds up like a flow
    assert spec("count", QUARTER).target_label == "季度目标" and spec("flow", "year").target_label == "年度目标"
    assert spec("count", QUARTER).unit_label("个") == "个/季度" and spec("stock").unit_label("人") == "人"
    assert [SPECS[k].sums for k in (FLOW, COUNT, STOCK, RATIO, MILESTONE)] == [True, True, False, False, False]
    with pytest.raises(ValueError, match="unknown target kind"):
        spec("weekly")


@pytest.mark.parametrize(
    ("kind", "period", "month", "first", "words"),
    [
        ("flow", "year", 5, 1, "1—5月累计"),
        ("count", QUARTER, 5, 4, "4—5月累计"),
        ("count", QUARTER, 4, 4, "4月累计"),
        ("count", QUARTER, 2, 2, "2月累计"),  # a plan starting in February
        ("stock", "year", 5, 5, "5月累计"),
    ],
)
def test_cumulative_window_by_kind(kind, period, month, first, words):
    start = 2 if month == 2 else 1
    assert spec(kind, period).window_start(month, start) == first
    if spec(kind, period).sums:
        assert spec(kind, period).window_words(month, start) == words


# --- per-quarter targets on the 1—N月累计 entry basis ---------------------------------------------------------


@pytest.fixture
def quarterly_cumulative(db):
    plan, province, cities, (count,) = make_small_plan(
        year=YEAR, targets=[{"name": "发布新职业", "value": D(50), "unit": "个", "kind": "count", "period": QUARTER}]
    )
    plan.entry_basis = Plan.EntryBasis.CUMULATIVE
    plan.save(update_fields=["entry_basis"])
    allocation = add_figures(count, cities[0], YEAR, D(50), {1: D(10), 2: D(10), 3: D(10), 4: D(8)})
    reporter = make_user("qrep", Profile.Role.REPORTER, cities[0].code)
    url = reverse("targets:grid", args=[plan.slug, YEAR, 5, cities[0].code])
    with time_machine.travel(dt.datetime(YEAR, 6, 7, 10, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False):
        yield {"plan": plan, "city": cities[0], "allocation": allocation, "reporter": reporter, "url": url}


def test_quarter_cumulative_typed_for_a_per_quarter_row_is_no_correction(quarterly_cumulative, client_for):
    s = quarterly_cumulative
    client = client_for(s["reporter"])
    html = client.get(s["url"]).content.decode()
    assert "4—5月累计" in html  # the row's own window, beside its quarter-to-date 此前累计 (8)
    version = html.split('name="version" value="')[1].split('"')[0]
    pk = s["allocation"].id
    data = {"version": version, "action": "save", f"value_{pk}": "20", f"orig_value_{pk}": "", f"remark_{pk}": ""}
    page = client.post(s["url"], data | {f"orig_remark_{pk}": ""}, follow=True).content.decode()
    assert "属于核减" not in page
    figure = MonthlyFigure.objects.get(allocation=s["allocation"], month=5)
    assert figure.value == D(12) and not figure.is_correction  # April–May = 20, April = 8
    shown = client.get(s["url"]).content.decode()
    assert f'name="value_{pk}" value="20"' in shown  # shown back as the quarter's cumulative, not 1—5月 (42)


def test_template_on_cumulative_basis_shows_a_per_quarter_rows_quarter_cumulative(quarterly_cumulative, client_for):
    s = quarterly_cumulative
    MonthlyFigure.objects.create(allocation=s["allocation"], month=5, value=D(12))
    client = client_for(s["reporter"])
    url = reverse("targets:template", args=[s["plan"].slug, YEAR, 5]) + f"?region={s['city'].code}"
    sheet = load_workbook(BytesIO(client.get(url).content))["填报"]
    headers = [c.value for c in sheet[HEADER_ROW]]
    row = FIRST_DATA_ROW
    assert sheet.cell(row, COL_VALUE).value == 20  # April + May, beside 此前累计 8
    assert "季度" in str(sheet.cell(row, headers.index("单位") + 1).value)
    assert "年度目标" not in headers


# --- a per-quarter target is labelled by its quarter on every page and file -----------------------------------


@pytest.fixture
def quarterly_headline(demo_plan):
    """Liaoning 1-1 (每季度发布急需紧缺技术工种50个左右) as a headline target."""
    from targets.models import Target

    target = Target.objects.get(key_task__plan=demo_plan, key_task__number=1, number=1)
    Target.objects.filter(pk=target.pk).update(is_headline=True)
    return target


def test_allocation_page_names_a_per_quarter_target_by_its_quarter(client_for, cast, demo_plan, quarterly_headline):
    url = reverse("targets:allocations", args=[demo_plan.slug]) + f"?target={quarterly_headline.pk}&year=2022"
    html = client_for(cast["admin"]).get(url).content.decode()
    assert "每季度目标：50个" in html and "年度目标：50" not in html
    assert "分解目标（个/季度）" in html


def test_leader_card_says_each_quarters_target(client_for, cast, demo_plan, quarterly_headline):
    with time_machine.travel(dt.datetime(2022, 11, 22, 10), tick=False):
        page = client_for(cast["leader"]).get(
            reverse("reports:leader"), {"plan": demo_plan.slug, "year": 2022, "month": 10}
        )
    card = page.content.decode().split('id="red-list"')[0]
    assert "每季度目标 50个" in card and "/ 目标 50" not in card
    assert "本季度累计 " in card  # the quarter's cumulative, not the year's


def test_circular_annex_names_the_quarter_in_the_unit_and_the_ranking_header(demo_plan):
    from reports.circular_content import circular_content
    from reports.excel import build_circular_xlsx

    content = circular_content(demo_plan, 2022, 10, demo_plan.region, today=dt.date(2022, 11, 15))
    book = load_workbook(BytesIO(build_circular_xlsx(content)))
    summary = book["汇总"]
    row = next(r for r in summary.iter_rows(values_only=True) if r[1] and str(r[1]).startswith("1-1 "))
    assert row[2] == "个/季度"
    ranking = next(book[name] for name in book.sheetnames if name.startswith("1-1 "))
    values = [v for r in ranking.iter_rows(max_row=6, values_only=True) for v in r if v]
    assert "季度目标" in values and "年度目标" not in values
    assert any("单位：个/季度" in str(v) for v in values)


def test_circular_names_the_quarter_for_a_per_quarter_target(demo_plan):
    """The body's headline sentence and the annex measure a per-quarter target by the quarter (个/季度)."""
    from docx import Document
    from openpyxl import load_workbook

    from reports.circular_content import circular_content
    from reports.excel import build_circular_xlsx
    from reports.word import build_circular_docx

    content = circular_content(demo_plan, 2022, 10, demo_plan.region, today=dt.date(2022, 11, 15))
    text = "".join(p.text for p in Document(BytesIO(build_circular_docx(content))).paragraphs)
    assert "本季度发布急需紧缺技术工种22个，完成本季度目标的44.0%" in text
    summary = load_workbook(BytesIO(build_circular_xlsx(content)))["汇总"]
    row = next(r for r in summary.iter_rows(values_only=True) if r[1] and str(r[1]).startswith("1-1 "))
    assert row[2] == "个/季度"


def test_whether_a_kind_counts_whole_agrees_with_the_readers_rule():
    """plans.reading.counts_whole (a floor below the engine) decides decimals; the table says the same."""
    from plans.reading import counts_whole
    from targets.engine.kinds import WHOLE_ALWAYS, WHOLE_BY_UNIT, WHOLE_NEVER

    expected = {WHOLE_ALWAYS: (True, True), WHOLE_NEVER: (False, False), WHOLE_BY_UNIT: (True, False)}
    for kind, meaning in SPECS.items():
        assert (counts_whole(kind, "人"), counts_whole(kind, "元")) == expected[meaning.whole], kind


def test_template_upload_of_a_quarters_cumulative_is_no_correction(quarterly_cumulative, client_for):
    s = quarterly_cumulative
    client = client_for(s["reporter"])
    url = reverse("targets:template", args=[s["plan"].slug, YEAR, 5]) + f"?region={s['city'].code}"
    workbook = load_workbook(BytesIO(client.get(url).content))
    workbook["填报"].cell(FIRST_DATA_ROW, COL_VALUE).value = 20  # April–May, as the row's 此前累计 (8) reads
    buffer = BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "filled.xlsx"
    upload = reverse("targets:upload", args=[s["plan"].slug, YEAR, 5])
    page = client.post(upload, {"file": buffer, "next": s["url"]}, follow=True).content.decode()
    assert "上传成功" in page and "属于核减" not in page
    figure = MonthlyFigure.objects.get(allocation=s["allocation"], month=5)
    assert figure.value == D(12) and not figure.is_correction
