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
