"""A figure as typed: every value a user can type comes back as typed on every page, file and API answer.

Routes: the grid form, the Excel template upload, the grid on the 1—N月累计 basis (a cumulative equal to last
month's is 本月 0). Kinds: a whole flow, a divisible flow (decimals allowed), a per-quarter count, a stock and a
ratio. Values: 0, 0.00, "0", 0.01 where decimals are allowed, the column's maximum. `Decimal(0) == False` once
threw a typed 0 away; these tests hold every route to the rule that a typed 0 is a figure.
"""

import csv
import datetime as dt
import io
import re
from decimal import Decimal
from io import BytesIO

import pytest
import time_machine
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from plans.models import ApiToken, Plan, Profile
from plans.reading import counts_whole
from targets.basis import cumulative_through, month_from_cumulative
from targets.engine import Status, progress_report
from targets.excel import COL_ID, COL_REMARK, COL_VALUE, FIRST_DATA_ROW, MAX_VALUE, parse_figure_value
from targets.models import AuditEntry, MonthlyFigure
from tests.conftest import add_figures, make_small_plan, make_user

D = Decimal
YEAR, MONTH = 2024, 3  # March open until 10 April
KINDS = {
    # kind key: Target fields
    "flow_whole": {"name": "急需紧缺工种培训", "value": D(12000), "unit": "人次", "kind": "flow", "period": "year"},
    "flow_decimal": {"name": "培训补贴资金", "value": D(500), "unit": "万元", "kind": "flow", "period": "year"},
    "count": {"name": "发布职业技能等级", "value": D(50), "unit": "个", "kind": "count", "period": "quarter"},
    "stock": {"name": "技能人才总量", "value": D(9000), "unit": "人", "kind": "stock", "period": "year"},
    "ratio": {"name": "高技能人才占比", "value": D(25), "unit": "%", "kind": "ratio", "period": "year"},
}
PRIOR = {1: D(100), 2: D(20)}  # what the cumulative route's region reported before March


def typed_values(kind: str) -> list[str]:
    """What a user types: the zeros in every spelling, the smallest step the kind takes, the column's maximum."""
    spec = KINDS[kind]
    whole = counts_whole(spec["kind"], spec["unit"])
    top = (
        D(100)
        if spec["kind"] == "ratio"
        else (MAX_VALUE.to_integral_value(rounding="ROUND_FLOOR") if whole else MAX_VALUE)
    )
    return ["0", "0.00", chr(0xFF10), *([] if whole else ["0.01"]), "1" if whole else "1.5", f"{top:f}"]


def _remark_for(typed: str) -> str:
    """The column's maximum overshoots any target: it is kept only with a remark, as any overshoot."""
    return "已核对：填报上限测试" if len(typed) > 6 else ""


CASES = [(kind, typed) for kind in KINDS for typed in typed_values(kind)]


