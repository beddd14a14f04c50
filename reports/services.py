"""Circular jobs and files: build a job's Word, Excel and PDF files from what the circular says, number them,
keep them in versions; end stuck jobs. Enqueueing is in tasks.py, on top."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation

from plans.models import Plan, Region
from reports.circular_content import CircularContent, circular_content
from reports.circular_layout import CircularLayout
from reports.documents import document_number_take, write_atomically
from reports.excel import build_circular_xlsx
from reports.models import Circular, CircularJob, CircularStyle
from reports.pdf import PdfUnavailable, build_circular_pdf
from reports.queries import headline_codes
from reports.word import build_circular_docx
from skills_admin.lib.downloads import media_name, media_root
from targets.engine import month_end
from targets.periods import reporting_deadline

logger = logging.getLogger(__name__)


class CircularError(Exception):
    """A known failure shown to users in Chinese."""


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
    _job_update(job, status=CircularJob.Status.DONE, progress=100, circular=circular, finished_at=timezone.now())
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
    layout = circular_layout(job.plan, job.region, job.year, job.month, content)
    xlsx = write_atomically(folder / f"{stem}.xlsx", build_circular_xlsx(content))
    _job_update(job, progress=60)
    docx = write_atomically(folder / f"{stem}.docx", build_circular_docx(content, layout))
    _job_update(job, progress=75)
    pdf = _pdf(folder / f"{stem}.pdf", content, layout)
    with transaction.atomic():
        return Circular.objects.create(
            plan=job.plan,
            region=job.region,
            year=job.year,
            month=job.month,
            version=version,
            title=content.title,
            xlsx_path=media_name(xlsx),
            docx_path=media_name(docx),
            pdf_path=media_name(pdf) if pdf else "",
            document_number=layout.document_number,
            created_by=job.requested_by,
            is_automatic=job.is_automatic,
        )


def circular_layout(
    plan: Plan, region: Region, year: int, month: int, content: CircularContent, *, issued: bool = False
) -> CircularLayout:
    """The plan's 通报版式. A draft is marked 草稿 and carries no number; when issued, the province's own circular
    takes the next number of its sequence (every version of one month keeps the month's number), dated by its
    成文日期; a city's extract is marked so and not numbered."""
    style = CircularStyle.objects.filter(plan=plan).first()
    extract_of = "" if region.id == plan.region_id else region.name
    headline = headline_codes(plan) if style is None or style.headline_tables_only else ()
    if style is None:
        return CircularLayout(headline_codes=headline, extract_of=extract_of, is_draft=not issued)
    number = ""
    if issued and style.number_prefix and not extract_of:
        subject = f"circular:{plan.id}:{region.id}:{year}-{month:02d}"
        number = document_number_take(prefix=style.number_prefix, year=content.issue_date.year, subject=subject)
    return CircularLayout(
        masthead=style.masthead,
        document_number=number,
        recipients=style.recipients,
        signature=style.signature,
        copy_to=style.copy_to,
        printed_by=style.printed_by,
        headline_codes=headline,
        extract_of=extract_of,
        is_draft=not issued,
    )


def circular_issue(*, circular: Circular, issue_date: dt.date, user, today: dt.date) -> Circular:
    """签发: the circular's files rebuilt with its 成文日期 and, for the province's own, its 文号; no more 草稿.

    The date is the one the admin chose (the day of issue by default), never the day a draft was generated; it
    lies between the end of the month reported and today.
    """
    from plans.scope import scope_for

    if not scope_for(user).administers(circular.region):
        raise PermissionDenied("只有本地区的管理员可以签发通报")
    if circular.is_issued:
        raise ValidationError("该通报已签发")
    if not (month_end(circular.year, circular.month) <= issue_date <= today):
        raise ValidationError(f"成文日期应在{month_end(circular.year, circular.month):%Y-%m-%d}至{today:%Y-%m-%d}之间")
    plan, region = circular.plan, circular.region
    with translation.override("zh-hans"), timezone.override("Asia/Shanghai"), transaction.atomic():
        content = circular_content(
            plan, circular.year, circular.month, region, version=circular.version, today=issue_date
        )
        layout = circular_layout(plan, region, circular.year, circular.month, content, issued=True)
        folder = (media_root() / circular.docx_path).parent  # stored names are relative to MEDIA_ROOT
        stem = f"{region.code}-v{circular.version}-issued"
        circular.xlsx_path = media_name(write_atomically(folder / f"{stem}.xlsx", build_circular_xlsx(content)))
        circular.docx_path = media_name(write_atomically(folder / f"{stem}.docx", build_circular_docx(content, layout)))
        pdf = _pdf(folder / f"{stem}.pdf", content, layout)
        circular.pdf_path = media_name(pdf) if pdf else ""
        circular.document_number = layout.document_number
        circular.issue_date, circular.issued_at, circular.issued_by = issue_date, timezone.now(), user
        circular.save()
    return circular


def _pdf(path: Path, content: CircularContent, layout: CircularLayout) -> Path | None:
    """The PDF beside the Word file; without a browser the circular is kept with its other two files."""
    if not settings.CIRCULAR_PDF:
        return None
    try:
        return write_atomically(path, build_circular_pdf(content, layout))
    except PdfUnavailable as exc:
        logger.warning("circular PDF not produced: %s", exc)
        return None


def _next_version(job: CircularJob) -> int:
    latest = Circular.objects.filter(plan=job.plan, region=job.region, year=job.year, month=job.month).aggregate(
        v=Max("version")
    )["v"]
    return (latest or 0) + 1


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


def extract_regions(plan: Plan) -> list[Region]:
    """Regions below the plan region that have a leader: their extract is built with the province's circular,
    so a city leader finds it on the leaders' page too (1 query)."""
    from plans.models import Profile

    return list(
        Region.objects.filter(profiles__role=Profile.Role.LEADER, path__startswith=plan.region.path + "/").distinct()
    )


def jobs_fail_stuck(*, max_minutes: int = 30) -> int:
    """A job left running by a killed worker ends as failed (retryable), never running for ever."""
    cutoff = timezone.now() - dt.timedelta(minutes=max_minutes)
    return CircularJob.objects.filter(status=CircularJob.Status.RUNNING, started_at__lt=cutoff).update(
        status=CircularJob.Status.FAILED,
        error="生成过程中断（工作进程退出），请点击“重试”",
        finished_at=timezone.now(),
    )
