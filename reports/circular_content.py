"""What a monthly circular (月度通报) says: read from the progress engine into plain frozen values, which the
builders (word.py, excel.py, pdf.py) turn into files.

Numbers are Decimals. Percentages are percent numbers (Decimal("64.0") means 64.0%), gaps are percentage
points; None means “not applicable” and is written as “—”. No database access here or in the builders.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from plans.models import Plan, Region
from reports import circular_sections
from reports.circular_sections import Section
from reports.queries import demo_in_view, headline_codes
from skills_admin.lib import clock
from targets.engine import (
    COUNT,
    MILESTONE,
    RATIO,
    SHORTFALL_LABEL,
    STOCK,
    Cell,
    ProgressReport,
    ProgressRow,
    Status,
    TargetRow,
    projections,
)
from targets.formatting import format_number, format_percent, months_through, scoped, sentence
from targets.models import ASSESSMENT_UNSTATED
from targets.queries import Completeness, completeness
from targets.report_cache import shared_report

NO_TASK_LABEL = "无任务"


# A line of a target's ranking is the engine's own row: the builders read it as the dashboards do.
RankingRow = ProgressRow


@dataclass(frozen=True)
class TargetSummary:
    """One target (指标) over the whole scope: the engine's row for the whole region, the regions' rows in rank
    order (无任务 last) and the 总体情况 sentence. Reads through to the total row (summary.completion_rate …)."""

    total: ProgressRow
    ranking: list[ProgressRow]
    sentence: str
    note: str = ""  # a footnote: the document states the target more than once

    code = property(lambda self: self.total.code)
    key_task_title = property(lambda self: self.total.key_task)
    name = property(lambda self: self.total.name)
    unit = property(lambda self: self.total.unit)
    kind_label = property(lambda self: self.total.kind_label)
    target_label = property(lambda self: self.total.target_label)
    unit_label = property(lambda self: self.total.unit_label)  # 个/季度 for a per-quarter count
    target_value = property(lambda self: self.total.target_value)
    this_month = property(lambda self: self.total.this_month)
    cumulative = property(lambda self: self.total.cumulative)
    completion_rate = property(lambda self: self.total.completion_rate)
    schedule_rate = property(lambda self: self.total.schedule_rate)
    schedule_gap = property(lambda self: self.total.schedule_gap)
    status_label = property(lambda self: self.total.status_label)
    status_code = property(lambda self: self.total.status_code)


@dataclass(frozen=True)
class CompletenessRow:
    """Whether a region reported this month (填报情况)."""

    region_name: str
    status_label: str
    submitted_at: dt.datetime | None
    on_time: bool | None


@dataclass(frozen=True)
class LaggingRow:
    """A region behind schedule on a target (滞后名单)."""

    region_name: str
    target_name: str
    unit: str
    completion_rate: Decimal | None
    schedule_rate: Decimal | None
    schedule_gap: Decimal | None
    status_label: str


@dataclass(frozen=True)
class CircularContent:
    """Everything one circular says, for one scope (全省 / 全市 / 全区), year and month (1—month)."""

    title: str
    plan_title: str
    document_number: str  # the plan's 文号, cited in the opening
    issuer: str
    issue_date: dt.date
    year: int
    month: int
    scope_name: str
    opening: str
    overview_paragraphs: list[str]
    targets: list[TargetSummary]
    problems: list[str]
    next_steps: str
    completeness: list[CompletenessRow]
    lagging: list[LaggingRow]
    version: int
    is_demo: bool
    sections: tuple[Section, ...] = ()

    @property
    def period_label(self) -> str:
        """“2026年1—6月” (or “2026年1月”)."""
        return f"{self.year}年{months_through(self.month)}"


BEHIND = {Status.LAGGING, Status.SEVERE}
COUNTED = {Status.DONE, Status.ON_TRACK, Status.LAGGING, Status.SEVERE}
DEFAULT_NEXT_STEPS = (
    "各地要对照年度目标和序时进度，认真分析本地区任务指标完成情况，查找差距，倒排工期，压实责任。"
    "对低于序时进度的指标，要制定切实可行的追赶措施，确保按时完成全年目标任务；"
    "未按时报送数据的地区，要严格落实按月报送制度，确保数据真实、准确、及时。"
)


# --- what the circular says, from the engine ------------------------------------------------------------------


def circular_title(plan: Plan, year: int, month: int) -> str:
    period = f"{year}年{months_through(month)}"
    return f"关于{period}“{plan.display_short_title}”任务指标完成情况的通报"


def scope_name(region: Region) -> str:
    return {"province": "全省", "city": "全市", "county": "全区"}.get(region.level, region.name)


def issuer_of(plan: Plan) -> str:
    return plan.issuers.replace("，", "、").split("、")[0].strip() if plan.issuers else plan.region.name


def circular_content(
    plan: Plan, year: int, month: int, region: Region, *, version: int = 1, today: dt.date | None = None
) -> CircularContent:
    """Everything the circular says, read from the progress engine (the same figures as the dashboards)."""
    today = today or clock.today()
    report = shared_report(plan, year, month, region=region)
    reporting = _within(completeness(plan, year, month), region)
    summaries = [_target_summary(report, t, region) for t in report.targets if t.is_reported]
    untracked = [t for t in report.targets if not t.is_reported]
    projected = projections(plan, report)
    facts = circular_sections.Facts(
        plan=plan,
        region=region,
        report=report,
        summaries=summaries,
        reporting=reporting,
        projected=projected,
        scope_name=scope_name(region),
        follow_up=follow_up_sentences(plan, region, year, month),
        next_steps=plan.next_steps or DEFAULT_NEXT_STEPS,
        headline_codes=headline_codes(plan),
    )
    return CircularContent(
        title=circular_title(plan, year, month),
        plan_title=plan.title,
        document_number=plan.document_number,
        issuer=issuer_of(plan),
        issue_date=today,
        year=year,
        month=month,
        scope_name=scope_name(region),
        opening=_opening(plan, year, month),
        overview_paragraphs=_overview(report, summaries, region) + _untracked(untracked) + _footnotes(summaries),
        targets=summaries,
        problems=_problems(report, reporting) + _shortfalls(report, projected),
        next_steps=plan.next_steps or DEFAULT_NEXT_STEPS,
        completeness=[_completeness_row(r) for r in reporting.rows],
        lagging=_lagging(report),
        version=version,
        is_demo=demo_in_view(plan, year, month, region),
        sections=circular_sections.build_sections(facts),
    )


def _within(reporting: Completeness, region: Region) -> Completeness:
    """A city's extract names only its own reporting, never the other cities'."""
    rows = [r for r in reporting.rows if r.region.is_within(region) or region.is_within(r.region)]
    if len(rows) == len(reporting.rows):
        return reporting
    submitted = [r for r in rows if r.status in ("submitted", "approved")]
    return Completeness(rows, len(rows), len(submitted), sum(1 for r in submitted if r.on_time))


def _opening(plan: Plan, year: int, month: int) -> str:
    cited = f"（{plan.document_number}）" if plan.document_number else ""
    return (
        f"根据《{plan.title}》{cited}关于按月通报各地任务指标完成情况的要求，"
        f"现将{year}年{months_through(month)}各地任务指标完成情况通报如下。"
    )


def _target_summary(report: ProgressReport, target: TargetRow, region: Region) -> TargetSummary:
    total_cell = report.totals[target.id]
    ranking = report.ranked_rows(target)
    ranked_ids = {row.region_id for row in ranking}
    ranking += [ProgressRow.no_task(target, r.id, r.name) for r in report.regions if r.id not in ranked_ids]
    return TargetSummary(
        total=report.total_row(target),
        ranking=ranking,
        sentence=_sentence(target, total_cell, scope_name(region)),
        note=_footnote(target, total_cell),
    )


def _sentence(target: TargetRow, cell: Cell, where: str) -> str:
    """The 总体情况 sentence of one target, worded for its kind (年度 / 季度 / 存量 / 比例 / 里程碑)."""
    p = cell.progress
    if target.effective_kind == MILESTONE:
        done = f"，{cell.note}" if cell.children else ""
        return sentence(f"{target.name}：{p.status.label}{done}")
    if p.cumulative is None or p.completion_rate is None:
        return sentence(f"{target.name}：{cell.note or '截至本月尚无数据'}")
    amount = f"{format_number(p.cumulative, target.unit)}{target.unit}"
    rate = format_percent(p.completion_rate)
    kind = target.effective_kind
    if kind == STOCK:
        text = f"{scoped(where, target.name)}达到{amount}，为目标的{rate}"
        if cell.children and cell.children_reported < cell.children:
            text += f"（{cell.children - cell.children_reported}个地区尚未报送，按未报计）"
    elif kind == RATIO:
        text = f"{scoped(where, target.name)}为{amount}，为目标的{rate}"
    else:  # the cumulative of the kind's window (本季度 for a per-quarter count) against its period's target
        window = target.meaning.period_word if target.is_quarterly else ""
        text = f"{where}{window}累计{target.name.removeprefix(where)}{amount}，完成{target.completion_phrase}的{rate}"
    if target.per_unit_level and cell.note:
        text += f"，{cell.note}"
    if p.status == Status.DONE:
        return text + ("，已完成本季度目标。" if kind == COUNT else "，已达到目标。")
    if p.schedule_gap is None or kind in (STOCK, RATIO):
        return text + "。"
    direction = "超" if p.schedule_gap >= 0 else "低于"
    schedule = "季度序时进度" if kind == COUNT else "序时进度"
    return text + f"，{direction}{schedule}{abs(p.schedule_gap):.1f}个百分点。"


def _footnote(target: TargetRow, cell: Cell) -> str:
    """What a reader of the figures must know: the document states the target more than once."""
    return f"文件表述不一：{target.reading_note}" if target.reading_note else ""


def _footnotes(summaries: list[TargetSummary]) -> list[str]:
    """注: the targets the document states more than once, with the reading used and why."""
    return [sentence(f"注：“{s.name}”{s.note}") for s in summaries if s.note]


def _untracked(targets: list[TargetRow]) -> list[str]:
    if not targets:
        return []
    named = "、".join(f"“{t.name}”（{t.assessment or ASSESSMENT_UNSTATED}）" for t in targets)
    return [f"另有{len(targets)}项指标不按月统计，不纳入本月排名：{named}。"]


def _overview(report: ProgressReport, summaries: list[TargetSummary], region: Region) -> list[str]:
    counted = [s for s in summaries if s.status_code in {s.value for s in COUNTED}]
    ahead = [s for s in counted if s.status_code in (Status.DONE.value, Status.ON_TRACK.value)]
    behind = [s for s in counted if s.status_code in (Status.LAGGING.value, Status.SEVERE.value)]
    n = len(counted)
    head = (
        f"{scope_name(region)}纳入本月通报的{n}项指标中，达到序时进度{len(ahead)}项（占{_share(len(ahead), n)}），"
        f"未达到序时进度{len(behind)}项（占{_share(len(behind), n)}）"
    )
    if behind:
        head += "，分别是" + "、".join(f"“{s.name}”" for s in behind)
    done = [s for s in counted if s.status_code == Status.DONE.value]
    if done:
        head += "；其中" + "、".join(f"“{s.name}”" for s in done) + "已完成目标"
    return [head + "。", *[s.sentence for s in summaries]]


def _share(part: int, whole: int) -> str:
    return format_percent(part * 100 / whole if whole else None)


def _problems(report: ProgressReport, reporting) -> list[str]:
    problems = []
    for target in report.targets:
        behind = [c for c in report.target_cells(target.id) if c.progress.status in BEHIND]
        if behind:
            names = "、".join(_region_name(report, c.region_id) for c in behind)
            problems.append(f"“{target.name}”指标低于序时进度的有：{names}。")
    overdue = [t.name for t in report.targets if report.totals[t.id].progress.status == Status.MILESTONE_OVERDUE]
    if overdue:
        problems.append("逾期未完成的工作任务：" + "、".join(f"“{n}”" for n in overdue) + "。")
    missing = [r.region.name for r in reporting.missing]
    if missing:
        problems.append("未按时报送本月数据的地区：" + "、".join(missing) + "。")
    return problems or ["本月各项指标均达到序时进度，各地均按时报送数据。"]


def _shortfalls(report: ProgressReport, projected: dict) -> list[str]:
    """Targets the whole scope will miss at the current pace (预计全年完成 below the target)."""
    names = []
    for target in report.targets:
        p = projected.get((target.id, None))
        if target.is_reported and p is not None and p.shortfall:
            names.append(f"“{target.name}”" + _projected_rate(p))
    return [f"{SHORTFALL_LABEL}的指标：" + "、".join(names) + "。"] if names else []


def _projected_rate(p) -> str:
    """（预计全年完成24.0%，按1—6月月均推算：6,000÷6×12）: the figure, and how it was projected."""
    if p.completion_rate is None:
        return ""
    basis = f"，{p.basis}" if p.basis else ""
    return f"（{p.label}{format_percent(p.completion_rate)}{basis}）"


def _region_name(report: ProgressReport, region_id: int) -> str:
    return next(r.name for r in report.regions if r.id == region_id)


def _completeness_row(row) -> CompletenessRow:
    return CompletenessRow(
        region_name=row.region.name,
        status_label=row.status_label,
        submitted_at=row.submitted_at,
        on_time=row.on_time,
    )


def _lagging(report: ProgressReport) -> list[LaggingRow]:
    rows = []
    for target in report.targets:
        for c in report.target_cells(target.id):
            p = c.progress
            if p.status in BEHIND:
                rows.append(
                    LaggingRow(
                        _region_name(report, c.region_id),
                        target.name,
                        target.unit,
                        p.completion_rate,
                        p.schedule_rate,
                        p.schedule_gap,
                        p.status.label,
                    )
                )
    return sorted(rows, key=lambda r: r.schedule_gap)


def follow_up_sentences(plan: Plan, region: Region, year: int, month: int) -> tuple[str, ...]:
    """What the circular of (year, month) says about the notices issued on last month's figures.

    Notices on month m-1 are issued during month m (after m-1's circular), so the circular of month m reports
    them: “本月发出督办单N份（红X 黄Y 蓝Z），已反馈M份”, and names those not yet answered.
    """
    from collections import Counter

    from reports.models import Notice

    before = (year, month - 1) if month > 1 else (year - 1, 12)
    notices = list(
        Notice.objects.filter(plan=plan, year=before[0], month=before[1], region__path__startswith=region.path)
        .select_related("region", "target")
        .prefetch_related("items__target")
        .order_by("id")
    )
    if not notices:
        return ()
    colours = Counter(n.colour for n in notices)
    answered = [n for n in notices if n.status in (Notice.Status.ANSWERED, Notice.Status.CLOSED)]
    text = (
        f"本月发出督办单{len(notices)}份（红{colours['red']} 黄{colours['yellow']} 蓝{colours['blue']}），"
        f"已反馈{len(answered)}份"
    )
    waiting = [n for n in notices if n.awaiting_answer]
    if waiting:
        text += "；尚未反馈的有：" + "、".join(f"{n.region.name}（{n.target_names}，{n.number}）" for n in waiting)
    return (text + "。",)
