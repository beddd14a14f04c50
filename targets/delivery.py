"""Sending one message of an outside channel (an email to a user, a group-robot webhook of a region) and
recording the answer; the Celery task that does it after commit and retries it with backoff."""

from __future__ import annotations

import json
import smtplib

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

from skills_admin.lib.robots import RobotRefused, robot_post
from targets.models import Delivery

DELIVERY_RETRIES = 4


class DeliveryFailed(Exception):
    pass


@shared_task(bind=True, acks_late=True, max_retries=DELIVERY_RETRIES)
def deliver(self, delivery_id: int) -> str:
    """Send one email or webhook message; on failure retry after 1, 2, 4, 8 minutes."""
    try:
        return delivery_attempt(delivery_id).status
    except DeliveryFailed as exc:
        raise self.retry(exc=exc, countdown=60 * 2**self.request.retries) from exc


def delivery_attempt(delivery_id: int) -> Delivery:
    """Send one delivery once; record the answer. Raises DeliveryFailed so the task can retry."""
    delivery = Delivery.objects.get(pk=delivery_id)
    if delivery.status == Delivery.Status.DELIVERED:
        return delivery
    delivery.attempts += 1
    try:
        answer = _post_webhook(delivery) if delivery.channel == Delivery.Channel.WEBHOOK else _send_email(delivery)
    except RobotRefused as exc:  # a forbidden address stays forbidden: recorded, never retried
        delivery.status, delivery.response = Delivery.Status.FAILED, str(exc)[:500]
        delivery.save(update_fields=["attempts", "status", "response"])
        return delivery
    except (OSError, smtplib.SMTPException, ValueError) as exc:
        delivery.status, delivery.response = Delivery.Status.FAILED, str(exc)[:500]
        delivery.save(update_fields=["attempts", "status", "response"])
        raise DeliveryFailed(delivery.response) from exc
    delivery.status, delivery.response, delivery.sent_at = Delivery.Status.DELIVERED, answer[:500], timezone.now()
    delivery.save(update_fields=["attempts", "status", "response", "sent_at"])
    return delivery


def _send_email(delivery: Delivery) -> str:
    send_mail(clean_subject(delivery.subject), delivery.body, None, [delivery.address])
    return "已交给邮件服务器"


def clean_subject(subject: str) -> str:
    """One line: a newline in a plan's title would make Django refuse every email of the plan (header injection)."""
    return " ".join(str(subject).split())[:200]


def webhook_payload(text: str) -> bytes:
    """企业微信 and 钉钉 group robots both take this text message."""
    return json.dumps({"msgtype": "text", "text": {"content": text}}, ensure_ascii=False).encode()


def _post_webhook(delivery: Delivery) -> str:
    """Through the one guarded sender: robot hosts only, public addresses only, no redirect, no body kept."""
    answer = robot_post(delivery.address, webhook_payload(delivery.body), timeout=settings.WEBHOOK_TIMEOUT_SECONDS)
    if not answer.ok:  # the robots answer 200 with {"errcode": 93000, "errmsg": "..."} on refusal; 3xx is refused
        raise OSError(str(answer))
    return str(answer)
