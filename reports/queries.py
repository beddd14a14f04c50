"""Reads for the dashboards: plain dicts and lists, materialised before a template or a table sees them.

Every figure comes from the progress engine: each page reads the report once through
`targets.report_cache.shared_report` (one cache round trip while the data is unchanged; else
`targets.engine.progress_report`, about 6 queries, constant in regions and targets) plus a constant few of its
own, noted per function. Monthly
trends re-evaluate the figures the report already loaded (`Cell.monthly`) with `evaluate_target`: no query
per month.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field, replace

from django.db.models import Q
from django.http import Http404

from plans.models import Plan, Region
from targets.engine import (
    METHOD_LABELS,
    MILESTONE,
    Cell,
    ProgressReport,
    ProgressRow,
    Status,
    TargetRow,
    month_end,
)
from targets.formatting import months_through
from targets.models import Allocation
from targets.queries import completeness
from targets.report_cache import shared_report

LAGGING = (Status.LAGGING.value, Status.SEVERE.value)
SHOWN_TO_OTHERS = ("submitted", "approved")  # Submission statuses whose figures other regions may read
HEADLINE_LABELS = ("已完成", "正常", "滞后", "严重滞后")
PROJECTION_METHODS = list(METHOD_LABELS.values())


def progress_row(target: TargetRow, cell: Cell, region_name: str = "") -> ProgressRow:
    """One target for one holder, as the charts and tables read it: the engine's row."""
    return ProgressRow.of(target, cell, region_name)


def _target(report: ProgressReport, target_id: int | None) -> TargetRow:
    """The requested target, or the first that has a number to rank; 404 for one outside the plan."""
    if target_id is None:
        numeric = [t for t in report.targets if t.kind != MILESTONE]
        if not (numeric or report.targets):
            raise Http404("该方案没有工作目标")
        return (numeric or report.targets)[0]
    found = next((t for t in report.targets if t.id == target_id), None)
    if found is None:
        raise Http404("没有该工作目标")
    return found


def target_choices(report: ProgressReport) -> list[dict]:
    return [{"id": t.id, "label": f"{t.code} {t.name}", "kind": t.kind} for t in report.targets]


def comparison_region(plan: Plan, region: Region) -> Region:
    """Whose children a region is ranked among: its parent's (the plan region ranks its own children)."""
    if region.id == plan.region_id or region.parent_id is None:
        return region
    return region.parent  # 1 query


def _headline(report: ProgressReport, rows: list[ProgressRow]) -> list[dict]:
    by_label: dict[str, int] = defaultdict(int)
    for status, n in report.status_counts().items():
        by_label[Status(status).label] += n
    cards = [{"label": "指标总数", "value": len(rows), "css": "dark"}]
    css = dict(zip(HEADLINE_LABELS, ("success", "primary", "warning", "danger"), strict=True))
    cards += [{"label": label, "value": by_label.get(label, 0), "css": css[label]} for label in HEADLINE_LABELS]
    # The rest (未报, 逾期, 推进中, 未启动, 无任务) when present, so the cards add up to the total.
    cards += [
        {"label": label, "value": n, "css": "secondary"}
        for label, n in by_label.items()
        if label not in HEADLINE_LABELS and n
    ]
    return cards


def overview(plan: Plan, year: int, month: int, region: Region, *, user) -> dict:
    """The province (or a region) at a glance. Queries: progress_report (~6) + completeness (3)."""
    report = shared_report(plan, year, month, region=region)
    names = {r.id: r.name for r in report.regions}
    totals = [progress_row(t, report.totals[t.id], region.name) for t in report.targets]
    cells = {
        (t.id, c.region_id): progress_row(t, c, names[c.region_id])
        for t in report.targets
        for c in report.target_cells(t.id)
    }
    lagging = sorted(
        (row for row in cells.values() if row.status in LAGGING),
        key=lambda row: (row.schedule_gap is None, row.schedule_gap or 0, row.code),
    )
    regions = [{"id": r.id, "name": r.name, "code": r.code} for r in report.regions]
    reporting = completeness(plan, year, month, user)
    from targets.engine import projections

    return {
        "shortfalls": _shortfalls(report, projections(plan, report), region.name),
        "projection_methods": PROJECTION_METHODS,
        "targets": totals,
        "cells": cells,
        "regions": regions,
        "matrix": matrix_rows(totals, regions, cells),
        "lagging": lagging,
        "lagging_targets": [row for row in totals if row.status in LAGGING],
        "headline": _headline(report, totals),
        "completeness": reporting,
        "has_figures": any(row.reported for row in [*totals, *cells.values()]),
    }


