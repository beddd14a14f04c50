"""Entry basis (填报口径): 1—N月累计 typed on the grid or in the template becomes the month's figure."""

import datetime as dt
from decimal import Decimal
from io import BytesIO

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from plans.models import Plan, Profile
from targets.basis import cumulative_through, month_from_cumulative
from targets.engine import progress_report
from targets.excel import COL_ID, COL_REMARK, COL_VALUE, FIRST_DATA_ROW, HEADER_ROW
from targets.models import MonthlyFigure
from tests.conftest import add_figures, make_small_plan, make_user

YEAR = 2024
TODAY = dt.date(YEAR, 4, 7)  # March open, due 10 April

D = Decimal


@pytest.mark.parametrize(
    ("cumulative", "kind", "before", "first", "expected"),
    [
        (D(330), "flow", [D(100), D(120)], False, (D(110), False, False)),
        (D(330), "flow", [], False, (D(330), True, False)),  # first report in March: 含前期累计
        (D(330), "flow", [None, None], False, (D(330), True, False)),
        (D(330), "flow", [], True, (D(330), False, False)),  # the plan's first month: nothing is missing
        (D(200), "flow", [D(100), D(120)], False, (D(-20), False, True)),  # 核减
        (D(220), "count", [D(100), D(120)], False, (D(0), False, False)),
        (D(5000), "stock", [D(4000), D(4500)], False, (D(5000), False, False)),  # month-end value
        (D("25.5"), "ratio", [D(20)], False, (D("25.5"), False, False)),
        (None, "flow", [D(100)], False, (None, False, False)),
    ],
)
def test_month_from_cumulative(cumulative, kind, before, first, expected):
    figure = month_from_cumulative(cumulative, kind=kind, before=before, first_month=first)
    assert (figure.value, figure.includes_prior, figure.is_correction) == expected


def test_cumulative_through_inverts_the_conversion():
    before = [D(100), None, D(120)]
    for typed in (D(0), D(220), D(330), D(150)):
        month = month_from_cumulative(typed, kind="flow", before=before, first_month=False).value
        assert cumulative_through(month, kind="flow", before=before) == typed
    assert cumulative_through(D(7), kind="stock", before=before) == D(7)


@pytest.fixture
def plan_setup(db):
    plan, province, cities, (flow, stock) = make_small_plan(
        year=YEAR,
        targets=[
            {"name": "急需紧缺工种培训", "value": D(12000), "unit": "人次", "kind": "flow", "period": "year"},
            {"name": "技能人才总量", "value": D(9000), "unit": "人", "kind": "stock", "period": "year"},
        ],
    )
    plan.entry_basis = Plan.EntryBasis.CUMULATIVE
    plan.save(update_fields=["entry_basis"])
    city = cities[0]
    flow_a = add_figures(flow, city, YEAR, D(12000), {1: D(100), 2: D(120)})
    stock_a = add_figures(stock, city, YEAR, D(9000), {1: D(8000), 2: D(8100)})
    fresh = add_figures(flow, cities[1], YEAR, D(12000), {})
    reporter = make_user("rep1", Profile.Role.REPORTER, city.code)
    reporter2 = make_user("rep2", Profile.Role.REPORTER, cities[1].code)
    return {
        "plan": plan,
        "cities": cities,
        "flow": flow_a,
        "stock": stock_a,
        "fresh": fresh,
        "reporter": reporter,
        "reporter2": reporter2,
        "target": flow,
    }


