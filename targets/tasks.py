"""Celery tasks of reporting: thin wrappers that call services (the delivery task is in targets/delivery.py)."""

from celery import shared_task
from django.utils import translation

from skills_admin.lib import clock
from targets.delivery import deliver  # noqa: F401  (imported so that the worker registers it)


@shared_task
def send_due_reminders() -> int:
    """Daily: remind the regions that owe last month, N days before its deadline and the day after it."""
    from targets.notify import reminders_due

    with translation.override("zh-hans"):
        return len(reminders_due(clock.today()))