def matrix_rows(
    targets: list[ProgressRow], regions: list[dict], cells: dict[tuple[int, int], ProgressRow]
) -> list[dict]:
    """The heat map as table rows: one per target, one key per region ("r<id>") holding that cell's row."""
    rows = []
    for t in targets:
        row = {"code": t.code, "name": t.name, "unit": t.unit}
        row.update({f"r{r['id']}": cells.get((t.target_id, r["id"])) for r in regions})
        rows.append(row)
    return rows


def monthly_points(report: ProgressReport, target: TargetRow, cell: Cell) -> list[dict]:
    """Where `cell` stood at the end of each month up to the report's (the engine's series), as chart points."""
    return [
        {
            "month": m,
            "label": f"{m}月",
            "this_month": p.this_month,
            "cumulative": p.cumulative,
            "schedule_target": p.schedule_target,
            "completion_rate": p.completion_rate,
            "schedule_rate": p.schedule_rate,
            "schedule_gap": p.schedule_gap,
            "status": p.status.value,
            "status_label": p.status.label,
            "status_css": p.status.css,
            "severity": p.status.severity,
            "unit": target.unit,
        }
        for m, p in report.series(target, cell)
    ]


def ranking(plan: Plan, year: int, month: int, region: Region, *, target_id: int | None, user=None) -> dict:
    """One target's regions in rank order, `region` highlighted; peers' drafts withheld from `user`.

    Queries: progress_report + at most 1 + 2 (drafts).
    """
    parent = comparison_region(plan, region)
    report = shared_report(plan, year, month, region=parent)
    target = _target(report, target_id)
    names = {r.id: r.name for r in report.regions}
    rows = [progress_row(target, c, names[c.region_id]) for c in report.target_cells(target.id)]
    if user is not None:
        withheld = drafts_withheld_from(user, plan, year, month, names)
        rows = [r for r in rows if r.region_id not in withheld] + [
            r.withheld() for r in rows if r.region_id in withheld
        ]
    ranked = {row.region_id for row in rows}
    no_task = [r.name for r in report.regions if r.id not in ranked]
    rows = [replace(row, is_self=row.region_id == region.id) for row in rows]
    total = progress_row(target, report.totals[target.id], parent.name)
    return {
        "target": target,
        "targets": target_choices(report),
        "rows": rows,
        "no_task": no_task,
        "total": total,
        "parent": parent,
        "highlight_id": region.id,
    }


def trend(plan: Plan, year: int, month: int, region: Region, *, target_id: int | None) -> dict:
    """One target for one region as a whole (the province by default), month by month. Queries: progress_report."""
    report = shared_report(plan, year, month, region=region)
    target = _target(report, target_id)
    cell = report.totals[target.id]
    points = [] if target.kind == MILESTONE else monthly_points(report, target, cell)
    return {
        "target": target,
        "targets": target_choices(report),
        "current": progress_row(target, cell, region.name),
        "points": points,
        "entry_notes": entry_notes(target.id, year, month, region),
    }


def entry_notes(target_id: int, year: int, month: int, region: Region) -> list[str]:
    """Months whose bar is not one month's work: 含前期累计 (a first report of a cumulative) and 核减 (1 query)."""
    from targets.models import MonthlyFigure

    figures = (
        MonthlyFigure.objects.filter(
            region.subtree_q("allocation__region"),
            allocation__target_id=target_id,
            allocation__year=year,
            month__lte=month,
        )
        .filter(Q(includes_prior=True) | Q(is_correction=True))
        .values_list("month", "allocation__region__name", "includes_prior", "value")
        .order_by("month", "allocation__region__path")
    )
    return [
        f"{m}月{name}：{'首次报送，含' + months_through(m - 1) + '累计' if prior else f'核减{value.normalize():f}'}"
        for m, name, prior, value in figures
    ]


