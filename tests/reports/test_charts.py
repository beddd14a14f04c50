"""The dashboard figure builders: the engine's rows (and plain month points) in, Plotly figure dicts out."""

import json
from decimal import Decimal

import pytest

from reports import charts
from targets.engine import Progress, ProgressRow, Status, TargetRow


def row(
    code="1-1", status=Status.ON_TRACK, rate="80", schedule="75", gap="5", region_id=1, name=None, **extra
) -> ProgressRow:
    """The engine's row, as the pages hand it to the builders."""
    target = TargetRow(
        id=int(code.replace("-", "")),
        code=code,
        key_task_number=int(code.split("-")[0]),
        key_task_title="",
        number=int(code.split("-")[1]),
        name=name or f"指标{code}",
        unit="人次",
        kind="flow",
        kind_label="年度累计",
        period=None,
        qualifier="exact",
        display_value="5万人次",
        higher_is_better=True,
        due_month=None,
        lead_department="",
        is_reported=True,
        value=Decimal(50000),
        yearly_value=Decimal(50000),
    )
    progress = Progress(
        target=Decimal(50000),
        this_month=Decimal(4000),
        cumulative=Decimal(40000),
        completion_rate=None if rate is None else Decimal(rate),
        schedule_rate=None if schedule is None else Decimal(schedule),
        schedule_gap=None if gap is None else Decimal(gap),
        status=Status(status),
        reported=rate is not None,
        schedule_target=Decimal(37500),
    )
    rank_change = extra.pop("rank_change", 2)
    values = {"region_id": region_id, "region_name": f"地区{region_id}", "rank": 1, **extra}
    rank = values.pop("rank")
    previous = None if rank is None or rank_change is None else rank + rank_change
    return ProgressRow(target=target, progress=progress, rank=rank, previous_rank=previous, **values)


ROWS = [
    row("1-1", Status.DONE, "104", "75", "29"),
    row("1-2", Status.ON_TRACK, "80", "75", "5"),
    row("2-1", Status.LAGGING, "70", "75", "-5"),
    row("2-2", Status.SEVERE, "40", "75", "-35"),
    row("3-1", Status.NOT_REPORTED, None, "75", None),
]


def test_progress_bars_have_one_bar_trace_per_status_coloured_by_status():
    figure = charts.progress_bars(ROWS)
    bars = [t for t in figure["data"] if t["type"] == "bar"]
    assert {t["name"] for t in bars} == {"已完成", "正常", "滞后", "严重滞后", "未报"}
    colours = {t["name"]: t["marker"]["color"] for t in bars}
    assert colours["已完成"] == "#198754"
    assert colours["滞后"] == "#ffc107"
    assert colours["严重滞后"] == "#dc3545"


def test_progress_bars_write_the_status_on_each_bar_for_black_and_white_print():
    figure = charts.progress_bars(ROWS)
    texts = [text for t in figure["data"] if t["type"] == "bar" for text in t["text"]]
    assert "70.0% 滞后" in texts
    assert "40.0% 严重滞后" in texts
    assert "未报" in texts
    patterns = {t["name"]: t["marker"]["pattern"]["shape"] for t in figure["data"] if t["type"] == "bar"}
    assert patterns["严重滞后"] and patterns["滞后"] and patterns["严重滞后"] != patterns["滞后"]


def test_progress_bars_mark_the_schedule_of_every_target():
    figure = charts.progress_bars(ROWS)
    schedule = [t for t in figure["data"] if t["name"] == "序时进度"]
    assert len(schedule) == 1
    assert schedule[0]["type"] == "scatter"
    assert schedule[0]["x"] == [75.0] * 5
    assert figure["layout"]["yaxis"]["categoryarray"][-1].startswith("1-1")  # document order, top down


def test_progress_bars_axis_stops_at_a_cap_when_one_target_is_far_ahead():
    figure = charts.progress_bars([row(rate="600", status=Status.DONE)])
    assert figure["layout"]["xaxis"]["range"] == [0, charts.AXIS_CAP]


def test_figures_are_plain_json_with_floats():
    figure = charts.progress_bars(ROWS)
    text = json.dumps(figure)  # Decimals would fail here
    assert "80.0" in text


def test_heatmap_is_diverging_around_zero_with_the_gap_and_status_in_each_cell():
    targets = ROWS[:2]
    regions = [{"id": 1, "name": "沈阳市"}, {"id": 2, "name": "大连市"}]
    cells = {
        (11, 1): row("1-1", Status.LAGGING, "70", "75", "-5", region_id=1),
        (11, 2): row("1-1", Status.ON_TRACK, "90", "75", "15", region_id=2),
        (12, 1): row("1-2", Status.SEVERE, "40", "75", "-35", region_id=1),
    }
    trace = charts.heatmap(targets, regions, cells)["data"][0]
    assert trace["type"] == "heatmap"
    assert trace["zmid"] == 0 and trace["zmin"] == -trace["zmax"]
    assert trace["x"] == ["沈阳市", "大连市"]
    assert trace["z"] == [[-5.0, 15.0], [-35.0, None]]
    assert trace["text"][0] == ["-5.0◆", "+15.0"]
    assert trace["text"][1] == ["-35.0▲", "无任务"]


