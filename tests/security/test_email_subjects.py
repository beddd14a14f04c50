"""Finding 11 (first half) of issue 21: a plan title with a newline no longer silently fails every email of the
plan; a failed delivery shows its reason to the admin on the completeness page."""

import datetime as dt

import time_machine
from django.core import mail
from django.urls import reverse

from targets.models import Delivery, Reminder
from targets.notify import reminders_due
from tests.targets.test_notifications import AFTER, BEFORE, YEAR, month, receiver  # noqa: F401 - fixtures


def test_a_plan_title_with_a_newline_still_sends_its_emails_on_one_line(
    month,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    plan = month["plan"]
    plan.title = plan.short_title = "测试行动\r\n（第二行）"
    plan.save(update_fields=["title", "short_title"])
    mail.outbox.clear()
    with time_machine.travel(dt.datetime(YEAR, 4, 7, 9, tzinfo=dt.UTC)):
        with django_capture_on_commit_callbacks(execute=True):
            [r for r in reminders_due(BEFORE) if r.plan_id == plan.id]
    emails = Delivery.objects.filter(channel="email")
    assert emails and all(d.status == Delivery.Status.DELIVERED for d in emails)
    assert mail.outbox and all("\n" not in m.subject and "\r" not in m.subject for m in mail.outbox)
    assert "测试行动 （第二行）" in mail.outbox[0].subject


def test_the_admin_sees_why_a_delivery_failed(month, client_for):  # noqa: F811
    (reminder,) = [r for r in reminders_due(BEFORE) if r.plan_id == month["plan"].id]
    Delivery.objects.create(
        channel="email",
        reminder=reminder,
        user=month["reporters"][0],
        address="reporter0@example.gov.cn",
        subject="s",
        body="b",
        status=Delivery.Status.FAILED,
        attempts=5,
        response="SMTP 550 mailbox unavailable",
    )
    page = client_for(month["admin"]).get(
        reverse("targets:completeness") + f"?plan={month['plan'].slug}&year={YEAR}&month=3"
    )
    html = page.content.decode()
    assert "发送失败原因" in html and "SMTP 550 mailbox unavailable" in html and "已尝试5次" in html
    assert Reminder.objects.filter(plan=month["plan"]).exists()