@pytest.fixture
def on_day():
    with time_machine.travel(dt.datetime(YEAR, 4, 7, 10, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False):
        yield


def _grid_url(s, city):
    return reverse("targets:grid", args=[s["plan"].slug, YEAR, 3, city.code])


def _post(client, url, values: dict, remarks: dict | None = None, action="save"):
    html = client.get(url).content.decode()
    version = html.split('name="version" value="')[1].split('"')[0]
    data = {"version": version, "action": action}
    for allocation, value in values.items():
        original = html.split(f'name="orig_value_{allocation.id}" value="')
        data[f"value_{allocation.id}"] = value
        data[f"orig_value_{allocation.id}"] = original[1].split('"')[0] if len(original) > 1 else ""
        data[f"remark_{allocation.id}"] = (remarks or {}).get(allocation, "")
        data[f"orig_remark_{allocation.id}"] = ""
    return client.post(url, data, follow=True)


def _march(allocation) -> MonthlyFigure:
    return MonthlyFigure.objects.get(allocation=allocation, month=3)


def _engine_cumulative(s, city):
    report = progress_report(s["plan"], YEAR, 3)
    return report.cell(s["target"].id, city.id).progress.cumulative


def test_grid_takes_a_cumulative_and_stores_the_month(plan_setup, client_for, on_day):
    s = plan_setup
    client = client_for(s["reporter"])
    url = _grid_url(s, s["cities"][0])
    html = client.get(url).content.decode()
    assert "1—3月累计" in html and "存量、比例填月末数" in html
    response = _post(client, url, {s["flow"]: "330", s["stock"]: "8300"})
    assert "已保存草稿" in response.content.decode()
    assert _march(s["flow"]).value == D(110) and not _march(s["flow"]).includes_prior
    assert _march(s["stock"]).value == D(8300)  # a month-end value either way
    assert _engine_cumulative(s, s["cities"][0]) == D(330)
    shown = client.get(url).content.decode()
    assert f'name="value_{s["flow"].id}" value="330"' in shown  # shown back as the cumulative


def test_first_report_in_march_is_stored_as_a_cumulative_marked_as_including_earlier_months(
    plan_setup, client_for, on_day
):
    s = plan_setup
    client = client_for(s["reporter2"])
    url = _grid_url(s, s["cities"][1])
    _post(client, url, {s["fresh"]: "330"})
    figure = _march(s["fresh"])
    assert (figure.value, figure.includes_prior) == (D(330), True)
    assert not MonthlyFigure.objects.filter(allocation=s["fresh"], month__lt=3).exists()  # nothing invented
    assert _engine_cumulative(s, s["cities"][1]) == D(330)
    assert "含前期累计" in client.get(url).content.decode()


def test_a_lower_cumulative_needs_a_remark_and_is_shown_as_a_correction(plan_setup, client_for, on_day):
    s = plan_setup
    client = client_for(s["reporter"])
    url = _grid_url(s, s["cities"][0])
    refused = _post(client, url, {s["flow"]: "200"}).content.decode()
    assert "属于核减，请在备注中说明原因" in refused
    assert not MonthlyFigure.objects.filter(allocation=s["flow"], month=3).exists()
    _post(client, url, {s["flow"]: "200"}, {s["flow"]: "2月重复统计20人次，已剔除"})
    figure = _march(s["flow"])
    assert (figure.value, figure.is_correction) == (D(-20), True)
    assert _engine_cumulative(s, s["cities"][0]) == D(200)
    assert "核减" in client.get(url).content.decode()


def test_template_in_cumulative_basis_round_trips_through_the_engine(plan_setup, client_for, on_day):
    s = plan_setup
    client = client_for(s["reporter"])
    _post(client, _grid_url(s, s["cities"][0]), {s["flow"]: "300"})  # March = 80
    url = reverse("targets:template", args=[s["plan"].slug, YEAR, 3]) + f"?region={s['cities'][0].code}"
    workbook = load_workbook(BytesIO(client.get(url).content))
    sheet = workbook["填报"]
    assert sheet.cell(HEADER_ROW, COL_VALUE).value == "1—3月累计"
    rows = {sheet.cell(r, COL_ID).value: r for r in range(FIRST_DATA_ROW, sheet.max_row + 1)}
    assert (
        sheet.cell(rows[s["flow"].id], COL_VALUE).value == D(300)
        or sheet.cell(rows[s["flow"].id], COL_VALUE).value == 300
    )
    sheet.cell(rows[s["flow"].id], COL_VALUE).value = 350
    sheet.cell(rows[s["stock"].id], COL_VALUE).value = 8400
    sheet.cell(rows[s["stock"].id], COL_REMARK).value = ""
    buffer = BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "filled.xlsx"
    upload = reverse("targets:upload", args=[s["plan"].slug, YEAR, 3])
    response = client.post(upload, {"file": buffer, "next": _grid_url(s, s["cities"][0])}, follow=True)
    assert "上传成功" in response.content.decode()
    assert _march(s["flow"]).value == D(130)
    assert _march(s["stock"]).value == D(8400)
    assert _engine_cumulative(s, s["cities"][0]) == D(350)


def test_monthly_basis_is_unchanged(plan_setup, client_for, on_day):
    s = plan_setup
    s["plan"].entry_basis = Plan.EntryBasis.MONTH
    s["plan"].save(update_fields=["entry_basis"])
    client = client_for(s["reporter"])
    url = _grid_url(s, s["cities"][0])
    assert "1—3月累计" not in client.get(url).content.decode()
    _post(client, url, {s["flow"]: "110"})
    assert _march(s["flow"]).value == D(110)
    assert _engine_cumulative(s, s["cities"][0]) == D(330)


def test_trend_says_which_months_include_earlier_months_or_are_corrections(plan_setup, client_for, on_day):
    s = plan_setup
    _post(client_for(s["reporter2"]), _grid_url(s, s["cities"][1]), {s["fresh"]: "330"})
    _post(client_for(s["reporter"]), _grid_url(s, s["cities"][0]), {s["flow"]: "200"}, {s["flow"]: "重复统计"})
    admin = make_user("adm", Profile.Role.ADMIN, s["plan"].region.code)
    url = reverse("reports:trend") + f"?plan={s['plan'].slug}&year={YEAR}&month=3&target={s['target'].id}"
    html = client_for(admin).get(url).content.decode()
    assert "3月测试1市：核减-20" in html and "3月测试2市：首次报送，含1—2月累计" in html