def test_ranking_has_the_schedule_line_and_hover_with_the_regions_figures():
    rows = [
        row(region_id=1, rate="90", status=Status.ON_TRACK),
        row(region_id=2, rate="60", gap="-35", status=Status.SEVERE, rank=2, rank_change=-1),
        row(region_id=3, rate=None, status=Status.NOT_REPORTED, rank=None),
    ]
    figure = charts.ranking_bars(rows, schedule_rate=Decimal("83.33"), highlight_region_id=2)
    bar, line = figure["data"]
    assert bar["type"] == "bar" and bar["x"] == ["地区1", "地区2"]
    assert bar["marker"]["color"] == ["#0d6efd", "#dc3545"]
    assert bar["marker"]["line"]["width"] == [0.5, 3]
    assert "序时差 -35.0" in bar["hovertext"][1] and "↓1" in bar["hovertext"][1]
    assert line["type"] == "scatter" and line["mode"] == "lines"
    assert line["y"] == [83.33, 83.33]
    assert line["name"] == "序时进度 83.3%"


def test_ranking_without_schedule_has_no_line():
    figure = charts.ranking_bars([row()], schedule_rate=None)
    assert [t["type"] for t in figure["data"]] == ["bar"]


def points(values, target=Decimal(120000)):
    cumulative = Decimal(0)
    out = []
    for m, v in enumerate(values, start=1):
        cumulative += v
        out.append(
            {
                "month": m,
                "this_month": v,
                "cumulative": cumulative,
                "schedule_target": target * m / 12,
                "completion_rate": cumulative * 100 / target,
                "schedule_rate": Decimal(m * 100) / 12,
            }
        )
    return out


def test_trend_has_monthly_bars_cumulative_schedule_and_target_lines_in_wan():
    figure = charts.trend(points([Decimal(10000)] * 3), unit="人次", target_value=Decimal(120000))
    kinds = [(t["type"], t["name"]) for t in figure["data"]]
    assert kinds == [
        ("bar", "本月完成"),
        ("scatter", "累计完成"),
        ("scatter", "序时目标"),
        ("scatter", "目标 12万人次"),
    ]
    bars, cumulative, schedule, target = figure["data"]
    assert bars["y"] == [1.0, 1.0, 1.0]  # drawn in 万
    assert cumulative["y"] == [1.0, 2.0, 3.0]
    assert schedule["y"] == [1.0, 2.0, 3.0]
    assert target["y"] == [12.0] * 3
    assert figure["layout"]["yaxis"]["title"]["text"] == "万人次"
    assert cumulative["hovertext"][2] == "累计完成 3万人次"


def test_trend_keeps_small_numbers_and_magnitude_units_unscaled():
    small = charts.trend(points([Decimal(10)] * 2, Decimal(50)), unit="个", target_value=Decimal(50))
    assert small["layout"]["yaxis"]["title"]["text"] == "个"
    money = charts.trend(points([Decimal(20000)]), unit="万元", target_value=None)
    assert money["layout"]["yaxis"]["title"]["text"] == "万元"
    assert len(money["data"]) == 3


def test_sparkline_is_small_with_rate_and_schedule():
    figure = charts.sparkline(points([Decimal(10000)] * 4))
    assert [t["name"] for t in figure["data"]] == ["序时进度", "完成率"]
    assert figure["layout"]["height"] <= 60
    assert figure["layout"]["xaxis"]["visible"] is False


@pytest.mark.parametrize(("change", "text"), [(2, "↑2"), (-3, "↓3"), (0, "持平"), (None, "—")])
def test_rank_change_text(change, text):
    assert charts.rank_change_text(change) == text


def test_state_counts_bars():
    figure = charts.state_counts([("重点任务·逾期", 3, "danger"), ("重点任务·已完成", 2, "success")])
    bar = figure["data"][0]
    assert bar["x"] == [3, 2]
    assert bar["marker"]["color"] == ["#dc3545", "#198754"]
    assert bar["text"] == ["重点任务·逾期 3项", "重点任务·已完成 2项"]


@pytest.mark.django_db
def test_the_served_chart_config_never_offers_to_send_data_to_plotly_cloud(client, cast, demo_plan):
    import re

    client.force_login(cast["admin"])
    page = client.get(f"/reports/ranking/?plan={demo_plan.slug}&year=2022&month=11").content.decode()
    script = re.search(r'<script src="([^"]*charts[^"]*\.js)"', page).group(1)
    response = client.get(script)
    served = (b"".join(response.streaming_content) if response.streaming else response.content).decode()
    assert response.status_code == 200
    for setting in ("showSendToCloud: false", "showEditInChartStudio: false", "showLink: false", '"sendDataToCloud"'):
        assert setting in served
    assert served.count("private_)") == 2  # both the full and the small charts use it


def test_links_in_region_or_target_names_are_shown_as_text_not_markup():
    link = '<a href="https://evil.example/">沈阳</a>'
    ranked = charts.ranking_bars([row(region_name=link, name=link)], schedule_rate=Decimal(50))
    bars = charts.progress_bars([row(name=link)])
    text = json.dumps([ranked, bars], ensure_ascii=False)
    assert "<a " not in text and "&lt;a href" in text
