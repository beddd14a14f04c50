"""Monthly circulars (月度通报): their content from the progress engine, their files, their jobs."""

from __future__ import annotations

import datetime as dt
import logging
import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation

from plans.models import Plan, Region
from reports.circular_content import CircularContent, CompletenessRow, LaggingRow, RankingRow, TargetSummary
from reports.excel import build_circular_xlsx
from reports.models import Circular, CircularJob
from reports.word import build_circular_docx
from targets.formatting import format_number, format_percent
from targets.periods import reporting_deadline
from targets.progress import Status
from targets.queries import Cell, ProgressReport, TargetRow, completeness, progress_report

logger = logging.getLogger(__name__)

BEHIND = {Status.LAGGING, Status.SEVERE}
COUNTED = {Status.DONE, Status.ON_TRACK, Status.LAGGING, Status.SEVERE}
DEFAULT_NEXT_STEPS = (
    "各地要对照年度目标和序时进度，认真分析本地区任务指标完成情况，查找差距，倒排工期，压实责任。"
    "对低于序时进度的指标，要制定切实可行的追赶措施，确保按时完成全年目标任务；"
    "未按时报送数据的地区，要严格落实按月报送制度，确保数据真实、准确、及时。"
)


class CircularError(Exception):
    """A known failure shown to users in Chinese."""


def circular_title(plan: Plan, year: int, month: int) -> str:
    period = f"{year}年1月" if month == 1 else f"{year}年1—{month}月"
    return f"关于{period}“{plan.display_short_title}”任务指标完成情况的通报"


def scope_name(region: Region) -> str:
    return {"province": "全省", "city": "全市", "county": "全区"}.get(region.level, region.name)


def issuer_of(plan: Plan) -> str:
    return plan.issuers.replace("，", "、").split("、")[0].strip() if plan.issuers else plan.region.name


def circular_content(
    plan: Plan, year: int, month: int, region: Region, *, version: int = 1, today: dt.date | None = None
) -> CircularContent:
    """Everything the circular says, read from the progress engine (the same figures as the dashboards)."""
    today = today or timezone.localdate()
    report = progress_report(plan, year, month, region=region, today=today)
    reporting = _reporting_within(completeness(plan, year, month), region)
    summaries = [_target_summary(report, t, region) for t in report.targets if t.is_reported]
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
        overview_paragraphs=_overview(report, summaries, region),
        targets=summaries,
        problems=_problems(report, reporting),
        next_steps=plan.next_steps or DEFAULT_NEXT_STEPS,
        completeness=[_completeness_row(r) for r in reporting.rows],
        lagging=_lagging(report),
        version=version,
        is_demo=_is_demo(plan),
    )


def _is_demo(plan: Plan) -> bool:
    return plan.is_demo or plan.key_tasks.filter(targets__allocations__is_demo=True).exists()


def _opening(plan: Plan, year: int, month: int) -> str:
    cited = f"（{plan.document_number}）" if plan.document_number else ""
    return (
        f"根据《{plan.title}》{cited}关于按月通报各地任务指标完成情况的要求，"
        f"现将{year}年1—{month}月各地任务指标完成情况通报如下。"
    )


def _target_summary(report: ProgressReport, target: TargetRow, region: Region) -> TargetSummary:
    total = report.totals[target.id].progress
    ranking = [_ranking_row(report, c, target) for c in report.target_cells(target.id)]
    ranked_ids = {c.region_id for c in report.target_cells(target.id)}
    ranking += [_no_task_row(r.name, target.unit) for r in report.regions if r.id not in ranked_ids]
    return TargetSummary(
        code=target.code,
        key_task_title=target.key_task_title,
        name=target.name,
        unit=target.unit,
        kind_label=target.kind_label,
        target_value=total.target,
        this_month=total.this_month,
        cumulative=total.cumulative,
        completion_rate=total.completion_rate,
        schedule_rate=total.schedule_rate,
        schedule_gap=total.schedule_gap,
        status_label=total.status.label,
        status_code=total.status.value,
        ranking=ranking,
        sentence=_sentence(target, total, scope_name(region)),
    )


def _ranking_row(report: ProgressReport, cell: Cell, target: TargetRow) -> RankingRow:
    p = cell.progress
    region_name = next(r.name for r in report.regions if r.id == cell.region_id)
    return RankingRow(
        rank=cell.rank,
        rank_change=cell.rank_change,
        region_name=region_name,
        unit=target.unit,
        target_value=p.target,
        this_month=p.this_month,
        cumulative=p.cumulative,
        completion_rate=p.completion_rate,
        schedule_rate=p.schedule_rate,
        schedule_gap=p.schedule_gap,
        status_label=p.status.label,
        status_code=p.status.value,
        remark=cell.remark,
        has_task=True,
    )


def _no_task_row(region_name: str, unit: str) -> RankingRow:
    return RankingRow(
        None, None, region_name, unit, None, None, None, None, None, None, "无任务", "no_task", "", False
    )


