"""The progress engine's reads: one place that says where every target stands.

`progress_report()` loads a plan's allocations and figures for a year in a fixed number of queries
(independent of the number of regions and targets), rolls county figures up into their city and city
figures into the province, and evaluates each cell with the pure arithmetic in `targets/progress.py`.
The grid, dashboards, circulars and the API all read progress from here.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.db.models import Q

from plans.models import Plan, Region
from targets import progress
from targets.models import Allocation, MonthlyFigure, Submission, Target

MonthMap = dict[int, Decimal | None]


@dataclass(frozen=True)
class TargetRow:
    id: int
    code: str  # "3-2": key task 3, target 2
    key_task_number: int
    key_task_title: str
    number: int
    name: str
    unit: str
    kind: str
    kind_label: str
    period: str | None
    qualifier: str
    display_value: str
    higher_is_better: bool
    due_month: int | None
    lead_department: str
    is_reported: bool
    value: Decimal | None
    yearly_value: Decimal | None  # the document's target for one year (a whole-plan target split evenly)
    assessment: str = ""  # how a target nobody reports monthly is judged
    per_unit_level: str = ""  # "city" / "county" / "zone": `value` is each unit's quota
    per_unit_label: str = ""  # 每个市 …
    reading_note: str = ""  # the document states it more than once: which reading is used and why
    readings: tuple = ()

    @property
    def effective_kind(self) -> str:
        """The kind whose arithmetic applies: a count is per quarter only when its period says so."""
        return progress.effective_kind(self.kind, self.period)

    @property
    def is_quarterly(self) -> bool:
        return self.effective_kind == progress.COUNT

    @property
    def target_label(self) -> str:
        """The heading of the target column for this kind: a per-quarter count is measured by the quarter."""
        return _TARGET_LABELS.get(self.effective_kind, "年度目标")

    @property
    def completion_phrase(self) -> str:
        """How a circular names the target a rate is of: 完成{年度目标 / 本季度目标 / 目标}的…"""
        return _COMPLETION_PHRASES.get(self.effective_kind, "年度目标")


_TARGET_LABELS = {progress.COUNT: "季度目标", progress.STOCK: "目标值（存量）", progress.RATIO: "目标值（比例）"}
_COMPLETION_PHRASES = {progress.COUNT: "本季度目标", progress.STOCK: "存量目标", progress.RATIO: "目标比例"}


@dataclass
class Cell:
    """One target for one holder (a region, or the plan region as a whole)."""

    target_id: int
    region_id: int | None
    progress: progress.Progress
    allocation_id: int | None = None
    rank: int | None = None
    previous_rank: int | None = None
    remark: str = ""
    monthly: MonthMap = field(default_factory=dict)
    # Stocks, milestones and per-unit quotas over several holders: how many there are and how many count
    # (reported a stock, are done, reach the quota); `note` says it in words ("6/15已完成", a ratio's range).
    children: int | None = None
    children_reported: int | None = None
    note: str = ""

    @property
    def rank_change(self) -> int | None:
        return progress.rank_change(self.previous_rank, self.rank)


@dataclass(frozen=True)
class ProgressRow:
    """One target for one holder at the end of the month: the engine's single answer.

    Pages, tables, Excel and Word files, the API and the circulars all read this row and only format it; a
    column such as 序时目标值 is added here and in the renderer that shows it, nowhere else. Renderers that
    read records by key (Plotly builders, django-tables2) may index it like a mapping.
    """

    target: TargetRow
    region_id: int | None
    region_name: str
    progress: progress.Progress
    rank: int | None = None
    previous_rank: int | None = None
    remark: str = ""
    note: str = ""  # what a total is made of: "6/15已完成", a ratio's range, a stock's missing regions
    children: int | None = None
    children_reported: int | None = None
    allocation_id: int | None = None
    is_self: bool = False  # the viewer's own region, highlighted in a ranking
    due: str = ""  # the deadline in words (2022年12月底前), where a page lists targets by their deadline
    is_withheld: bool = False  # a peer's unsubmitted month, shown to others without its figures

    @classmethod
    def of(cls, target: TargetRow, cell: Cell, region_name: str = "") -> ProgressRow:
        return cls(
            target=target,
            region_id=cell.region_id,
            region_name=region_name,
            progress=cell.progress,
            rank=cell.rank,
            previous_rank=cell.previous_rank,
            remark=cell.remark,
            note=cell.note,
            children=cell.children,
            children_reported=cell.children_reported,
            allocation_id=cell.allocation_id,
        )

    def __getitem__(self, name: str):
        return getattr(self, name)

    def get(self, name: str, default=None):
        return getattr(self, name, default)

    def withheld(self) -> ProgressRow:
        """This row as another region may see it before it is submitted: listed, as 未报, without figures."""
        hidden = progress.Progress(
            target=self.progress.target,
            this_month=None,
            cumulative=None,
            completion_rate=None,
            schedule_rate=self.progress.schedule_rate,
            schedule_gap=None,
            status=progress.Status.NOT_REPORTED,
            reported=False,
        )
        return replace(self, progress=hidden, rank=None, previous_rank=None, remark="", note="", is_withheld=True)

    # The target, as the row's columns read it.
    target_id = property(lambda self: self.target.id)
    code = property(lambda self: self.target.code)
    name = property(lambda self: self.target.name)
    unit = property(lambda self: self.target.unit)
    kind = property(lambda self: self.target.kind)
    kind_label = property(lambda self: self.target.kind_label)
    key_task = property(lambda self: self.target.key_task_title)
    department = property(lambda self: self.target.lead_department or NO_DEPARTMENT)
    tracked = property(lambda self: self.target.is_reported)
    assessment = property(lambda self: self.target.assessment)
    target_label = property(lambda self: self.target.target_label)
    reading_note = property(lambda self: self.target.reading_note)

    @property
    def unit_label(self) -> str:
        return f"{self.target.unit}/季度" if self.target.is_quarterly else self.target.unit

    # The figures.
    target_value = property(lambda self: self.progress.target)
    this_month = property(lambda self: self.progress.this_month)
    cumulative = property(lambda self: self.progress.cumulative)
    completion_rate = property(lambda self: self.progress.completion_rate)
    schedule_rate = property(lambda self: self.progress.schedule_rate)
    schedule_gap = property(lambda self: self.progress.schedule_gap)
    schedule_target = property(lambda self: self.progress.schedule_target)
    reported = property(lambda self: self.progress.reported)

    # The status and its presentation.
    status = property(lambda self: self.progress.status)
    status_label = property(lambda self: self.progress.status.label)
    status_css = property(lambda self: self.progress.status.css)
    severity = property(lambda self: self.progress.status.severity)

    @property
    def rank_change(self) -> int | None:
        return progress.rank_change(self.previous_rank, self.rank)

    @property
    def status_code(self) -> str:
        return self.progress.status.value

    @property
    def has_task(self) -> bool:
        return self.progress.status != progress.Status.NO_TASK

    @classmethod
    def no_task(cls, target: TargetRow, region_id: int | None, region_name: str) -> ProgressRow:
        """A region that holds no share of the target (无任务): listed, never ranked."""
        empty = progress.Progress(None, None, None, None, None, None, progress.Status.NO_TASK, reported=False)
        return cls(target=target, region_id=region_id, region_name=region_name, progress=empty)

    @property
    def explanation(self) -> str:
        """What a reader must know beside the figures: how an untracked target is judged, what a total is made
        of, and that the document states the target more than once."""
        parts = []
        if not self.target.is_reported:
            parts.append(f"不按月统计，{self.target.assessment or '年度统计核定'}")
        if self.note:
            parts.append(self.note)
        if self.target.per_unit_level and self.children:
            parts.append(f"{self.children_reported}/{self.children}个达到{self.target.per_unit_label}定额")
        if self.target.reading_note:
            parts.append(f"※文件表述不一：{self.target.reading_note}")
        return "；".join(parts)


NO_DEPARTMENT = "未注明牵头单位"


@dataclass
class ProgressReport:
    plan: Plan
    year: int
    month: int
    region: Region  # the region whose children are compared (the plan region by default)
    targets: list[TargetRow]
    regions: list[Region]  # the peers being ranked
    cells: dict[tuple[int, int], Cell]  # (target_id, region_id)
    totals: dict[int, Cell]  # target_id → the whole region

    def cell(self, target_id: int, region_id: int) -> Cell | None:
        return self.cells.get((target_id, region_id))

    def target_cells(self, target_id: int) -> list[Cell]:
        """Cells of one target in rank order, regions without a task last."""
        cells = [self.cells[(target_id, r.id)] for r in self.regions if (target_id, r.id) in self.cells]
        return sorted(cells, key=lambda c: (c.rank is None, c.rank or 0))

    def region_cells(self, region_id: int) -> list[Cell]:
        return [self.cells[(t.id, region_id)] for t in self.targets if (t.id, region_id) in self.cells]

    def region_name(self, region_id: int | None) -> str:
        if region_id is None or region_id == self.region.id:
            return self.region.name
        return next((r.name for r in self.regions if r.id == region_id), "")

    def total_row(self, target: TargetRow) -> ProgressRow:
        """The target over the whole region viewed."""
        return ProgressRow.of(target, self.totals[target.id], self.region.name)

    def ranked_rows(self, target: TargetRow) -> list[ProgressRow]:
        """The target's regions in rank order (regions without a task are not listed)."""
        return [ProgressRow.of(target, c, self.region_name(c.region_id)) for c in self.target_cells(target.id)]

    def region_row(self, target: TargetRow, region_id: int) -> ProgressRow | None:
        cell = self.cell(target.id, region_id)
        return None if cell is None else ProgressRow.of(target, cell, self.region_name(region_id))

    def series(self, target: TargetRow, cell: Cell) -> list[tuple[int, progress.Progress]]:
        """Where `cell` stood at the end of each month of the year up to the report's month, from the figures
        already loaded (no query): trends and sparklines read this, nobody re-spells month - 1."""
        first = self.plan.first_month(self.year)
        return [
            (m, evaluate_target(self.plan, self.year, m, target, cell.progress.target, cell.monthly, None))
            for m in range(first, self.month + 1)
        ]

    def status_counts(self) -> dict[str, int]:
        counts: dict[str, int] = defaultdict(int)
        for cell in self.totals.values():
            counts[cell.progress.status.value] += 1
        return dict(counts)


