"""Reminders (催报) and notifications: the bell, email through the outbox, webhooks to a local receiver."""

import datetime as dt
import json
import threading
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from plans.models import Profile
from targets.models import AuditEntry, Delivery, Notification, Reminder, Submission
from targets.notify import reminder_chase, reminders_due
from targets.services import submission_approve, submission_return, submission_submit
from tests.conftest import add_figures, make_small_plan, make_user

YEAR = 2024


class Receiver:
    """A group robot on 127.0.0.1: records every POST and answers with the configured status and body."""

    def __init__(self):
        self.received: list[dict] = []
        self.status, self.answer = 200, {"errcode": 0, "errmsg": "ok"}
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers["Content-Length"])
                receiver.received.append(json.loads(self.rfile.read(length)))
                body = json.dumps(receiver.answer).encode()
                self.send_response(receiver.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/cgi-bin/webhook/send?key=test"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def receiver(settings):
    settings.ROBOT_TEST_HOSTS = ["127.0.0.1"]  # the test-only way to reach a loopback robot over http
    r = Receiver()
    yield r
    r.server.shutdown()
    r.server.server_close()


@pytest.fixture
def month(db, receiver):
    """A plan of three cities for 2024; city 1 has a webhook; one reporter (with email) per city and an admin."""
    plan, province, cities, (target,) = make_small_plan(year=YEAR)
    for city in cities:
        add_figures(target, city, YEAR, Decimal(10000), {})
    cities[0].webhook_url = receiver.url
    cities[0].save(update_fields=["webhook_url"])
    reporters = [make_user(f"reporter{i}", Profile.Role.REPORTER, c.code) for i, c in enumerate(cities)]
    for user in reporters:
        user.email = f"{user.username}@example.gov.cn"
        user.save(update_fields=["email"])
    admin = make_user("admin_t", Profile.Role.ADMIN, province.code)
    admin.email = "admin@example.gov.cn"
    admin.save(update_fields=["email"])
    return {"plan": plan, "cities": cities, "reporters": reporters, "admin": admin}


def due(today, plan):
    """The scheduled reminders of the day for the test plan (the seed plans are chased too)."""
    return [r for r in reminders_due(today) if r.plan_id == plan.id]


# March figures are due on 10 April: reminders on 7 April (3 days before) and on 11 April.
BEFORE, AFTER = dt.date(YEAR, 4, 7), dt.date(YEAR, 4, 11)


def test_three_days_before_the_deadline_every_open_region_is_reminded_on_every_channel(
    month, receiver, django_capture_on_commit_callbacks
):
    plan, cities, reporters = month["plan"], month["cities"], month["reporters"]
    submission_submit(plan=plan, region=cities[2], year=YEAR, month=3, user=reporters[2], today=BEFORE)
    mail.outbox.clear()
    with time_machine.travel(dt.datetime(YEAR, 4, 7, 9, tzinfo=dt.UTC)):
        with django_capture_on_commit_callbacks(execute=True):
            (reminder,) = due(BEFORE, plan)
    assert reminder.kind == Reminder.Kind.BEFORE
    assert sorted(r.code for r in reminder.regions.all()) == sorted(c.code for c in cities[:2])
    bell = Notification.objects.filter(kind=Notification.Kind.REMINDER)
    assert sorted(n.user.username for n in bell) == ["reporter0", "reporter1"]
    assert "04月10日前" in bell[0].body
    assert sorted(m.to[0] for m in mail.outbox) == ["reporter0@example.gov.cn", "reporter1@example.gov.cn"]
    (payload,) = receiver.received  # only city 1 has a robot
    assert payload["msgtype"] == "text" and payload["text"]["content"].startswith(f"【{cities[0].name}】催报")
    webhook = Delivery.objects.get(channel=Delivery.Channel.WEBHOOK)
    assert webhook.status == Delivery.Status.DELIVERED and webhook.attempts == 1
    assert webhook.response == "HTTP 200 errcode=0 errmsg=ok"  # the status and the robot's own words only
    assert Delivery.objects.filter(channel="email", status="delivered").count() == 2


def test_the_schedule_reminds_once_however_often_beat_runs_and_not_on_other_days(month, receiver):
    plan = month["plan"]
    assert due(dt.date(YEAR, 4, 6), plan) == []
    assert len(due(BEFORE, plan)) == 1
    assert due(BEFORE, plan) == []
    assert due(dt.date(YEAR, 4, 10), plan) == []


def test_the_day_after_the_deadline_late_and_returned_regions_are_chased(month, receiver):
    plan, cities, reporters, admin = month["plan"], month["cities"], month["reporters"], month["admin"]
    for i in (1, 2):
        submission_submit(plan=plan, region=cities[i], year=YEAR, month=3, user=reporters[i], today=BEFORE)
    sub = Submission.objects.get(plan=plan, region=cities[1], year=YEAR, month=3)
    submission_return(submission_id=sub.pk, user=admin, reason="培训人数与台账不符")
    (reminder,) = due(AFTER, plan)
    assert reminder.kind == Reminder.Kind.AFTER
    assert sorted(r.code for r in reminder.regions.all()) == sorted(c.code for c in cities[:2])
    returned = Notification.objects.get(user=reporters[1], kind=Notification.Kind.REMINDER)
    assert "已过填报截止日" in returned.body and "培训人数与台账不符" in returned.body
    # the month is locked for them now: the link leads home, the text says to ask for reopening
    assert returned.url == reverse("home") and "如需补报请联系管理员重新开放" in returned.body


def test_a_refused_webhook_is_retried_with_backoff_and_recorded_as_failed(
    month, receiver, django_capture_on_commit_callbacks
):
    receiver.answer = {"errcode": 93000, "errmsg": "invalid webhook url"}
    with django_capture_on_commit_callbacks(execute=True):
        reminders_due(BEFORE)
    webhook = Delivery.objects.get(channel=Delivery.Channel.WEBHOOK)
    assert webhook.status == Delivery.Status.FAILED
    assert webhook.attempts == 5 == len(receiver.received)  # first try and four retries (eager: no wait)
    assert "93000" in webhook.response


def test_an_unreachable_webhook_fails_without_breaking_the_other_channels(
    month, receiver, django_capture_on_commit_callbacks
):
    receiver.server.shutdown()
    receiver.server.server_close()
    with django_capture_on_commit_callbacks(execute=True):
        reminders_due(BEFORE)
    assert Delivery.objects.get(channel="webhook").status == Delivery.Status.FAILED
    assert Delivery.objects.filter(channel="email", status="delivered").count() == 3
    assert Notification.objects.filter(kind="reminder").count() == 3


def test_return_approve_and_submit_notify_the_right_people(month, django_capture_on_commit_callbacks):
    plan, cities, reporters, admin = month["plan"], month["cities"], month["reporters"], month["admin"]
    with django_capture_on_commit_callbacks(execute=True):
        sub = submission_submit(plan=plan, region=cities[0], year=YEAR, month=3, user=reporters[0], today=BEFORE)
    assert Notification.objects.get(user=admin).title.startswith(f"{cities[0].name}已报送")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        submission_return(submission_id=sub.pk, user=admin, reason="请补充备注")
    note = Notification.objects.get(user=reporters[0], kind=Notification.Kind.RETURNED)
    assert note.body == "退回原因：请补充备注"
    assert note.url == reverse("targets:grid", args=[plan.slug, YEAR, 3, cities[0].code])
    assert mail.outbox[0].to == ["reporter0@example.gov.cn"] and "请补充备注" in mail.outbox[0].body
    submission_submit(plan=plan, region=cities[0], year=YEAR, month=3, user=reporters[0], today=BEFORE)
    submission_approve(submission_id=sub.pk, user=admin)
    assert Notification.objects.filter(user=reporters[0], kind=Notification.Kind.APPROVED).count() == 1
    assert not Notification.objects.filter(user=reporters[1]).exists()


def test_one_click_chase_is_rate_limited_and_audited(month, client_for, receiver):
    plan, admin = month["plan"], month["admin"]
    client = client_for(admin)
    url = reverse("targets:chase", args=[plan.slug, YEAR, 3])
    with time_machine.travel(dt.datetime(YEAR, 4, 8, 2, tzinfo=dt.UTC), tick=False):
        preview = client.get(url).content.decode()
        assert "确认发送催报" in preview and "reporter0@example.gov.cn" in preview
        response = client.post(
            url, {"channels": ["email"], "message": "今天下班前务必报送", "action": "send"}, follow=True
        )
        assert "已向3个地区或部门发出催报" in response.content.decode()
        again = client.post(url, {"channels": ["email"], "message": "再催", "action": "send"}, follow=True)
        assert "60分钟内已催报过本月" in again.content.decode()
    reminder = Reminder.objects.get(kind=Reminder.Kind.MANUAL)
    assert reminder.requested_by == admin and reminder.channels == "site,email"
    assert receiver.received == []  # webhook not chosen
    audit = AuditEntry.objects.get(subject=AuditEntry.Subject.REMINDER)
    assert audit.user == admin and "今天下班前务必报送" in audit.remark
    with time_machine.travel(dt.datetime(YEAR, 4, 8, 3, 1, tzinfo=dt.UTC), tick=False):
        reminder_chase(plan=plan, year=YEAR, month=3, user=admin, channels=["site"], message="")
    assert Reminder.objects.filter(kind=Reminder.Kind.MANUAL).count() == 2


def test_only_admins_may_chase(month, client_for):
    url = reverse("targets:chase", args=[month["plan"].slug, YEAR, 3])
    response = client_for(month["reporters"][0]).post(url, {"action": "send"})
    assert response.status_code in (403, 404)
    assert not Reminder.objects.exists()


def test_completeness_page_offers_the_chase_and_lists_reminders(month, client_for):
    reminders_due(BEFORE)
    page = client_for(month["admin"]).get(
        reverse("targets:completeness") + f"?plan={month['plan'].slug}&year={YEAR}&month=3"
    )
    html = page.content.decode()
    assert "一键催报" in html and "截止前提醒" in html


def test_bell_counts_unread_and_opening_a_notification_marks_it_read(month, client_for):
    reminders_due(BEFORE)
    reporter = month["reporters"][0]
    client = client_for(reporter)
    html = client.get(reverse("targets:notifications")).content.decode()
    assert 'id="unread-count">1<' in html and "催报：测试行动2024年3月数据" in html
    note = Notification.objects.get(user=reporter)
    response = client.get(reverse("targets:notification_open", args=[note.pk]))
    assert response.status_code == 302 and response.url == note.url
    note.refresh_from_db()
    assert note.read_at is not None
    assert 'id="unread-count"' not in client.get(reverse("targets:notifications")).content.decode()


def test_a_user_cannot_open_anothers_notification(month, client_for):
    reminders_due(BEFORE)
    note = Notification.objects.get(user=month["reporters"][0])
    response = client_for(month["reporters"][1]).get(reverse("targets:notification_open", args=[note.pk]))
    assert response.status_code == 404


def test_beat_task_reminds_on_the_day_in_shanghai_time(month):
    from targets.tasks import send_due_reminders

    with time_machine.travel(dt.datetime(YEAR, 4, 7, 1, tzinfo=dt.UTC), tick=False):  # 09:00 in Shanghai
        send_due_reminders.delay()
    assert Reminder.objects.filter(plan=month["plan"], kind=Reminder.Kind.BEFORE).count() == 1


def test_a_failed_delivery_is_retried_after_1_2_4_8_minutes(month, monkeypatch):
    from unittest import mock

    from targets import delivery as sending

    delivery = Delivery.objects.create(channel="webhook", address="http://127.0.0.1:9/", subject="s", body="b")
    countdowns = []

    def fake_retry(*, exc, countdown):
        countdowns.append(countdown)
        return RuntimeError("retry")

    for retries in range(4):
        with mock.patch.object(sending.deliver, "retry", side_effect=fake_retry):
            sending.deliver.push_request(retries=retries)
            try:
                with pytest.raises(RuntimeError):
                    sending.deliver.run(delivery.pk)
            finally:
                sending.deliver.pop_request()
    assert countdowns == [60, 120, 240, 480]
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.FAILED and delivery.attempts == 4