def _sentence(target: TargetRow, p, where: str) -> str:
    if p.cumulative is None or p.completion_rate is None:
        return f"{target.name}：截至本月尚无数据。"
    amount = f"{format_number(p.cumulative, target.unit)}{target.unit}"
    text = f"{where}累计{target.name}{amount}，完成年度目标的{format_percent(p.completion_rate)}"
    if p.status == Status.DONE:
        return text + "，已提前完成年度目标。"
    if p.schedule_gap is None:
        return text + "。"
    direction = "超" if p.schedule_gap >= 0 else "低于"
    return text + f"，{direction}序时进度{abs(p.schedule_gap):.1f}个百分点。"


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
        head += "；其中" + "、".join(f"“{s.name}”" for s in done) + "已完成年度目标"
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
    overdue = [
        t.name for t in report.targets if report.totals[t.id].progress.status == Status.MILESTONE_OVERDUE
    ]
    if overdue:
        problems.append("逾期未完成的工作任务：" + "、".join(f"“{n}”" for n in overdue) + "。")
    missing = [r.region.name for r in reporting.missing]
    if missing:
        problems.append("未按时报送本月数据的地区：" + "、".join(missing) + "。")
    return problems or ["本月各项指标均达到序时进度，各地均按时报送数据。"]


def _region_name(report: ProgressReport, region_id: int) -> str:
    return next(r.name for r in report.regions if r.id == region_id)


def _reporting_within(reporting, region: Region):
    """Who reported, limited to the circular's region: a city's circular names only its own non-reporters."""
    rows = [r for r in reporting.rows if r.region.is_within(region)]
    if len(rows) == len(reporting.rows):
        return reporting
    submitted = [r for r in rows if r.status in ("submitted", "approved")]
    return type(reporting)(rows, len(rows), len(submitted), sum(1 for r in submitted if r.on_time))


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


# --- jobs and files -----------------------------------------------------------------------------------------


def circular_request(
    *, plan: Plan, year: int, month: int, region: Region, user=None, automatic: bool = False
):
    """Create a job and enqueue its build once the job row is committed."""
    from reports.tasks import build_circular

    job = CircularJob.objects.create(
        plan=plan, region=region, year=year, month=month, requested_by=user, is_automatic=automatic
    )
    transaction.on_commit(lambda: _enqueue(build_circular, job.id))
    return job


def _enqueue(task, job_id: int) -> None:
    try:
        task.delay(job_id)
    except Exception as exc:  # broker down: the job stays queued and says so; retry from the page later
        logger.warning("could not enqueue circular job %s: %s", job_id, exc)
        CircularJob.objects.filter(pk=job_id).update(
            error="消息队列暂不可用，通报生成已延迟；服务恢复后可点击“重试”"
        )


def circular_build(*, job_id: int, today: dt.date | None = None) -> Circular:
    """Build both files of a job; a failure marks the job failed with a Chinese message and re-raises."""
    job = CircularJob.objects.select_related("plan", "region").get(pk=job_id)
    # Claim the job: a message published twice (re-queued after a broker outage) builds it once.
    claimed = CircularJob.objects.filter(pk=job_id, status=CircularJob.Status.QUEUED).update(
        status=CircularJob.Status.RUNNING, progress=10, started_at=timezone.now(), attempts=job.attempts + 1, error=""
    )
    if not claimed:
        logger.info("circular job %s is %s already; nothing to do", job_id, job.status)
        return job.circular
    job.refresh_from_db()
    try:
        with translation.override("zh-hans"), timezone.override("Asia/Shanghai"):
            circular = _build_files(job, today)
    except Exception as exc:
        _job_update(job, status=CircularJob.Status.FAILED, error=_error_text(exc), finished_at=timezone.now())
        raise
    _job_update(
        job, status=CircularJob.Status.DONE, progress=100, circular=circular, finished_at=timezone.now()
    )
    return circular


def _error_text(exc: Exception) -> str:
    return str(exc) if isinstance(exc, CircularError) else "生成失败，请稍后重试；问题持续时请联系管理员"


def _job_update(job: CircularJob, **fields) -> None:
    for name, value in fields.items():
        setattr(job, name, value)
    job.save(update_fields=list(fields))


def _build_files(job: CircularJob, today: dt.date | None) -> Circular:
    version = _next_version(job)
    content = circular_content(job.plan, job.year, job.month, job.region, version=version, today=today)
    _job_update(job, progress=40)
    folder = Path(settings.MEDIA_ROOT) / "circulars" / job.plan.slug / f"{job.year}-{job.month:02d}"
    stem = f"{job.region.code}-v{version}"
    xlsx = _write_atomically(folder / f"{stem}.xlsx", build_circular_xlsx(content))
    _job_update(job, progress=70)
    docx = _write_atomically(folder / f"{stem}.docx", build_circular_docx(content))
    with transaction.atomic():
        return Circular.objects.create(
            plan=job.plan,
            region=job.region,
            year=job.year,
            month=job.month,
            version=version,
            title=content.title,
            xlsx_path=str(xlsx),
            docx_path=str(docx),
            created_by=job.requested_by,
            is_automatic=job.is_automatic,
        )


def _next_version(job: CircularJob) -> int:
    latest = Circular.objects.filter(
        plan=job.plan, region=job.region, year=job.year, month=job.month
    ).aggregate(v=Max("version"))["v"]
    return (latest or 0) + 1


def _write_atomically(path: Path, data: bytes) -> Path:
    """Write to a temporary name in the same folder, then rename: a half-written file is never served."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def due_circulars(now: dt.datetime) -> list[tuple[Plan, int, int]]:
    """Running plans whose deadline for last month passed (at 08:00) and that have no automatic circular yet."""
    local = timezone.localtime(now)
    today = local.date()
    year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    due = []
    for plan in Plan.objects.select_related("region"):
        deadline = reporting_deadline(plan, year, month)
        if not plan.covers_month(year, month) or (today, local.hour) < (deadline, 8):
            continue
        if not CircularJob.objects.filter(
            plan=plan, region=plan.region, year=year, month=month, is_automatic=True
        ).exists():
            due.append((plan, year, month))
    return due