def targets_of(plan: Plan) -> list[TargetRow]:
    """The plan's targets in document order (1 query)."""
    rows = (
        Target.objects.filter(key_task__plan=plan)
        .select_related("key_task")
        .prefetch_related("key_task__department_links__department")
        .order_by("key_task__number", "number")
    )
    plan_years = len(plan.years)
    return [_target_row(t, plan_years) for t in rows]


def _target_row(t: Target, plan_years: int) -> TargetRow:
    leads = [link.department.name for link in t.key_task.department_links.all() if link.role == "lead"]
    return TargetRow(
        id=t.id,
        code=f"{t.key_task.number}-{t.number}",
        key_task_number=t.key_task.number,
        key_task_title=t.key_task.title,
        number=t.number,
        name=t.name,
        unit=t.unit,
        kind=t.kind,
        kind_label=t.get_kind_display(),
        period=t.period,
        qualifier=t.qualifier,
        display_value=t.display_value(),
        higher_is_better=t.higher_is_better,
        due_month=t.due_month,
        lead_department=leads[0] if leads else "",
        is_reported=t.is_reported,
        value=t.value,
        yearly_value=t.yearly_share(plan_years),
        assessment=t.assessment,
        per_unit_level=t.per_unit_level,
        per_unit_label=t.get_per_unit_level_display() if t.per_unit_level else "",
        reading_note=t.reading_note,
        readings=tuple(t.readings or ()),
    )


