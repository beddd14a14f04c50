"""The sections of a circular's body, as data: one ordered list of (title, builder).

Word (`word.py`), HTML/PDF (`pdf.py`) and Excel (`excel.py`) all print `CircularContent.sections` in this order,
numbered 一、二、…; adding, dropping or reordering a section is one change to `SECTIONS`. The body stays short
(a province month fits on five pages): an overview with the headline figures and one summary table, a 红黄榜 of
the best and worst few regions, 存在问题 as a few sentences that group regions, 下一步工作. Everything region by
region is in the Excel annex.

Builders are pure: they read the `Facts` that `circular_content` gathered from the engine.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from plans.models import Plan, Region
from targets.engine import SHORTFALL_LABEL, Status
from targets.formatting import format_number, format_percent

BOARD_SIZE = 5  # regions on each of the 红榜 and 黄榜
NAMED = 3  # regions or targets named in a sentence before “等N个”
ANNEX_NOTE = "各指标分地区完成情况、滞后名单和填报情况详见附件（Excel）。"
AHEAD = {Status.DONE, Status.ON_TRACK}
BEHIND = {Status.LAGGING, Status.SEVERE}
COUNTED = AHEAD | BEHIND


@dataclass(frozen=True)
class Table:
    """A table of the body: headers, rows of printed texts, each row's status (its last cell is shaded)."""

    caption: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    statuses: tuple[str | None, ...]  # Status values, or None for no shade
    widths_cm: tuple[float, ...]


@dataclass(frozen=True)
class Section:
    """One numbered part of the body (一、总体情况 …): paragraphs, then tables, then closing paragraphs."""

    title: str
    paragraphs: tuple[str, ...] = ()
    tables: tuple[Table, ...] = ()
    closing: tuple[str, ...] = ()


@dataclass(frozen=True)
class Facts:
    """What the builders read: the engine's report for the scope and what circular_content made of it."""

    plan: Plan
    region: Region
    report: object  # targets.queries.ProgressReport
    summaries: list  # circular_content.TargetSummary, counted targets first
    reporting: object  # targets.queries.Completeness within the scope
    projected: dict
    scope_name: str = ""
    follow_up: tuple[str, ...] = ()
    next_steps: str = ""
    headline_codes: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class RegionScore:
    """How one region stands over all targets it has a task for."""

    name: str
    ahead: int
    lagging: int
    severe: int
    overdue: int
    unreported: int
    gap: Decimal  # the sum of its 序时差 (negative: behind)

    @property
    def counted(self) -> int:
        return self.ahead + self.lagging + self.severe

    @property
    def wrong(self) -> int:
        return 2 * self.overdue + self.severe + self.lagging + self.unreported

    @property
    def share_ahead(self) -> Decimal:
        return Decimal(self.ahead * 100) / self.counted if self.counted else Decimal(0)


# --- the sections --------------------------------------------------------------------------------------------


def overview(f: Facts) -> Section:
    """The headline figures in one paragraph and one table: every counted target's 完成率, 序时进度, 状态."""
    headline = [s for s in f.summaries if s.code in f.headline_codes] or f.summaries[:3]
    figures = [_headline_figure(s) for s in headline[:4] if _headline_figure(s)]
    text = _overview_head(f)
    if figures:
        text += "其中，" + "；".join(figures) + "。"
    table = summary_table(f.summaries)
    return Section("总体情况", (text,), (table,) if table.rows else (), (ANNEX_NOTE,))


def summary_table(summaries: list) -> Table:
    """One row per target: 完成率, 序时进度, 状态 (the region-by-region tables are in the annex)."""
    rows = tuple(
        (str(i), s.name, format_percent(s.completion_rate), format_percent(s.schedule_rate), s.status_label)
        for i, s in enumerate(summaries, 1)
    )
    return Table(
        caption="主要指标完成情况",
        headers=("序号", "指标", "完成率", "序时进度", "状态"),
        rows=rows,
        statuses=tuple(s.status_code for s in summaries),
        widths_cm=(1.2, 7.6, 2.0, 2.2, 2.6),
    )