def drafts_withheld_from(user, plan: Plan, year: int, month: int, region_ids) -> set[int]:
    """The regions among `region_ids` whose month the user may not read yet (2 queries).

    Other regions' figures are visible once submitted (已报送 / 已审核); a draft or a returned month only to the
    region itself and to the users whose scope holds it (its admins and viewers above it).
    """
    from plans.scope import scope_for
    from targets.models import Submission

    ids = set(region_ids)
    covered = set(Region.objects.filter(pk__in=ids).filter(scope_for(user).q(None)).values_list("id", flat=True))
    foreign = ids - covered
    if not foreign:
        return set()
    shown = Submission.objects.filter(
        plan=plan, year=year, month=month, region_id__in=foreign, status__in=SHOWN_TO_OTHERS
    ).values_list("region_id", flat=True)
    return foreign - set(shown)


def _peer_context(
    ranked: list[Cell], region_id: int, names: dict[int, str], withheld: frozenset[int] = frozenset()
) -> list[dict]:
    """Top, bottom and the region's neighbours in one target's ranking (peers' drafts left out)."""
    ranked = [c for c in ranked if c.rank is not None and c.region_id not in withheld]
    index = next((i for i, c in enumerate(ranked) if c.region_id == region_id), None)
    if index is None:
        return []
    keep = sorted({0, len(ranked) - 1, index - 1, index, index + 1} & set(range(len(ranked))))
    return [
        {
            "rank": ranked[i].rank,
            "region_name": names[ranked[i].region_id],
            "completion_rate": ranked[i].progress.completion_rate,
            "is_self": i == index,
            "gap_before": i > 0 and keep[keep.index(i) - 1] != i - 1,
        }
        for i in keep
    ]


@dataclass(frozen=True)
class RowCard:
    """The engine's row with what a page shows beside it: the region's place among its peers, its trend and
    the projected year-end outcome. Reads through to the row (card.code, card.completion_rate …)."""

    row: ProgressRow
    peers: list[dict] = field(default_factory=list)
    peer_count: int = 0
    sparkline: list[dict] = field(default_factory=list)
    spark: dict | None = None  # the sparkline as a Plotly figure, added by the view
    projection: object = None  # targets.engine.Projection

    def __getattr__(self, name: str):
        if name.startswith("__") or name == "row":  # copying and unpickling look these up before `row` is set
            raise AttributeError(name)
        return getattr(self.row, name)


def my_region(plan: Plan, year: int, month: int, region: Region, *, user) -> dict:
    """A region's own targets, its place among its peers, trends and what is still to report.

    Queries: progress_report (~6) + completeness (3) + the parent region (1).
    """
    parent = comparison_region(plan, region)
    report = shared_report(plan, year, month, region=parent)
    names = {r.id: r.name for r in report.regions}
    is_peer = parent.id != region.id and region.id in names
    withheld = frozenset(drafts_withheld_from(user, plan, year, month, names) if is_peer else ())
    rows = []
    for t in report.targets:
        cell = report.cell(t.id, region.id) if is_peer else report.totals[t.id]
        if cell is None:
            continue
        rows.append(
            RowCard(
                row=progress_row(t, cell, region.name),
                peers=_peer_context(report.target_cells(t.id), region.id, names, withheld) if is_peer else [],
                peer_count=len(report.target_cells(t.id)) if is_peer else 0,
                sparkline=[] if t.kind == MILESTONE else monthly_points(report, t, cell),
            )
        )
    to_report = [card.row for card in rows if not card.reported and card.status.is_tracked]
    return {
        "rows": rows,
        "to_report": to_report,
        "completeness": completeness(plan, year, month, user),
        "parent": parent,
        "is_peer": is_peer,
        "peer_total": len(report.regions),
    }


def by_department(plan: Plan, year: int, month: int, region: Region, *, department: str) -> dict:
    """Targets grouped by their lead department (牵头单位). Queries: progress_report."""
    report = shared_report(plan, year, month, region=region)
    rows = [progress_row(t, report.totals[t.id], region.name) for t in report.targets]
    groups: dict[str, list[ProgressRow]] = {}
    for row in rows:
        groups.setdefault(row.department, []).append(row)
    departments = list(groups)
    if department:
        groups = {department: groups[department]} if department in groups else {}
    shown = [row for group in groups.values() for row in group]
    return {"groups": groups, "departments": departments, "department": department, "rows": shown}