def peer_regions(plan: Plan, region: Region | None = None) -> list[Region]:
    """The regions ranked against each other: the children of `region` (the plan region by default)."""
    parent = region or plan.region
    children = list(Region.objects.filter(parent=parent).order_by("sort_order", "code"))
    return children or [parent]


def progress_report(plan: Plan, year: int, month: int, *, region: Region | None = None) -> ProgressReport:
    """Where every target of `plan` stands at the end of `month`, for the children of `region`.

    A pure function of (plan, month, data): nothing here reads the clock, so the report of a month says the
    same whenever it is built (milestones are judged as of the month's last day).

    Reads only the peers' own allocations and figures plus the rollups of what lies below them, so the cost
    does not depend on how many counties there are. Queries: targets (2), regions (1), allocations (1),
    figures (1), rollups (1) — constant in the number of regions and targets.
    """
    parent = region or plan.region
    peers = peer_regions(plan, parent)
    holders = [r.id for r in peers] + [parent.id]
    targets = targets_of(plan)
    target_ids = [t.id for t in targets]
    allocations = list(  # by target ids rather than a join to the plan, so the region indexes are used
        Allocation.objects.filter(target_id__in=target_ids, year=year)
        .filter(Q(region_id__in=holders) | Q(region__isnull=True))
        .values("id", "target_id", "region_id", "value", "department_id")
    )
    figures = _figures_by_allocation([a["id"] for a in allocations], month)
    rollups = _rollups(target_ids, year, month, [r.id for r in peers])
    return _ReportBuilder(plan, year, month, parent, peers, targets, allocations, figures, rollups).build()