def boards(f: Facts) -> Section:
    """红黄榜: the regions furthest ahead (红榜) and those with most wrong (黄榜), a few each, “等N个地区”."""
    scores = region_scores(f.report)
    if len(scores) < 2:
        return Section("红黄榜", ("本范围只有一个地区，不排红黄榜。",))
    best = sorted((s for s in scores if s.counted), key=lambda s: (-s.share_ahead, -s.gap, s.name))[:BOARD_SIZE]
    worst_all = worst_regions(scores)
    worst = worst_all[:BOARD_SIZE]
    headers = ("名次", "地区", "达到序时", "滞后", "严重滞后", "逾期", "未报送")
    widths = (1.2, 3.6, 2.2, 2.0, 2.2, 2.0, 2.4)
    tables = [
        Table(
            "红榜（进度靠前）",
            headers,
            tuple(_score_row(i, s) for i, s in enumerate(best, 1)),
            (None,) * len(best),
            widths,
        )
    ]
    texts = ["红榜：" + "、".join(s.name for s in best) + "，达到序时进度的指标占比居前。"] if best else []
    if worst:
        tables.append(
            Table(
                "黄榜（问题较多）",
                headers,
                tuple(_score_row(i, s) for i, s in enumerate(worst, 1)),
                (None,) * len(worst),
                widths,
            )
        )
        more = f"等{len(worst_all)}个地区" if len(worst_all) > len(worst) else ""
        texts.append("黄榜：" + "、".join(s.name for s in worst) + more + "，滞后、逾期或未报送的指标较多。")
    else:
        texts.append("本月没有滞后、逾期或未报送的地区。")
    return Section("红黄榜", tuple(texts), tuple(tables))


def problems(f: Facts) -> Section:
    """A few sentences that group regions and targets, not one line per target."""
    scores = region_scores(f.report)
    unit = _region_unit(f.report)
    sentences = []
    severe = sorted((s for s in scores if s.severe >= 2), key=lambda s: (-s.severe, s.gap))
    if severe:
        sentences.append(f"{_names([s.name for s in severe], unit)}严重滞后指标较多（各有2项以上）。")
    lagging_targets = _targets_behind_in_most(f.report)
    if lagging_targets:
        sentences.append(f"{_names(lagging_targets, '项指标', quote=True)}半数以上地区低于序时进度。")
    overdue = [s.name for s in scores if s.overdue]
    if overdue:
        sentences.append(f"{_names(overdue, unit)}有工作任务逾期未完成。")
    missing = [r.region.name for r in f.reporting.missing]
    if missing:
        sentences.append(f"{_names(missing, unit)}未按时报送本月数据。")
    at_risk = _at_risk(f)
    if at_risk:
        sentences.append(f"{SHORTFALL_LABEL}：{_names(at_risk, '项指标', quote=True)}。")
    sentences += list(f.follow_up)
    if not sentences:
        sentences = ["本月各项指标均达到序时进度，各地均按时报送数据。"]
    numbered = [f"{i}.{t}" for i, t in enumerate(sentences, 1)] if len(sentences) > 1 else sentences
    return Section("存在问题", tuple(numbered))


def next_steps(f: Facts) -> Section:
    return Section("下一步工作", tuple(line.strip() for line in f.next_steps.splitlines() if line.strip()))


SECTIONS: tuple[tuple[str, Callable[[Facts], Section]], ...] = (
    ("总体情况", overview),
    ("红黄榜", boards),
    ("存在问题", problems),
    ("下一步工作", next_steps),
)


def build_sections(facts: Facts) -> tuple[Section, ...]:
    return tuple(builder(facts) for _, builder in SECTIONS)


# --- helpers -------------------------------------------------------------------------------------------------


