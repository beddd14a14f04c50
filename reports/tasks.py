"""Celery tasks (thin wrappers that take ids and call services) and what enqueues them: a circular request
and its retry, and the re-publishing of jobs whose message was lost."""

import datetime as dt
import logging
import time

from celery import shared_task
from django.core.cache import cache
from django.db import OperationalError, transaction
from django.utils import timezone

from plans.models import Plan, Region
from reports.models import CircularJob
from reports.services import circular_build, due_circulars, extract_regions, jobs_fail_stuck
from skills_admin.lib import clock
from skills_admin.lib.health import HEARTBEAT_KEY

logger = logging.getLogger(__name__)


@shared_task(bind=True, acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def build_circular(self, job_id: int) -> int:
    return circular_build(job_id=job_id).pk


@shared_task
def generate_due_circulars() -> int:
    due = due_circulars(clock.now())
    for plan, year, month in due:
        for region in [plan.region, *extract_regions(plan)]:
            circular_request(plan=plan, year=year, month=month, region=region, automatic=True)
    return len(due)


@shared_task
def recover_stuck_jobs(max_minutes: int = 30) -> int:
    return jobs_fail_stuck(max_minutes=max_minutes) + jobs_requeue_waiting()


@shared_task
def worker_heartbeat() -> None:
    cache.set(HEARTBEAT_KEY, str(time.time()), 600)


@shared_task
def escalate_notices() -> int:
    """Unanswered follow-up notices past their deadline turn red (daily)."""
    from django.utils import translation

    from reports.followup import notices_escalate

    with translation.override("zh-hans"), timezone.override("Asia/Shanghai"):
        return notices_escalate(today=clock.today())


def circular_request(*, plan: Plan, year: int, month: int, region: Region, user=None, automatic: bool = False):
    """Create a job and enqueue its build once the job row is committed."""
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
        CircularJob.objects.filter(pk=job_id).update(error="消息队列暂不可用，通报生成已延迟；服务恢复后可点击“重试”")


def job_retry(*, job: CircularJob, user) -> CircularJob:
    return circular_request(plan=job.plan, year=job.year, month=job.month, region=job.region, user=user)


def jobs_requeue_waiting(*, max_minutes: int = 10) -> int:
    """Publish again the jobs still queued after `max_minutes`: their message was lost with the broker (a
    publish into a connection Redis had just dropped) or never sent. The build claims a job before working,
    so a job whose first message does arrive after all is still built once."""
    cutoff = timezone.now() - dt.timedelta(minutes=max_minutes)
    waiting = list(
        CircularJob.objects.filter(status=CircularJob.Status.QUEUED, created_at__lt=cutoff).values_list("id", flat=True)
    )
    for job_id in waiting:
        _enqueue(build_circular, job_id)
    return len(waiting)
