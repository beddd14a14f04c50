"""Writes of the reports app that are not circular building itself."""

import datetime as dt

from django.utils import timezone

from reports.models import CircularJob


def jobs_fail_stuck(*, max_minutes: int = 30) -> int:
    """A job left running by a killed worker ends as failed (retryable), never running for ever."""
    cutoff = timezone.now() - dt.timedelta(minutes=max_minutes)
    return CircularJob.objects.filter(status=CircularJob.Status.RUNNING, started_at__lt=cutoff).update(
        status=CircularJob.Status.FAILED,
        error="生成过程中断（工作进程退出），请点击“重试”",
        finished_at=timezone.now(),
    )


def job_retry(*, job: CircularJob, user) -> CircularJob:
    from reports.circulars import circular_request

    return circular_request(plan=job.plan, year=job.year, month=job.month, region=job.region, user=user)


def jobs_requeue_waiting(*, max_minutes: int = 10) -> int:
    """Publish again the jobs still queued after `max_minutes`: their message was lost with the broker (a
    publish into a connection Redis had just dropped) or never sent. The build claims a job before working,
    so a job whose first message does arrive after all is still built once."""
    from reports.circulars import _enqueue
    from reports.tasks import build_circular

    cutoff = timezone.now() - dt.timedelta(minutes=max_minutes)
    waiting = list(
        CircularJob.objects.filter(status=CircularJob.Status.QUEUED, created_at__lt=cutoff).values_list("id", flat=True)
    )
    for job_id in waiting:
        _enqueue(build_circular, job_id)
    return len(waiting)


def document_number_take(*, prefix: str, year: int, subject: str) -> str:
    """The number of `subject` in the issuer's sequence for `year`: the one it was given, or the next free one.

    Numbers are never reused: the unique constraint on (prefix, year, number) turns a race into a retry.
    """
    from django.db import IntegrityError, transaction
    from django.db.models import Max

    from reports.models import DocumentNumber

    for _ in range(5):
        existing = DocumentNumber.objects.filter(prefix=prefix, subject=subject).first()
        if existing is not None:
            return str(existing)
        latest = DocumentNumber.objects.filter(prefix=prefix, year=year).aggregate(n=Max("number"))["n"] or 0
        try:
            with transaction.atomic():
                return str(DocumentNumber.objects.create(prefix=prefix, year=year, number=latest + 1, subject=subject))
        except IntegrityError:
            continue
    raise RuntimeError(f"could not take a document number for {subject}")