@dataclass
class _Below:
    """What the roll-ups say of the holders strictly below a region for one target."""

    value: Decimal | None = None  # the sum of their allocations
    holders: int = 0  # how many allocations below
    monthly: MonthMap = field(default_factory=dict)  # month → sum (stocks and ratios: carried forward)
    reported: dict[int, int] = field(default_factory=dict)  # month → how many figures make the sum


def _rollups(target_ids: list[int], year: int, month: int, region_ids: list[int]) -> dict[tuple[int, int], _Below]:
    from targets.models import Rollup

    result: dict[tuple[int, int], _Below] = {}
    rows = Rollup.objects.filter(
        target_id__in=target_ids, year=year, region_id__in=region_ids, month__lte=month
    ).values_list("target_id", "region_id", "month", "value", "reported")
    for target_id, region_id, m, value, reported in rows:
        if reported <= 0:
            continue
        entry = result.setdefault((target_id, region_id), _Below())
        if m == 0:
            entry.value, entry.holders = value, reported
        else:
            entry.monthly[m], entry.reported[m] = value, reported
    return result


def _figures_by_allocation(allocation_ids: list[int], month: int) -> dict[int, dict]:
    result: dict[int, dict] = defaultdict(lambda: {"monthly": {}, "milestone": None, "remark": ""})
    rows = (
        MonthlyFigure.objects.filter(allocation_id__in=allocation_ids, month__lte=month)
        .values_list("allocation_id", "month", "value", "milestone_status", "milestone_date", "remark")
        .order_by("allocation_id", "month")
    )
    for allocation_id, m, value, status, date, remark in rows.iterator(chunk_size=5000):
        entry = result[allocation_id]
        entry["monthly"][m] = value
        if status:
            entry["milestone"] = (status, date)
        if m == month:
            entry["remark"] = remark
    return result


