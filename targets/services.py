"""Writes of monthly reporting: saving a grid, submitting, returning, approving, reopening, allocating.

Every write runs in one transaction, checks scope and the month's lock, and leaves an audit entry per change.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from plans.models import Plan, Region
from plans.scope import department_for, scope_for
from skills_admin.lib import clock
from skills_admin.lib.versions import regions_changed
from targets import checks
from targets.basis import entries_as_monthly
from targets.engine import effective_kind, spec
from targets.engine.arithmetic import cumulative_before as period_cumulative_before
from targets.errors import ConflictError, ReportingError
from targets.formatting import person_name
from targets.grid import department_allocations, held_allocations
from targets.models import Allocation, AuditEntry, MonthlyFigure, Notification, Submission, Target
from targets.notify import submission_notify
from targets.periods import month_state
from targets.rollups import figure_change_deltas, figure_delta, rollups_apply


@dataclass(frozen=True)
class FigureEntry:
    allocation_id: int
    value: Decimal | None = None
    milestone_status: str = ""
    milestone_date: dt.date | None = None
    remark: str = ""
    original_value: Decimal | None = None  # what the user saw when the grid was opened
    original_remark: str = ""
    seen_version: int | None = None  # an upload: the figure's version when the template was downloaded
    label: str = ""  # where the entry came from ("第5行"), for messages
    cumulative: bool = False  # value (and original_value) typed as 1—N月累计: see targets/basis.py
    includes_prior: bool = False
    is_correction: bool = False


@dataclass
class SaveResult:
    submission: Submission
    changed: int = 0
    warnings: list[str] = field(default_factory=list)


def _today() -> dt.date:
    return clock.today()


def _locked_submission(plan: Plan, region: Region, year: int, month: int, department=None) -> Submission:
    submission, _ = Submission.objects.get_or_create(
        plan=plan, region=region, year=year, month=month, department=department
    )
    return Submission.objects.select_for_update().get(pk=submission.pk)


def _check_can_enter(user, region: Region, department=None) -> None:
    scope = scope_for(user)
    if not (scope.can_enter_figures and scope.covers(region)):
        raise PermissionDenied("您无权填报该地区的数据")
    own = department_for(user)
    if own is not None and own != department:  # a department's reporter enters only that department's shares
        raise PermissionDenied(f"您是“{own.name}”的填报员，只能填报本部门承担的任务")


def _check_editable(plan, year, month, submission, user, today) -> None:
    state = month_state(plan, year, month, submission, today)
    if not state.editable:
        raise ReportingError(state.reason)
    if submission.status == Submission.Status.SUBMITTED and not scope_for(user).is_admin:
        raise ReportingError("本月数据已报送，等待审核；如需修改请联系省级管理员退回")


@transaction.atomic
def figures_save(
    *,
    plan: Plan,
    region: Region,
    year: int,
    month: int,
    entries: list[FigureEntry],
    user,
    expected_version: int | None,
    via: str = AuditEntry.Via.FORM,
    today: dt.date | None = None,
    department=None,
) -> SaveResult:
    """Save a grid. `expected_version` is the version the user opened (None: upload, checked row by row).

    With `department`, the grid is that department's shares of the plan (region = the plan's region)."""
    today = today or _today()
    _check_can_enter(user, region, department)
    submission = _locked_submission(plan, region, year, month, department)
    _check_editable(plan, year, month, submission, user, today)
    held = department_allocations(plan, year, department) if department else held_allocations(plan, year, region)
    allocations = {a.id: a for a in held.select_related("target")}
    entries = entries_as_monthly(entries, allocations, plan=plan, year=year, month=month)
    existing = {
        f.allocation_id: f
        for f in MonthlyFigure.objects.filter(allocation__in=allocations, month=month).select_related("updated_by")
    }
    _check_entries(entries, allocations)
    if expected_version is not None and expected_version != submission.version:
        raise ConflictError(_conflicts(entries, existing, allocations) or ["（他人修改了报送状态或其他行）"])
    stale = _stale(entries, existing, allocations)
    if stale:
        raise ConflictError(stale, opened="下载模板")
    series = _other_months(allocations, month)
    start_month = plan.first_month(year)
    result = SaveResult(submission=submission)
    deltas, created, updated, audit, owners_checked = [], [], [], [], set()
    for entry in entries:
        allocation = allocations[entry.allocation_id]
        figure = existing.get(allocation.id)
        old_value = figure.value if figure else None
        others = series.get(allocation.id, {})
        if entry.value != old_value:  # a row left as it was warned when it was saved; it is not warned again
            result.warnings += _warnings_for(entry, allocation, others, month, start_month)
        changed = _apply(entry, allocation, figure, month, user, via, plan, region, year, audit)
        if changed is None:
            continue
        if department is None and allocation.region_id is None:
            _check_owner_editable(plan, year, month, allocation, user, today, owners_checked)
        result.changed += 1
        (created if figure is None else updated).append(changed)
        if old_value != entry.value and allocation.region_id:
            deltas += figure_change_deltas(
                target_id=allocation.target_id,
                kind=allocation.target.kind,
                path=region.path,
                year=year,
                month=month,
                old=old_value,
                new=entry.value,
                others=others,
            )
    # One statement each for new figures, changed figures, audit entries and roll-ups, whatever the grid size.
    MonthlyFigure.objects.bulk_create(created)
    _figures_update(updated)
    AuditEntry.objects.bulk_create(audit, batch_size=500)
    rollups_apply(deltas)
    if result.changed:  # remarks and milestones too (the roll-ups renew the versions only for values); a
        regions_changed({region.path})  # department's grid is the plan region's (its shares count in its totals)
    if result.changed:
        submission.version += 1
        if submission.status == Submission.Status.RETURNED:
            submission.status = Submission.Status.DRAFT
        submission.save(update_fields=["version", "status"])
    return result


def _check_owner_editable(plan, year, month, allocation: Allocation, user, today, checked: set) -> None:
    """A department's share changed through the plan region's grid (or its upload): the figure belongs to the
    department's own submission, whose lock (approved, submitted, past the deadline) holds here too."""
    if allocation.department_id in checked:
        return
    checked.add(allocation.department_id)
    submission = (
        Submission.objects.select_for_update()
        .filter(plan=plan, department_id=allocation.department_id, year=year, month=month)
        .select_related("department")
        .first()
    )
    try:
        _check_editable(plan, year, month, submission or Submission(status=Submission.Status.DRAFT), user, today)
    except ReportingError as exc:
        name = (submission.department if submission else allocation.department).name
        raise ReportingError([f"“{name}”承担的任务：{m}" for m in exc.messages]) from exc


