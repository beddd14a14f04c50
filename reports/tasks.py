"""Celery tasks: thin wrappers that take ids and call services."""

import time

from celery import shared_task
from django.core.cache import cache
from django.db import OperationalError
from django.utils import timezone

from skills_admin.lib.health import HEARTBEAT_KEY


@shared_task(bind=True, acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def build_circular(self, job_id: int) -> int:
    from reports.circulars import circular_build

    return circular_build(job_id=job_id).pk


@shared_task
def generate_due_circulars() -> int:
    from reports.circulars import circular_request, due_circulars, extract_regions

    due = due_circulars(timezone.now())
    for plan, year, month in due:
        for region in [plan.region, *extract_regions(plan)]:
            circular_request(plan=plan, year=year, month=month, region=region, automatic=True)
    return len(due)


@shared_task
def recover_stuck_jobs(max_minutes: int = 30) -> int:
    from reports.services import jobs_fail_stuck, jobs_requeue_waiting

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
        return notices_escalate(today=timezone.localdate())
