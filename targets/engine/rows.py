"""The engine's answer, row by row: a target as the engine reads it (TargetRow), one evaluated cell (Cell) and
the row every page, file and API answer formats (ProgressRow)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal

from targets.engine.arithmetic import Progress, rank_change
from targets.engine.kinds import KindSpec, effective_kind, spec
from targets.engine.status import Status

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
    per_unit_level: str = ""  # a region level ("city" / "county" / "zone"): `value` is each such region's quota
    per_unit_label: str = ""  # 每个市 …
    reading_note: str = ""  # the document states it more than once: which reading is used and why
    readings: tuple = ()
    has_range: bool = False  # some unit's quota is a range (1至2所): judged unit by unit against the lower bound

    @property
    def effective_kind(self) -> str:
        """The kind whose arithmetic applies: a count is per quarter only when its period says so."""
        return effective_kind(self.kind, self.period)

    @property
    def meaning(self) -> KindSpec:
        """What this target's kind means: its labels, cumulative window, roll-up and projection."""
        return spec(self.kind, self.period)

    @property
    def is_quarterly(self) -> bool:
        return self.meaning.is_quarterly

    @property
    def target_label(self) -> str:
        """The heading of the target column for this kind: a per-quarter count is measured by the quarter."""
        return self.meaning.target_label

    @property
    def target_prefix(self) -> str:
        """Before the target figure on a card: 每季度目标 50个."""
        return self.meaning.target_prefix

    @property
    def cumulative_label(self) -> str:
        """Before the cumulative on a card: 累计, 本季度累计, 最新值."""
        return self.meaning.cumulative_label

    @property
    def unit_label(self) -> str:
        """The unit as a target column reads it: 个/季度 for a per-quarter count."""
        return self.meaning.unit_label(self.unit)

    @property
    def completion_phrase(self) -> str:
        """How a circular names the target a rate is of: 完成{年度目标 / 本季度目标 / 目标}的…"""
        return self.meaning.completion_phrase


@dataclass
class Cell:
    """One target for one holder (a region, or the plan region as a whole)."""

    target_id: int
    region_id: int | None
    progress: Progress
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
        return rank_change(self.previous_rank, self.rank)


@dataclass(frozen=True)
class ProgressRow:
    """One target for one holder at the end of the month: the engine's single answer.

    Pages, tables, Excel and Word files, the API and the circulars all read this row and only format it; a
    column such as 序时目标值 is added here and in the renderer that shows it, nowhere else. It is a record, not a
    mapping: renderers read its attributes.
    """

    target: TargetRow
    region_id: int | None
    region_name: str
    progress: Progress
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

    def withheld(self) -> ProgressRow:
        """This row as another region may see it before it is submitted: listed, as 未报, without figures."""
        hidden = Progress(
            target=self.progress.target,
            this_month=None,
            cumulative=None,
            completion_rate=None,
            schedule_rate=self.progress.schedule_rate,
            schedule_gap=None,
            status=Status.NOT_REPORTED,
            reported=False,
        )
        return replace(self, progress=hidden, rank=None, previous_rank=None, remark="", note="", is_withheld=True)

    # The target, as the row's columns read it.
    @property
    def target_id(self) -> int:
        return self.target.id

    @property
    def code(self) -> str:
        return self.target.code

    @property
    def name(self) -> str:
        return self.target.name

    @property
    def unit(self) -> str:
        return self.target.unit

    @property
    def kind(self) -> str:
        return self.target.kind

    @property
    def kind_label(self) -> str:
        return self.target.kind_label

    @property
    def key_task(self) -> str:
        return self.target.key_task_title

    @property
    def department(self) -> str:
        return self.target.lead_department or NO_DEPARTMENT

    @property
    def tracked(self) -> bool:
        return self.target.is_reported

    @property
    def assessment(self) -> str:
        return self.target.assessment

    @property
    def target_label(self) -> str:
        return self.target.target_label

    @property
    def reading_note(self) -> str:
        return self.target.reading_note

    unit_label = property(lambda self: self.target.unit_label)
    target_prefix = property(lambda self: self.target.target_prefix)
    cumulative_label = property(lambda self: self.target.cumulative_label)

    # The figures.
    @property
    def target_value(self) -> Decimal | None:
        return self.progress.target

    @property
    def this_month(self) -> Decimal | None:
        return self.progress.this_month

    @property
    def cumulative(self) -> Decimal | None:
        return self.progress.cumulative

    @property
    def completion_rate(self) -> Decimal | None:
        return self.progress.completion_rate

    @property
    def schedule_rate(self) -> Decimal | None:
        return self.progress.schedule_rate

    @property
    def schedule_gap(self) -> Decimal | None:
        return self.progress.schedule_gap

    @property
    def schedule_target(self) -> Decimal | None:
        return self.progress.schedule_target

    @property
    def reported(self) -> bool:
        return self.progress.reported

    # The status and its presentation.
    @property
    def status(self) -> Status:
        return self.progress.status

    @property
    def status_label(self) -> str:
        return self.progress.status.label

    @property
    def status_css(self) -> str:
        return self.progress.status.css

    @property
    def severity(self) -> int:
        return self.progress.status.severity

    @property
    def rank_change(self) -> int | None:
        return rank_change(self.previous_rank, self.rank)

    @property
    def status_code(self) -> str:
        return self.progress.status.value

    @property
    def has_task(self) -> bool:
        return self.progress.status != Status.NO_TASK

    @classmethod
    def no_task(cls, target: TargetRow, region_id: int | None, region_name: str) -> ProgressRow:
        """A region that holds no share of the target (无任务): listed, never ranked."""
        empty = Progress(None, None, None, None, None, None, Status.NO_TASK, reported=False)
        return cls(target=target, region_id=region_id, region_name=region_name, progress=empty)

    @property
    def explanation(self) -> str:
        """What a reader must know beside the figures: how an untracked target is judged, what a total is made
        of, and that the document states the target more than once."""
        parts = []
        if not self.target.is_reported:
            parts.append(f"不按月统计，{self.target.assessment}")
        if self.note:  # a per-unit quota's total: “6/12个市达到下限”, or 无数据
            parts.append(self.note)
        if self.target.reading_note:
            parts.append(f"※文件表述不一：{self.target.reading_note}")
        return "；".join(parts)


NO_DEPARTMENT = "未注明牵头单位"