@pytest.fixture
def on_day():
    with time_machine.travel(dt.datetime(YEAR, 4, 7, 10, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False):
        yield


@pytest.fixture
def setup(db):
    plan, province, cities, targets = make_small_plan(year=YEAR, targets=list(KINDS.values()))
    fresh, earlier = cities[0], cities[1]
    allocations = {k: add_figures(t, fresh, YEAR, t.value, {}) for k, t in zip(KINDS, targets, strict=True)}
    prior = {
        k: add_figures(t, earlier, YEAR, t.value, {m: v for m, v in PRIOR.items()})
        for k, t in zip(KINDS, targets, strict=True)
    }
    return {
        "plan": plan,
        "fresh": fresh,
        "earlier": earlier,
        "targets": dict(zip(KINDS, targets, strict=True)),
        "allocations": allocations,
        "prior": prior,
        "reporter": make_user("rep_fresh", Profile.Role.REPORTER, fresh.code),
        "reporter_earlier": make_user("rep_earlier", Profile.Role.REPORTER, earlier.code),
        "admin": make_user("adm", Profile.Role.ADMIN, province.code),
    }


def _grid_url(plan, region):
    return reverse("targets:grid", args=[plan.slug, YEAR, MONTH, region.code])


def _form_fields(html: str) -> dict[str, str]:
    """What a browser posts back of the grid: every input as the page shows it."""
    fields = {}
    for tag in re.findall(r"<input[^>]*>", html):
        name = re.search(r'name="([^"]+)"', tag)
        if name and re.match(r"(orig_)?(value|remark)_\d+$|version$", name.group(1)):
            value = re.search(r' value="([^"]*)"', tag)
            fields[name.group(1)] = value.group(1) if value else ""
    return fields


def _post_grid(client, url, allocation, typed: str, remark: str = ""):
    data = {**_form_fields(client.get(url).content.decode()), "action": "save"}
    data[f"value_{allocation.id}"] = typed
    data[f"remark_{allocation.id}"] = remark
    response = client.post(url, data, follow=True)
    assert "已保存草稿" in response.content.decode(), response.content.decode().split('id="main"')[1][:6000]


def _upload(client, plan, region, allocation, typed: str, remark: str = ""):
    url = reverse("targets:template", args=[plan.slug, YEAR, MONTH]) + f"?region={region.code}"
    workbook = load_workbook(BytesIO(client.get(url).content))
    sheet = workbook["填报"]
    row = next(r for r in range(FIRST_DATA_ROW, sheet.max_row + 1) if sheet.cell(r, COL_ID).value == allocation.id)
    sheet.cell(row, COL_VALUE).value = typed  # typed as text, as Excel keeps a cell formatted as text
    sheet.cell(row, COL_REMARK).value = remark or None
    buffer = BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "filled.xlsx"
    response = client.post(
        reverse("targets:upload", args=[plan.slug, YEAR, MONTH]),
        {"file": buffer, "next": _grid_url(plan, region)},
        follow=True,
    )
    assert "上传成功" in response.content.decode(), response.content.decode()[:3000]


def _expected_month(kind: str, typed: str, cumulative: bool) -> D:
    number = parse_figure_value(typed, unit=KINDS[kind]["unit"], kind=KINDS[kind]["kind"])
    if not cumulative or KINDS[kind]["kind"] in ("stock", "ratio"):
        return number
    return number - sum(PRIOR.values())


def _api(client, user, path, **params):
    _, key = ApiToken.issue(user, "测试")
    return client.get(f"/api{path}", params, headers={"Authorization": f"Bearer {key}"}).json()


def _shows_everywhere(client, s, kind: str, region, allocation, month_value: D, typed_back: str):
    """The stored figure, the grid, the template, the engine, the API and the exported table all agree."""
    figure = MonthlyFigure.objects.get(allocation=allocation, month=MONTH)
    assert figure.value == month_value
    assert AuditEntry.objects.filter(allocation=allocation, month=MONTH, field="value").exists()
    grid = client.get(_grid_url(s["plan"], region)).content.decode()
    assert f'name="value_{allocation.id}" value="{typed_back}"' in grid
    template = load_workbook(
        BytesIO(
            client.get(
                reverse("targets:template", args=[s["plan"].slug, YEAR, MONTH]) + f"?region={region.code}"
            ).content
        )
    )["填报"]
    cell = next(
        template.cell(r, COL_VALUE).value
        for r in range(FIRST_DATA_ROW, template.max_row + 1)
        if template.cell(r, COL_ID).value == allocation.id
    )
    assert cell is not None and D(str(cell)) == D(typed_back)
    target = s["targets"][kind]
    progress = progress_report(s["plan"], YEAR, MONTH).cell(target.id, region.id).progress
    assert progress.reported and progress.status != Status.NOT_REPORTED
    assert progress.this_month == month_value
    answer = _api(client, s["admin"], f"/plans/{s['plan'].slug}/progress", year=YEAR, month=MONTH)
    row = next(
        r for t in answer["targets"] if t["id"] == target.id for r in t["regions"] if r["region"]["code"] == region.code
    )
    assert row["this_month"] == f"{month_value.quantize(D('0.01')):f}"
    assert row["reported"] is True and row["status"] != Status.NOT_REPORTED.value
    figures = _api(client, s["admin"], f"/plans/{s['plan'].slug}/figures", year=YEAR, month=MONTH)
    items = figures["items"] if isinstance(figures, dict) else figures
    assert any(
        f["value"] == f"{month_value.quantize(D('0.01')):f}" and f["region"]["code"] == region.code
        for f in items
        if f["target_id"] == target.id
    )
    return progress


@pytest.mark.parametrize(("kind", "typed"), CASES)
def test_a_value_typed_on_the_grid_is_shown_as_typed_everywhere(setup, client_for, on_day, kind, typed):
    s = setup
    allocation = s["allocations"][kind]
    client = client_for(s["reporter"])
    _post_grid(client, _grid_url(s["plan"], s["fresh"]), allocation, typed, _remark_for(typed))
    expected = _expected_month(kind, typed, cumulative=False)
    client.force_login(s["admin"])
    _shows_everywhere(client, s, kind, s["fresh"], allocation, expected, f"{expected.normalize():f}")


@pytest.mark.parametrize(("kind", "typed"), CASES)
def test_a_value_typed_in_the_template_is_shown_as_typed_everywhere(setup, client_for, on_day, kind, typed):
    s = setup
    allocation = s["allocations"][kind]
    _upload(client_for(s["reporter"]), s["plan"], s["fresh"], allocation, typed, _remark_for(typed))
    expected = _expected_month(kind, typed, cumulative=False)
    client = client_for(s["admin"])
    _shows_everywhere(client, s, kind, s["fresh"], allocation, expected, f"{expected.normalize():f}")


@pytest.mark.parametrize("kind", list(KINDS))
def test_a_cumulative_equal_to_last_months_is_a_month_of_zero(setup, client_for, on_day, kind):
    s = setup
    s["plan"].entry_basis = Plan.EntryBasis.CUMULATIVE
    s["plan"].save(update_fields=["entry_basis"])
    allocation = s["prior"][kind]
    carried = KINDS[kind]["kind"] in ("stock", "ratio")
    typed = f"{(PRIOR[2] if carried else sum(PRIOR.values())):f}"  # 1—3月累计 = 1—2月累计 (or the same month-end)
    _post_grid(client_for(s["reporter_earlier"]), _grid_url(s["plan"], s["earlier"]), allocation, typed)
    expected = D(20) if carried else D(0)
    client = client_for(s["admin"])
    progress = _shows_everywhere(client, s, kind, s["earlier"], allocation, expected, typed)
    assert progress.cumulative == D(typed)


def test_changing_a_figure_to_zero_and_back_is_audited_both_ways(setup, client_for, on_day):
    s = setup
    allocation = s["allocations"]["flow_whole"]
    client = client_for(s["reporter"])
    url = _grid_url(s["plan"], s["fresh"])
    for typed in ("5", "0", "5"):
        _post_grid(client, url, allocation, typed)
    trail = list(
        AuditEntry.objects.filter(allocation=allocation, month=MONTH, field="value")
        .order_by("at", "pk")
        .values_list("old_value", "new_value")
    )
    assert trail == [("", "5"), ("5", "0"), ("0", "5")]


def test_a_county_month_with_zeros_reads_zero_percent_and_the_rules_status_in_every_answer(setup, client_for, on_day):
    """Replay of a county table: some figures are 0. Each shows 0.0% and its status, never 未报."""
    s = setup
    client = client_for(s["reporter"])
    url = _grid_url(s["plan"], s["fresh"])
    for kind in ("flow_whole", "count", "stock"):
        _post_grid(client, url, s["allocations"][kind], "0")
    _post_grid(client, url, s["allocations"]["flow_decimal"], "12.5")
    report = progress_report(s["plan"], YEAR, MONTH)
    admin = client_for(s["admin"])
    answer = _api(admin, s["admin"], f"/plans/{s['plan'].slug}/progress", year=YEAR, month=MONTH)
    query = f"?plan={s['plan'].slug}&year={YEAR}&month={MONTH}&region={s['fresh'].code}"
    exported = admin.get(reverse("reports:table_export", args=["overview", "csv"]) + query).content.decode("utf-8-sig")
    csv_rows = list(csv.reader(io.StringIO(exported)))
    overview = admin.get(reverse("reports:overview") + query).content.decode()
    for kind in ("flow_whole", "count", "stock"):
        target = s["targets"][kind]
        progress = report.cell(target.id, s["fresh"].id).progress
        assert progress.completion_rate == 0 and progress.status not in (Status.NOT_REPORTED, Status.NOT_TRACKED)
        row = next(
            r
            for t in answer["targets"]
            if t["id"] == target.id
            for r in t["regions"]
            if r["region"]["code"] == s["fresh"].code
        )
        assert (row["completion_rate"], row["status"]) == ("0.00", progress.status.value)
        line = dict(zip(csv_rows[0], next(r for r in csv_rows if target.name in r), strict=True))
        assert D(line["完成率(%)"]) == 0 and line["状态"] == progress.status.label, line
        assert target.name in overview
    grid = client.get(url).content.decode()
    assert grid.count("0.0%") >= 3
    assert "0.0%" in overview
    sheet = load_workbook(
        BytesIO(admin.get(reverse("reports:table_export", args=["overview", "xlsx"]) + query).content)
    ).active
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    header = next(r for r in rows if "完成率(%)" in r)
    for kind in ("flow_whole", "count", "stock"):
        line = dict(zip(header, next(r for r in rows if s["targets"][kind].name in r), strict=True))
        status = report.cell(s["targets"][kind].id, s["fresh"].id).progress.status
        assert D(str(line["完成率(%)"])) == 0 and line["状态"] == status.label, line


@given(st.integers(min_value=0, max_value=10**12 - 1), st.sampled_from(["plain", "cents", "grouped", "wide"]))
def test_any_whole_figure_typed_in_any_spelling_parses_back_to_itself(number, spelling):
    text = {
        "plain": str(number),
        "cents": f"{number}.00",
        "grouped": f"{number:,}",
        "wide": str(number).translate(str.maketrans("0123456789", "".join(chr(0xFF10 + d) for d in range(10)))),
    }[spelling]
    parsed = parse_figure_value(text, unit="人次", kind="flow")
    assert parsed == number and parsed is not None
    assert f"{parsed.normalize():f}" == str(number) or number == 0


@given(
    st.lists(st.one_of(st.none(), st.integers(0, 10**6).map(D)), max_size=11),
    st.integers(0, 10**6).map(D),
)
def test_a_cumulative_round_trips_through_the_month_it_makes_zero_included(before, month_value):
    """cumulative_through(month_from_cumulative(c)) == c, and a cumulative equal to the last one is 本月 0."""
    cumulative = cumulative_through(month_value, kind="flow", before=before)
    back = month_from_cumulative(cumulative, kind="flow", before=before, first_month=False)
    if any(v is not None for v in before):
        assert back.value == month_value
    same = cumulative_through(D(0), kind="flow", before=before)
    assert month_from_cumulative(same, kind="flow", before=before, first_month=False).value == D(0)