class _ReportBuilder:
    """Evaluates every (target, peer) cell and each target's total by the rule of the target's kind:

    - flow / count: the sum of the holders below plus the region's own figures;
    - stock: every holder's latest value, carried forward and summed; holders who never reported are counted;
    - ratio: never a sum — the region's own value; without one, the peers' range is stated and nothing judged;
    - milestone: the region's own status; a total counts how many peers are done (N/M);
    - per-unit quota: each unit against the quota; the total against quota × units, with units reaching it.
    """

    def __init__(self, plan, year, month, parent, peers, targets, allocations, figures, rollups):
        self.plan, self.year, self.month, self.parent = plan, year, month, parent
        self.peers, self.targets, self.figures, self.rollups = peers, targets, figures, rollups
        self.by_target: dict[int, list[dict]] = defaultdict(list)
        for a in allocations:
            self.by_target[a["target_id"]].append(a)

    def build(self) -> ProgressReport:
        cells: dict[tuple[int, int], Cell] = {}
        totals: dict[int, Cell] = {}
        for target in self.targets:
            for region in self.peers:
                cell = self._region_cell(target, region)
                if cell is not None:
                    cells[(target.id, region.id)] = cell
            totals[target.id] = self._total_cell(target, cells)
            self._rank(target, cells)
        return ProgressReport(self.plan, self.year, self.month, self.parent, self.targets, self.peers, cells, totals)

    def _own_allocation(self, target: TargetRow, region: Region) -> dict | None:
        return next((a for a in self.by_target[target.id] if a["region_id"] == region.id), None)

    def _region_cell(self, target: TargetRow, region: Region) -> Cell | None:
        own = self._own_allocation(target, region) if region.id != self.parent.id or len(self.peers) == 1 else None
        below = self.rollups.get((target.id, region.id))
        if own is None and below is None:
            return None
        value = own["value"] if own else below.value
        cell = self._combine(target, value, [own] if own else [], below)
        cell.region_id = region.id
        cell.allocation_id = own["id"] if own else None
        return cell

    def _combine(self, target: TargetRow, value, allocations: list[dict], below: _Below | None) -> Cell:
        """One holder's cell from its own allocations' figures and the roll-up of the holders below it."""
        own = _sum_monthly([self._monthly(a) for a in allocations])
        kind = target.effective_kind
        note, children, children_reported = "", None, None
        if kind == progress.RATIO:
            monthly = own
            if below and below.monthly and progress.latest_value(own, self.month) is None:
                note = f"本级未报；下级已报{below.reported.get(self.month, 0)}个"
        elif kind == progress.STOCK:
            monthly = _sum_monthly([progress.carried_forward(own, self.month), below.monthly if below else {}])
            if below:
                children = below.holders + len(allocations)
                children_reported = below.reported.get(self.month, 0) + sum(
                    1 for a in allocations if progress.latest_value(self._monthly(a), self.month) is not None
                )
        else:
            monthly = _sum_monthly([own, below.monthly if below else {}])
        cell = self._evaluate_monthly(target, value, monthly, self._milestone(allocations))
        cell.remark = " ".join(r for r in (self._remark(a) for a in allocations) if r)
        cell.note, cell.children, cell.children_reported = note, children, children_reported
        return cell

    def _monthly(self, allocation: dict) -> MonthMap:
        return self.figures.get(allocation["id"], {}).get("monthly", {})

    def _remark(self, allocation: dict) -> str:
        return self.figures.get(allocation["id"], {}).get("remark", "")

    def _milestone(self, allocations: list[dict]) -> tuple | None:
        found = (self.figures.get(a["id"], {}).get("milestone") for a in allocations)
        return next((m for m in found if m), None)

    def _total_cell(self, target: TargetRow, cells: dict) -> Cell:
        rolled = [cells[(target.id, r.id)] for r in self.peers if (target.id, r.id) in cells]
        own = [a for a in self.by_target[target.id] if a["region_id"] == self.parent.id]
        if not rolled or self.peers == [self.parent]:
            peer_ids = {r.id for r in self.peers}
            top = [a for a in self.by_target[target.id] if a["region_id"] in peer_ids]
            departments = [a for a in self.by_target[target.id] if a["region_id"] is None]
            holders = own or top or departments
            value = self._total_target(target, rolled, own)
            return self._combine(target, value, holders, None)
        value = self._total_target(target, rolled, own)
        kind = target.effective_kind
        if kind == progress.MILESTONE:
            return self._milestone_total(target, value, rolled, own)
        if kind == progress.RATIO:
            return self._ratio_total(target, value, rolled, own)
        if kind == progress.STOCK:
            monthly = _sum_monthly([progress.carried_forward(c.monthly, self.month) for c in rolled])
        else:
            monthly = _sum_monthly([c.monthly for c in rolled])
        own_cell = self._combine(target, value, own, None) if own else None
        if own_cell is not None:
            monthly = _sum_monthly([monthly, own_cell.monthly])
        cell = self._evaluate_monthly(target, value, monthly, None)
        cell.remark = own_cell.remark if own_cell else ""
        if kind == progress.STOCK:
            cell.children = len(rolled)
            cell.children_reported = sum(1 for c in rolled if c.progress.cumulative is not None)
        if target.per_unit_level:
            cell.children = len(rolled)
            cell.children_reported = sum(1 for c in rolled if c.progress.status == progress.Status.DONE)
        return cell

    def _milestone_total(self, target: TargetRow, value, rolled: list[Cell], own: list[dict]) -> Cell:
        """A milestone over several regions: done when every one is; overdue past the due date otherwise."""
        if own and self._milestone(own):
            cell = self._combine(target, value, own, None)
        else:
            done = sum(1 for c in rolled if c.progress.status == progress.Status.MILESTONE_DONE)
            started = any(c.progress.reported for c in rolled)
            status = (
                progress.MILESTONE_STATUS_DONE
                if done == len(rolled)
                else (progress.MILESTONE_STATUS_IN_PROGRESS if started else "")
            )
            cell = self._evaluate_monthly(target, value, {}, (status, None) if status else None)
        cell.children = len(rolled)
        cell.children_reported = sum(1 for c in rolled if c.progress.status == progress.Status.MILESTONE_DONE)
        cell.note = f"{cell.children_reported}/{cell.children}已完成"
        return cell

    def _ratio_total(self, target: TargetRow, value, rolled: list[Cell], own: list[dict]) -> Cell:
        """A ratio is never summed: the region's own value, or, without one, the peers' range, unjudged."""
        cell = self._combine(target, value, own, None)
        values = [c.progress.cumulative for c in rolled if c.progress.cumulative is not None]
        cell.children, cell.children_reported = len(rolled), len(values)
        if cell.progress.cumulative is None and values:
            low, high = min(values), max(values)
            unit = target.unit or "%"
            cell.note = f"本级未报；各地{_plain(low)}{unit}—{_plain(high)}{unit}（{len(values)}/{len(rolled)}个已报）"
        return cell

    def _total_target(self, target: TargetRow, rolled: list[Cell], own: list[dict]) -> Decimal | None:
        if target.per_unit_level and rolled:
            return progress.sum_or_none(c.progress.target for c in rolled)
        if self.parent.id == self.plan.region_id and target.yearly_value is not None:
            return target.yearly_value
        if own and own[0]["value"] is not None:
            return own[0]["value"]
        return progress.sum_or_none(c.progress.target for c in rolled)

    def _evaluate_monthly(self, target: TargetRow, value, monthly: MonthMap, milestone) -> Cell:
        result = evaluate_target(self.plan, self.year, self.month, target, value, monthly, milestone)
        return Cell(target_id=target.id, region_id=None, progress=result, monthly=monthly)

    def _rank(self, target: TargetRow, cells: dict) -> None:
        mine = [cells[(target.id, r.id)] for r in self.peers if (target.id, r.id) in cells]
        current = progress.rank({c.region_id: _rank_value(c.progress) for c in mine})
        previous = progress.rank({c.region_id: self._previous_rate(target, c) for c in mine}) if self.month > 1 else {}
        for c in mine:
            c.rank = current.get(c.region_id)
            c.previous_rank = previous.get(c.region_id)

    def _previous_rate(self, target: TargetRow, cell: Cell) -> Decimal | None:
        """The completion rate at the end of the month before, for 位次变化: only the rate, none of the
        status arithmetic (at national scale this runs for every cell and was a quarter of a page)."""
        kind = target.effective_kind
        if kind == progress.MILESTONE or not target.is_reported:
            return None
        cumulative = progress.cumulative_value(
            kind=kind, figures=cell.monthly, month=self.month - 1, start_month=self.plan.first_month(self.year)
        )
        return progress.completion_rate(cumulative, cell.progress.target, higher_is_better=target.higher_is_better)