def _task_state(task, target_rows: list[ProgressRow], as_of: dt.date) -> tuple[str, str]:
    """已完成 when every target of the task is done; else 逾期 past its last due date; else 推进中."""
    done = (Status.DONE.value, Status.MILESTONE_DONE.value)
    if target_rows and all(r.status in done for r in target_rows):
        return "已完成", "success"
    if task.is_overdue(as_of):
        return "逾期", "danger"
    if task.is_ongoing:
        return "长期推进", "primary"
    if not task.due_dates:
        return "无明确时限", "secondary"
    return "按期推进", "primary"


def milestones(plan: Plan, year: int, month: int, region: Region) -> dict:
    """Key tasks against their deadlines and the targets due on a date. Queries: progress_report + 1."""
    report = shared_report(plan, year, month, region=region)
    as_of = month_end(year, month)  # deadlines are judged as of the month viewed, not the real date
    rows = [progress_row(t, report.totals[t.id], region.name) for t in report.targets]
    by_task: dict[int, list[ProgressRow]] = defaultdict(list)
    for t, row in zip(report.targets, rows, strict=True):
        by_task[t.key_task_number].append(row)
    tasks = []
    for task in plan.key_tasks.order_by("number"):
        state, css = _task_state(task, by_task[task.number], as_of)
        next_due = task.next_due_date(as_of)
        tasks.append(
            {
                "number": task.number,
                "title": task.title,
                "deadline_text": task.deadline_text or "—",
                "due_dates": "、".join(d.strftime("%Y-%m-%d") for d in task.due_date_list()) or "—",
                "next_due": next_due,
                "state": state,
                "state_css": css,
                "target_count": len(by_task[task.number]),
            }
        )
    dated = [_with_due(t, row, year) for t, row in zip(report.targets, rows, strict=True) if _is_dated(t)]
    return {"tasks": tasks, "targets": dated, "counts": _state_counts(tasks, dated)}


def _is_dated(target: TargetRow) -> bool:
    return target.kind == MILESTONE or target.due_month is not None


def _with_due(target: TargetRow, row: ProgressRow, year: int) -> ProgressRow:
    return replace(row, due=f"{year}年{target.due_month or 12}月底前")


def _state_counts(tasks: list[dict], targets: list[ProgressRow]) -> list[tuple[str, int, str]]:
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for task in tasks:
        counts[(f"重点任务·{task['state']}", task["state_css"])] += 1
    for row in targets:
        counts[(f"目标·{row.status_label}", row.status_css)] += 1
    return [(label, n, css) for (label, css), n in counts.items()]


def demo_in_view(plan: Plan, year: int, month: int, region: Region) -> bool:
    """Whether a page of (plan, year, month, region) shows anything of the demo generator: a demo allocation in
    the region's subtree, or a demo figure up to the month (also one written onto a real allocation). One query."""
    if plan.is_demo:
        return True
    holders = Q(region=region) | Q(region__path__startswith=region.path + "/")
    if region.pk == plan.region_id:
        holders |= Q(region__isnull=True)  # department shares belong to the plan region's pages
    in_view = Allocation.objects.filter(holders, target__key_task__plan=plan, year=year)
    return in_view.filter(Q(is_demo=True) | Q(figures__is_demo=True, figures__month__lte=month)).exists()


# --- the leaders' page (领导驾驶舱), issue 14 ----------------------------------------------------------------

HEADLINE_FALLBACK = 4
RED_STATUSES = (Status.SEVERE, Status.MILESTONE_OVERDUE)
COUNTED = (Status.DONE, Status.ON_TRACK, Status.LAGGING, Status.SEVERE)  # the month's count leaves milestones out
RED_EXAMPLES = 2  # targets named per region on the red list; the rest are counted


def headline_target_ids(plan: Plan, targets: list[TargetRow]) -> list[int]:
    """The targets marked 重点指标; without any, the first few numeric targets reported monthly (1 query)."""
    from targets.models import Target

    marked = set(Target.objects.filter(key_task__plan=plan, is_headline=True).values_list("id", flat=True))
    if marked:
        return [t.id for t in targets if t.id in marked]
    numeric = [t.id for t in targets if t.is_reported and t.kind != MILESTONE]
    return numeric[:HEADLINE_FALLBACK]