def region_scores(report) -> list[RegionScore]:
    """Each region's counts over the targets it has a task for (one pass over the report's cells)."""
    counts: dict[int, dict] = {
        r.id: {"ahead": 0, "lagging": 0, "severe": 0, "overdue": 0, "unreported": 0, "gap": Decimal(0)}
        for r in report.regions
    }
    for target in report.targets:
        for cell in report.target_cells(target.id):
            entry, p = counts.get(cell.region_id), cell.progress
            if entry is None or not p.status.is_tracked:
                continue
            if p.status in AHEAD:
                entry["ahead"] += 1
            elif p.status == Status.LAGGING:
                entry["lagging"] += 1
            elif p.status == Status.SEVERE:
                entry["severe"] += 1
            elif p.status == Status.MILESTONE_OVERDUE:
                entry["overdue"] += 1
            elif p.status == Status.NOT_REPORTED:
                entry["unreported"] += 1
            if p.schedule_gap is not None and p.status in COUNTED:
                entry["gap"] += p.schedule_gap
    return [RegionScore(r.name, **counts[r.id]) for r in report.regions]


def worst_regions(scores: list[RegionScore]) -> list[RegionScore]:
    """Regions with anything wrong, the worst first: overdue weighs double, then severe, then depth."""
    wrong = [s for s in scores if s.wrong]
    return sorted(wrong, key=lambda s: (-s.wrong, -s.severe, s.gap, s.name))


def _score_row(rank: int, s: RegionScore) -> tuple[str, ...]:
    return (str(rank), s.name, str(s.ahead), str(s.lagging), str(s.severe), str(s.overdue), str(s.unreported))


def _overview_head(f: Facts) -> str:
    """“全省纳入本月通报的25项指标中，达到序时进度10项（占40.0%），未达到15项，其中严重滞后6项；已完成3项。”"""
    counted = [s for s in f.summaries if s.status_code in {c.value for c in COUNTED}]
    n = len(counted)
    ahead = sum(1 for s in counted if s.status_code in {c.value for c in AHEAD})
    severe = sum(1 for s in counted if s.status_code == Status.SEVERE.value)
    done = sum(1 for s in counted if s.status_code == Status.DONE.value)
    share = format_percent(Decimal(ahead * 100) / n if n else None)
    text = f"{f.scope_name}纳入本月通报的{n}项指标中，达到序时进度{ahead}项（占{share}），未达到{n - ahead}项"
    text += f"，其中严重滞后{severe}项" if severe else ""
    text += f"；已完成目标{done}项。" if done else "。"
    return text


def _headline_figure(s) -> str:
    if s.cumulative is None or s.completion_rate is None:
        return ""
    amount = f"{format_number(s.cumulative, s.unit)}{s.unit}"
    target = s.total.target
    if target.is_quarterly:  # a per-quarter target is measured by the quarter, never by the year
        return f"本季度{s.name}{amount}，完成{target.completion_phrase}的{format_percent(s.completion_rate)}"
    return f"{s.name}{amount}，完成{format_percent(s.completion_rate)}"


def _region_unit(report) -> str:
    levels = {r.level for r in report.regions}
    return {"city": "市", "county": "县（区）"}.get(levels.pop(), "个地区") if len(levels) == 1 else "个地区"


def _names(names: list[str], unit: str, *, quote: bool = False) -> str:
    """“阜新、铁岭等5市” (the first few and how many), or all of them when few."""
    shown = [f"“{n}”" for n in names[:NAMED]] if quote else names[:NAMED]
    text = ("" if quote else "、").join(shown)
    if len(names) > NAMED:
        return f"{text}等{len(names)}{unit}"
    return text


def _targets_behind_in_most(report) -> list[str]:
    names = []
    for target in report.targets:
        cells = [c for c in report.target_cells(target.id) if c.progress.status.is_tracked]
        behind = [c for c in cells if c.progress.status in BEHIND]
        if cells and len(behind) * 2 > len(cells):
            names.append(target.name)
    return names


def _at_risk(f: Facts) -> list[str]:
    """Targets the scope will still miss at the current pace (not those already done)."""
    names = []
    for s in f.summaries:
        p = f.projected.get((s.total.target.id, None))
        if p is not None and p.shortfall and s.status_code != Status.DONE.value:
            names.append(s.name)
    return names