def evaluate_target(
    plan: Plan,
    year: int,
    month: int,
    target: TargetRow,
    value: Decimal | None,
    monthly: MonthMap,
    milestone: tuple | None,
) -> progress.Progress:
    """The single call into the arithmetic: every completion rate the product shows comes from here.

    Judged as of the last day of `month`: the real date never enters.
    """
    status, date = milestone or ("", None)
    return progress.evaluate(
        kind=target.kind,
        period=target.period,
        target=value,
        figures={m: v for m, v in monthly.items() if m <= month},
        month=month,
        due_month=target.due_month,
        start_month=plan.first_month(year),
        higher_is_better=target.higher_is_better,
        lag_points=plan.lag_threshold_points,
        milestone_status=status,
        milestone_date=date,
        due_date=_due_date(year, target.due_month),
        as_of=month_end(year, month),
        tracked=target.is_reported,
    )


def cumulative_before(plan: Plan, year: int, month: int, target: TargetRow, monthly: MonthMap) -> Decimal | None:
    """What already counts towards `month`'s period target before its own figure (the quarter so far for a
    per-quarter count): the grid, the template and the save checks all ask this."""
    return progress.cumulative_before(
        kind=target.kind, period=target.period, figures=monthly, month=month, start_month=plan.first_month(year)
    )


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _rank_value(p: progress.Progress) -> Decimal | None:
    if not p.status.is_tracked:
        return None
    return p.completion_rate if p.reported or p.cumulative is not None else None