def leader_page(plan: Plan, year: int, month: int, region: Region) -> dict:
    """One screen for a leader: headline, red list, sparklines, projections, latest circular.

    Queries: progress_report (~6), last year's report where the plan ran last year (~6), headline ids (1),
    latest circular (1). Every figure is the engine's.
    """
    from reports.models import Circular
    from targets.engine import projections

    report = shared_report(plan, year, month, region=region)
    projected = projections(plan, report)
    names = {r.id: r.name for r in report.regions}
    by_id = {t.id: t for t in report.targets}
    counted = [report.totals[t.id] for t in report.targets if t.is_reported]
    counted = [c for c in counted if c.progress.status in COUNTED]  # as the circular's 总体情况 counts
    headline = []
    for target_id in headline_target_ids(plan, report.targets):
        target, cell = by_id[target_id], report.totals[target_id]
        headline.append(
            RowCard(
                row=progress_row(target, cell, region.name),
                projection=projected.get((target_id, None)),
                sparkline=[] if target.kind == MILESTONE else monthly_points(report, target, cell),
            )
        )
    return {
        "at_schedule": sum(1 for c in counted if c.progress.meets_schedule),
        "counted": len(counted),
        "headline": headline,
        **red_list_top(_red_list(report, names)),
        "shortfalls": _shortfalls(report, projected, region.name),
        "projection_methods": PROJECTION_METHODS,
        "circular": Circular.objects.filter(plan=plan, region=region).first(),
        "has_figures": any(c.progress.reported for c in report.totals.values()),
    }


def _red_list(report: ProgressReport, names: dict[int, str]) -> list[dict]:
    """Regions with targets seriously behind or overdue, the region with most first; one line per region."""
    by_region: dict[int, list[ProgressRow]] = defaultdict(list)
    for t in report.targets:
        for c in report.target_cells(t.id):
            if c.progress.status in RED_STATUSES:
                by_region[c.region_id].append(progress_row(t, c, names[c.region_id]))
    lines = []
    for region_id, rows in by_region.items():
        severe = [r for r in rows if r.status == Status.SEVERE]
        overdue = [r for r in rows if r.status == Status.MILESTONE_OVERDUE]
        worst = sorted(severe, key=lambda r: r.schedule_gap or 0) + overdue
        lines.append(
            {
                "region_name": names[region_id],
                "severe": severe,
                "overdue": overdue,
                "count": len(rows),
                "examples": worst[:RED_EXAMPLES],
                "more": max(len(worst) - RED_EXAMPLES, 0),
            }
        )
    return sorted(lines, key=_red_rank)


RED_TOP = 5


def _red_rank(line: dict) -> tuple:
    """What is wrong, worst first: overdue milestones weigh double, then how many targets, then how far behind."""
    depth = sum(r.schedule_gap or 0 for r in line["severe"])
    return (-(2 * len(line["overdue"]) + len(line["severe"])), depth, line["region_name"])


def red_list_top(lines: list[dict], limit: int = RED_TOP) -> dict:
    """The red list as shown: the worst `limit` regions, how many more (“等N个地区”), and the total."""
    return {
        "red_list": lines[:limit],
        "red_more": max(len(lines) - limit, 0),
        "red_total": len(lines),
        "red_all": lines,
    }


def _shortfalls(report: ProgressReport, projected: dict, region_name: str) -> list[RowCard]:
    rows = []
    for t in report.targets:
        p = projected.get((t.id, None))
        if t.is_reported and p is not None and p.shortfall:
            rows.append(RowCard(row=progress_row(t, report.totals[t.id], region_name), projection=p))
    return rows


def headline_codes(plan: Plan) -> tuple[str, ...]:
    """The codes ("1-2") of the headline targets, chosen as on the leaders' page (2 queries at most)."""
    from targets.models import Target

    targets = Target.objects.filter(key_task__plan=plan).order_by("key_task__number", "number")
    marked = targets.filter(is_headline=True)
    if not marked.exists():
        marked = targets.filter(is_reported=True).exclude(kind=MILESTONE)[:HEADLINE_FALLBACK]
    return tuple(f"{task}-{number}" for task, number in marked.values_list("key_task__number", "number"))
