"""Celery tasks of reporting: thin wrappers that take ids and call services."""

from celery import shared_task
from django.utils import timezone, translation

DELIVERY_RETRIES = 4


@shared_task(bind=True, acks_late=True, max_retries=DELIVERY_RETRIES)
def deliver(self, delivery_id: int) -> str:
    """Send one email or webhook message; on failure retry after 1, 2, 4, 8 minutes."""
    from targets.notify import DeliveryFailed, delivery_attempt

    try:
        return delivery_attempt(delivery_id).status
    except DeliveryFailed as exc:
        raise self.retry(exc=exc, countdown=60 * 2**self.request.retries) from exc


@shared_task
def send_due_reminders() -> int:
    """Daily: remind the regions that owe last month, N days before its deadline and the day after it."""
    from targets.notify import reminders_due

    with translation.override("zh-hans"):
        return len(reminders_due(timezone.localdate()))