def _sum_monthly(maps: list[MonthMap]) -> MonthMap:
    months: dict[int, list] = defaultdict(list)
    for m in maps:
        for month, value in m.items():
            months[month].append(value)
    return {month: progress.sum_or_none(values) for month, values in sorted(months.items())}


def _plain(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _due_date(year: int, due_month: int | None) -> dt.date:
    return month_end(year, due_month or 12)


def submissions_by_region(plan: Plan, year: int, month: int) -> dict[int, Submission]:
    return {s.region_id: s for s in Submission.objects.filter(plan=plan, year=year, month=month, department=None)}


@dataclass(frozen=True)
class CompletenessRow:
    region: Region
    status: str  # submitted / approved / returned / draft / missing
    status_label: str
    submitted_at: dt.datetime | None
    on_time: bool | None
    submission_id: int | None


@dataclass(frozen=True)
class Completeness:
    rows: list[CompletenessRow]
    expected: int
    submitted: int
    on_time: int

    @property
    def rate(self) -> Decimal | None:
        return Decimal(self.submitted * 100) / self.expected if self.expected else None

    @property
    def timely_rate(self) -> Decimal | None:
        return Decimal(self.on_time * 100) / self.expected if self.expected else None

    @property
    def missing(self) -> list[CompletenessRow]:
        return [r for r in self.rows if r.status in ("missing", "draft", "returned")]


def completeness(plan: Plan, year: int, month: int, user=None) -> Completeness:
    """Which reporting regions have submitted the month, on time or late (3 queries)."""
    from plans.scope import scope_for
    from targets.periods import submission_is_on_time

    peers = peer_regions(plan)
    holders = set(  # only the peers' own allocations: at national scale the plan-year has 100,000+
        Allocation.objects.for_plan(plan)
        .for_year(year)
        .filter(region_id__in=[r.id for r in peers])
        .values_list("region_id", flat=True)
        .distinct()
    )
    regions = [r for r in peers if r.id in holders] or [plan.region]
    if user is not None:
        scope = scope_for(user)
        regions = [r for r in regions if scope.covers(r) or (scope.region and scope.region.is_within(r))]
    subs = submissions_by_region(plan, year, month)
    rows = [_completeness_row(plan, r, subs.get(r.id), submission_is_on_time) for r in regions]
    submitted = [r for r in rows if r.status in ("submitted", "approved")]
    return Completeness(rows, len(rows), len(submitted), sum(1 for r in submitted if r.on_time))


def _completeness_row(plan, region, submission, on_time_fn) -> CompletenessRow:
    if submission is None:
        return CompletenessRow(region, "missing", "未报", None, None, None)
    submitted = submission.status in (Submission.Status.SUBMITTED, Submission.Status.APPROVED)
    return CompletenessRow(
        region,
        submission.status,
        submission.get_status_display(),
        submission.submitted_at,
        on_time_fn(plan, submission) if submitted else None,
        submission.id,
    )


def allocations_visible_to(user):
    return Allocation.objects.visible_to(user).select_related(
        "target", "region", "department", "target__key_task__plan"
    )


def figure_history(allocation: Allocation, month: int | None = None) -> list:
    from targets.models import AuditEntry

    entries = AuditEntry.objects.filter(allocation=allocation).select_related("user")
    if month:
        entries = entries.filter(month=month)
    return list(entries.order_by("-at", "-id")[:200])


def audit_search(q: str = "", plan_slug: str = "", *, user):
    """The audit entries of the regions in the user's scope, newest first."""
    from plans.scope import scope_for
    from targets.models import AuditEntry

    entries = (
        AuditEntry.objects.filter(scope_for(user).q())
        .select_related("user", "region", "target", "plan")
        .order_by("-at", "-id")
    )
    if plan_slug:
        entries = entries.filter(plan__slug=plan_slug)
    if q:
        entries = entries.filter(
            Q(remark__icontains=q)
            | Q(target__name__icontains=q)
            | Q(region__name__icontains=q)
            | Q(user__username__icontains=q)
            | Q(old_value__icontains=q)
            | Q(new_value__icontains=q)
        )
    return entries


def current_shares(target: Target | None, year: int) -> dict[int, Decimal | None]:
    if target is None:
        return {}
    return dict(
        Allocation.objects.filter(target=target, year=year, region__isnull=False).values_list("region_id", "value")
    )


# --- projected outcome (预计全年完成), issue 14 ---------------------------------------------------------------

ProjectionKey = tuple[int, int | None]  # (target_id, region_id); region None = the whole scope


def projections(plan: Plan, report: ProgressReport) -> dict[ProjectionKey, progress.Projection]:
    """Every cell's projected year-end outcome, from the report's own monthly figures.

    Flows follow last year's monthly profile where the plan ran last year (one more `progress_report`, a
    constant number of queries); otherwise the current pace.
    """
    last = _last_year_report(plan, report)
    start = plan.first_month(report.year)
    result: dict[ProjectionKey, progress.Projection] = {}
    for target in report.targets:
        holders = [(r.id, report.cell(target.id, r.id)) for r in report.regions]
        holders.append((None, report.totals.get(target.id)))
        for region_id, cell in holders:
            if cell is None:
                continue
            previous = _last_year_monthly(last, target.id, region_id)
            result[(target.id, region_id)] = _project_cell(target, cell, report.month, start, previous)
    return result


def _project_cell(target: TargetRow, cell: Cell, month: int, start: int, last_year: MonthMap | None):
    if target.kind == progress.MILESTONE:
        meets = cell.progress.status != progress.Status.MILESTONE_OVERDUE
        return progress.Projection(None, None, meets, progress.METHOD_MILESTONE)
    return progress.project(
        kind=target.kind,
        period=target.period,
        target=cell.progress.target,
        figures=cell.monthly,
        month=month,
        due_month=target.due_month,
        start_month=start,
        higher_is_better=target.higher_is_better,
        last_year=last_year,
    )


def _last_year_report(plan: Plan, report: ProgressReport) -> ProgressReport | None:
    if plan.start_date.year >= report.year:
        return None
    return progress_report(plan, report.year - 1, 12, region=report.region)


def _last_year_monthly(last: ProgressReport | None, target_id: int, region_id: int | None) -> MonthMap | None:
    if last is None:
        return None
    cell = last.totals.get(target_id) if region_id is None else last.cell(target_id, region_id)
    return cell.monthly if cell is not None else None