def _figures_update(figures: list[MonthlyFigure]) -> None:
    """One prepared UPDATE executed for every changed figure (executemany). Django's bulk_update builds a CASE
    over every row for every field, and resolving those expressions was most of the CPU of a grid save."""
    if not figures:
        return
    names = (*FIGURE_FIELDS, "is_demo", "version", "updated_by", "updated_at")
    fields = [MonthlyFigure._meta.get_field(name) for name in names]
    quote = connection.ops.quote_name
    sql = (
        f"UPDATE {quote(MonthlyFigure._meta.db_table)} SET "
        + ", ".join(f"{quote(f.column)} = %s" for f in fields)
        + f" WHERE {quote(MonthlyFigure._meta.pk.column)} = %s"
    )
    rows = [
        [f.get_db_prep_save(getattr(figure, f.attname), connection) for f in fields] + [figure.pk] for figure in figures
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _check_entries(entries: list[FigureEntry], allocations: dict[int, Allocation]) -> None:
    errors = []
    seen = set()
    for n, entry in enumerate(entries, start=1):
        if entry.allocation_id not in allocations:
            errors.append(f"第{n}行：该指标不属于本表（编号{entry.allocation_id}）")
        if entry.allocation_id in seen:
            errors.append(f"第{n}行：指标重复填报")
        seen.add(entry.allocation_id)
        if entry.value is not None and entry.value < 0 and not entry.is_correction:
            errors.append(f"第{n}行：数值不能为负数")
    if errors:
        raise ReportingError(errors)


def _conflicts(entries: list[FigureEntry], existing: dict[int, MonthlyFigure], allocations) -> list[str]:
    changes = []
    for entry in entries:
        current = existing.get(entry.allocation_id)
        now_value = current.value if current else None
        now_remark = current.remark if current else ""
        if now_value != entry.original_value or now_remark != entry.original_remark:
            who = person_name(current.updated_by if current else None) or "他人"
            changes.append(
                f"“{allocations[entry.allocation_id].target.name}”："
                f"您打开时为 {_text(entry.original_value)}，现为 {_text(now_value)}（{who} 修改）"
            )
    return changes


def _other_months(allocations: dict[int, Allocation], month: int) -> dict[int, dict[int, Decimal]]:
    """Each allocation's figures of the year's other months (1 query): for the checks and stock roll-ups."""
    series: dict[int, dict[int, Decimal]] = {}
    rows = MonthlyFigure.objects.filter(allocation__in=allocations, value__isnull=False).exclude(month=month)
    for allocation_id, m, value in rows.order_by("month").values_list("allocation_id", "month", "value"):
        series.setdefault(allocation_id, {})[m] = value
    return series


def _stale(entries: list[FigureEntry], existing: dict[int, MonthlyFigure], allocations) -> list[str]:
    """Uploaded rows that would overwrite a figure changed since the template was downloaded."""
    changes = []
    for entry in entries:
        current = existing.get(entry.allocation_id)
        if entry.seen_version is None or (current.version if current else 0) == entry.seen_version:
            continue
        if _entry_fields(entry) == _figure_fields(current):
            continue  # the upload says what the figure says now: nothing would be undone
        who = person_name(current.updated_by if current else None) or "他人"
        changes.append(
            f"{entry.label}“{allocations[entry.allocation_id].target.name}”：下载模板后已被修改，"
            f"现为 {_text(current.value if current else None)}（{who} 修改），请重新下载模板"
        )
    return changes


def _is_blank(value) -> bool:
    """Nothing typed. Never `value in (None, "", False)`: Decimal(0) == False, and a typed 0 is a figure."""
    return value is None or value is False or (isinstance(value, str) and value == "")


def _entry_fields(entry: FigureEntry) -> dict:
    return {
        "value": entry.value,
        "milestone_status": entry.milestone_status,
        "milestone_date": entry.milestone_date,
        "remark": entry.remark.strip(),
        "includes_prior": entry.includes_prior,
        "is_correction": entry.is_correction,
    }


def _figure_fields(figure: MonthlyFigure | None) -> dict:
    if figure is None:
        return {"value": None, "milestone_status": "", "milestone_date": None, "remark": ""}
    return {name: getattr(figure, name) for name in FIGURE_FIELDS}


def _warnings_for(
    entry: FigureEntry, allocation: Allocation, others: dict[int, Decimal], month: int, start_month: int
) -> list[str]:
    """Plausibility of one figure against what counts towards the same period's target, read through the
    engine's arithmetic (a per-quarter count is judged against its quarter, not the year so far)."""
    target = allocation.target
    found = checks.figure_warnings(
        kind=effective_kind(target.kind, target.period),
        value=entry.value,
        history=[v for m, v in sorted(others.items()) if m < month],
        target=allocation.value,
        cumulative_before=period_cumulative_before(
            kind=target.kind, period=target.period, figures=others, month=month, start_month=start_month
        ),
    )
    if found and not entry.remark.strip():
        raise ReportingError([f"“{allocation.target.name}”：{'；'.join(found)}，请在备注中说明原因后再保存"])
    return [f"“{allocation.target.name}”：{w}" for w in found]


FIGURE_FIELDS = ("value", "milestone_status", "milestone_date", "remark", "includes_prior", "is_correction")


def _apply(entry, allocation, figure, month, user, via, plan, region, year, audit: list) -> MonthlyFigure | None:
    """The figure as the entry leaves it (unsaved), or None when nothing changes; its audit rows go to `audit`."""
    new = _entry_fields(entry)
    if figure is None:
        if all(_is_blank(v) for v in new.values()):
            return None
        figure = MonthlyFigure(allocation=allocation, month=month, version=0)
    old = {name: getattr(figure, name) for name in new}
    changed = [name for name in new if old[name] != new[name]]
    if not changed:
        return None
    for name in changed:
        setattr(figure, name, new[name])
    figure.version += 1
    figure.is_demo = False  # what a person enters is theirs, even over a demo figure
    figure.updated_by = user
    figure.updated_at = timezone.now()
    audit += [
        AuditEntry(
            subject=AuditEntry.Subject.FIGURE,
            plan=plan,
            region=region,
            target=allocation.target,
            allocation=allocation,
            year=year,
            month=month,
            field=name,
            old_value=_text(old[name]),
            new_value=_text(new[name]),
            user=user,
            via=via,
            remark=entry.remark.strip(),
        )
        for name in changed
    ]
    return figure


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    return str(value)


def _audit_submission(submission: Submission, old: str, user, remark: str = "") -> None:
    regions_changed({submission.region.path})  # the reporting rate on the dashboards above it moves
    AuditEntry.objects.create(
        subject=AuditEntry.Subject.SUBMISSION,
        plan=submission.plan,
        region=submission.region,
        year=submission.year,
        month=submission.month,
        field="status",
        old_value=old,
        new_value=submission.get_status_display(),
        user=user,
        via=AuditEntry.Via.FORM,
        remark=remark,
    )


@transaction.atomic
def submission_submit(
    *,
    plan: Plan,
    region: Region,
    year: int,
    month: int,
    user,
    expected_version: int | None = None,
    today: dt.date | None = None,
    department=None,
) -> Submission:
    today = today or _today()
    _check_can_enter(user, region, department)
    submission = _locked_submission(plan, region, year, month, department)
    _check_editable(plan, year, month, submission, user, today)
    if expected_version is not None and expected_version != submission.version:
        raise ConflictError(["他人已修改本表，请刷新后核对再报送"])
    old = submission.get_status_display()
    submission.status = Submission.Status.SUBMITTED
    submission.submitted_at = timezone.now()
    submission.submitted_by = user
    submission.version += 1
    submission.save()
    _audit_submission(submission, old, user)
    submission_notify(submission, Notification.Kind.SUBMITTED)
    return submission


def _review(submission_id: int, user, allowed: tuple[str, ...]) -> tuple[Submission, str]:
    if not scope_for(user).can_review:
        raise PermissionDenied("只有省级管理员可以审核")
    submission = Submission.objects.select_for_update().select_related("plan", "region").get(pk=submission_id)
    if not scope_for(user).administers(submission.region):
        raise PermissionDenied("无权审核该地区的数据")
    if submission.status not in allowed:
        raise ReportingError(f"当前状态为“{submission.get_status_display()}”，不能进行此操作")
    return submission, submission.get_status_display()


@transaction.atomic
def submission_return(*, submission_id: int, user, reason: str) -> Submission:
    if not reason.strip():
        raise ReportingError("退回时必须填写原因")
    submission, old = _review(submission_id, user, (Submission.Status.SUBMITTED, Submission.Status.APPROVED))
    submission.status = Submission.Status.RETURNED
    submission.return_reason = reason.strip()
    submission.reviewed_by, submission.reviewed_at = user, timezone.now()
    submission.version += 1
    submission.save()
    _audit_submission(submission, old, user, reason.strip())
    submission_notify(submission, Notification.Kind.RETURNED)
    return submission


@transaction.atomic
def submission_approve(*, submission_id: int, user) -> Submission:
    submission, old = _review(submission_id, user, (Submission.Status.SUBMITTED,))
    submission.status = Submission.Status.APPROVED
    submission.reviewed_by, submission.reviewed_at = user, timezone.now()
    submission.version += 1
    submission.save()
    _audit_submission(submission, old, user)
    submission_notify(submission, Notification.Kind.APPROVED)
    return submission


@transaction.atomic
def submission_reopen(
    *, plan: Plan, region: Region, year: int, month: int, until: dt.date, user, department=None, reason: str = ""
) -> Submission:
    """Lift the deadline lock for one region (or, with `department`, that department's report) and month until a
    date (an approved month goes back to draft); `reason` is kept as the return reason and in the audit."""
    if not scope_for(user).administers(region):
        raise PermissionDenied("只有本地区及上级的管理员可以重新开放")
    submission = _locked_submission(plan, region, year, month, department)
    old = submission.get_status_display()
    submission.reopened_until = until
    if submission.status == Submission.Status.APPROVED:
        submission.status = Submission.Status.RETURNED
    if reason != "":
        submission.return_reason = reason[:500]
    submission.version += 1
    submission.save()
    _audit_submission(submission, old, user, f"重新开放至{until:%Y-%m-%d}" + (f"：{reason}" if reason != "" else ""))
    return submission


@dataclass
class AllocationResult:
    saved: int
    warnings: list[str]


@transaction.atomic
def allocations_save(
    *, target: Target, year: int, shares: dict[int, Decimal | None], user, via: str = AuditEntry.Via.FORM
) -> AllocationResult:
    """Set a target's per-region shares for a year; warn where they add up to less than the target."""
    scope = scope_for(user)
    if not scope.is_admin:
        raise PermissionDenied("只有省级管理员可以分解目标")
    plan = target.key_task.plan
    regions = {r.id: r for r in Region.objects.filter(pk__in=shares)}
    if not all(scope.administers(r) for r in regions.values()) or len(regions) != len(shares):
        raise PermissionDenied("无权分解该地区的目标")
    existing = {a.region_id: a for a in Allocation.objects.filter(target=target, year=year, region__in=regions)}
    saved = 0
    for region_id, value in shares.items():
        saved += _allocation_apply(target, year, regions[region_id], existing.get(region_id), value, user, via, plan)
    return AllocationResult(saved, _allocation_warnings(target, year, plan))


@transaction.atomic
def holders_ensure(*, plan: Plan, year: int) -> int:
    """Give every monthly-reported target that nobody holds in `year` to the plan's own region (本级), so that
    its reporter can report it: a target either has a holder or is not tracked monthly, never 未报 by default.
    Returns how many allocations were created."""
    held = set(Allocation.objects.for_plan(plan).for_year(year).values_list("target_id", flat=True))
    plan_years = len(plan.years)
    created = [
        Allocation(
            target=t,
            year=year,
            region=plan.region,
            value=t.yearly_share(plan_years, list(plan.years).index(year) if year in plan.years else 0),
            note="本级填报",
        )
        for t in Target.objects.filter(key_task__plan=plan, is_reported=True).exclude(id__in=held)
    ]
    Allocation.objects.bulk_create(created)
    rollups_apply(
        [(a.target_id, plan.region.path, year, 0, *figure_delta(None, a.value)) for a in created if a.value is not None]
    )
    return len(created)


def _allocation_apply(target, year, region, allocation, value, user, via, plan) -> int:
    if value is not None and value < 0:
        raise ReportingError(f"{region.name}：分解目标不能为负数")
    old = allocation.value if allocation else None
    if allocation is None and value is None:
        return 0
    if allocation is not None and old == value and not allocation.is_demo:
        return 0
    upper = allocation.value_max if allocation else None  # the document's range (1至2所): its upper bound
    if upper is not None and value is not None and value > upper:
        raise ReportingError(f"{region.name}：分解目标不能高于文件给出的区间上限{upper.normalize():f}{target.unit}")
    allocation = allocation or Allocation(target=target, year=year, region=region)
    allocation.value, allocation.is_demo = value, False
    if value is None:
        allocation.value_max = None  # a share cleared keeps no range
    allocation.save()
    rollups_apply([(target.id, region.path, year, 0, *figure_delta(old, value))])
    AuditEntry.objects.create(
        subject=AuditEntry.Subject.ALLOCATION,
        plan=plan,
        region=region,
        target=target,
        allocation=allocation,
        year=year,
        field="value",
        old_value=_text(old),
        new_value=_text(value),
        user=user,
        via=via,
    )
    return 1


def _allocation_warnings(target: Target, year: int, plan: Plan) -> list[str]:
    yearly = target.yearly_share(len(plan.years))
    children = Allocation.objects.filter(target=target, year=year, region__parent=plan.region)
    total = sum((a.value or 0 for a in children), Decimal(0))
    if yearly is not None and total < yearly:
        label = spec(target.kind, target.period).target_label
        return [f"各地分解合计{total.normalize():f}{target.unit}，少于{label}{yearly.normalize():f}{target.unit}"]
    return []


@dataclass
class UploadResult:
    regions: int
    rows: int
    changed: int
    warnings: list[str]


def figures_upload(
    *, plan: Plan, year: int, month: int, data: bytes, user, today: dt.date | None = None
) -> UploadResult:
    """Apply a filled-in entry template, all or nothing: any error in any row and nothing is written."""
    from django.conf import settings

    from targets.excel import parse_entry_upload

    if not scope_for(user).can_enter_figures:  # refuse before parsing: parsing is the costly part
        raise PermissionDenied("您的角色不能填报数据")
    parsed = parse_entry_upload(
        data,
        max_bytes=settings.UPLOAD_MAX_BYTES,
        max_rows=settings.UPLOAD_MAX_ROWS,
        describe=lambda ids: _kinds_and_units(plan, ids),
    )
    errors = [_row_error(e.row_number, e.message) for e in parsed.errors]
    if not errors:
        errors = _upload_header_errors(parsed, plan, year, month)
    if errors:
        raise ReportingError(errors)
    return _upload_apply(plan, year, month, parsed.rows, user, today or _today(), parsed.cumulative)


def _kinds_and_units(plan: Plan, allocation_ids: list[int]) -> dict[int, tuple[str, str]]:
    """What the database says each row is: the template's hidden sheet is the user's to edit."""
    rows = Allocation.objects.for_plan(plan).filter(pk__in=allocation_ids)
    return {pk: (kind, unit) for pk, kind, unit in rows.values_list("id", "target__kind", "target__unit")}


def _row_error(row_number: int | None, message: str) -> str:
    if row_number is None or message.startswith("第"):
        return message
    return f"第{row_number}行：{message}"


def _upload_header_errors(parsed, plan: Plan, year: int, month: int) -> list[str]:
    errors = []
    if parsed.plan_slug != plan.slug:
        errors.append(f"模板属于其他方案（{parsed.plan_slug or '未知'}），请下载本方案的模板")
    if (parsed.year, parsed.month) != (year, month):
        errors.append(f"模板月份为{parsed.year}年{parsed.month}月，与所选的{year}年{month}月不一致")
    if not parsed.rows:
        errors.append("模板中没有填写任何数据")
    return errors


def _upload_apply(plan, year, month, rows, user, today, cumulative=False) -> UploadResult:
    scope = scope_for(user)
    allocations = Allocation.objects.for_plan(plan).for_year(year).select_related("region", "target")
    by_id = {a.id: a for a in allocations.filter(pk__in=[r.allocation_id for r in rows])}
    groups: dict[int, list] = {}
    errors = []
    for row in rows:
        allocation = by_id.get(row.allocation_id)
        region = _upload_region(allocation, plan)
        if allocation is None:
            errors.append(f"第{row.row_number}行：指标编号{row.allocation_id}不属于本方案{year}年度")
        elif not (scope.can_enter_figures and scope.covers(region)):
            errors.append(f"第{row.row_number}行：您无权填报“{region.name}”的数据")
        else:
            groups.setdefault(region.id, []).append(row)
    if errors:
        raise ReportingError(errors)
    return _upload_save(plan, year, month, groups, user, today, cumulative)


def _upload_region(allocation: Allocation | None, plan: Plan) -> Region | None:
    if allocation is None:
        return None
    return allocation.region or plan.region


def _upload_save(plan, year, month, groups, user, today, cumulative=False) -> UploadResult:
    result = UploadResult(regions=len(groups), rows=sum(len(g) for g in groups.values()), changed=0, warnings=[])
    regions = Region.objects.in_bulk(list(groups))
    errors = []
    with transaction.atomic():
        for region_id, rows in groups.items():
            entries = [
                FigureEntry(
                    allocation_id=r.allocation_id,
                    value=r.value,
                    milestone_status=r.milestone_status,
                    remark=r.remark,
                    seen_version=r.seen_version,
                    label=f"第{r.row_number}行",
                    cumulative=cumulative or r.cumulative,
                )
                for r in rows
            ]
            try:
                with transaction.atomic():
                    saved = figures_save(
                        plan=plan,
                        region=regions[region_id],
                        year=year,
                        month=month,
                        entries=entries,
                        user=user,
                        expected_version=None,
                        via=AuditEntry.Via.UPLOAD,
                        today=today,
                    )
            except ReportingError as exc:
                errors += [
                    f"{regions[region_id].name}（第{rows[0].row_number}—{rows[-1].row_number}行）：{m}"
                    for m in exc.messages
                ]
                continue
            result.changed += saved.changed
            result.warnings += saved.warnings
        if errors:
            transaction.set_rollback(True)
    if errors:
        raise ReportingError(errors)
    return result


def audit_admin_change(*, obj, changed: list[str], initial: dict, user) -> None:
    """Record a change made in the Django admin to a figure or an allocation."""
    audited = {"value", "milestone_status", "milestone_date", "remark"}
    if isinstance(obj, MonthlyFigure):
        allocation, month, subject = obj.allocation, obj.month, AuditEntry.Subject.FIGURE
        if allocation.region_id and set(changed) & audited:  # a grid opened before this change must not undo it
            Submission.objects.filter(
                plan=allocation.target.key_task.plan, region=allocation.region, year=allocation.year, month=month
            ).update(version=F("version") + 1)
    else:
        allocation, month, subject = obj, None, AuditEntry.Subject.ALLOCATION
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(
                subject=subject,
                plan=allocation.target.key_task.plan,
                region=allocation.region,
                target=allocation.target,
                allocation=allocation,
                year=allocation.year,
                month=month,
                field=name,
                old_value=_text(initial.get(name)),
                new_value=_text(getattr(obj, name)),
                user=user,
                via=AuditEntry.Via.ADMIN,
            )
            for name in changed
            if name in audited
        ]
    )
    if "value" in changed and allocation.region_id:
        rollups_apply(_admin_deltas(allocation, month, initial.get("value"), obj.value))
    if set(changed) & audited:  # the reports and pages of the holder's region are stale (a department's: the plan's)
        regions_changed(
            {allocation.region.path if allocation.region_id else allocation.target.key_task.plan.region.path}
        )


def _admin_deltas(allocation: Allocation, month: int | None, old, new) -> list[tuple]:
    path, target = allocation.region.path, allocation.target
    if not month:  # the allocation itself: roll-up month 0
        return [(target.id, path, allocation.year, 0, *figure_delta(old, new))]
    others = dict(
        MonthlyFigure.objects.filter(allocation=allocation, value__isnull=False)
        .exclude(month=month)
        .values_list("month", "value")
    )
    return figure_change_deltas(
        target_id=target.id,
        kind=target.kind,
        path=path,
        year=allocation.year,
        month=month,
        old=old,
        new=new,
        others=others,
    )
