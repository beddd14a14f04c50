# ruff: noqa: F811  (the fixtures `month` and `receiver` come from test_notifications)
"""一键催报 that lands: a reporting month of the plan, not locked, one slot per interval however many requests
arrive together, a preview that names who gets what and who cannot be reached, the deadline that applies and
an absolute link in every channel, delivery reported per person and per robot."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from targets import notify
from targets.delivery import delivery_attempt
from targets.models import ChaseSlot, Delivery, Notification, Reminder
from targets.notify import ChaseError, chase_preview, reminder_chase
from targets.services import submission_reopen
from tests.targets.test_notifications import YEAR, month, receiver  # noqa: F401  (fixtures)

IN_WINDOW = dt.datetime(YEAR, 4, 8, 2, tzinfo=dt.UTC)  # March is due on 10 April
AFTER_WINDOW = dt.datetime(YEAR, 4, 20, 2, tzinfo=dt.UTC)


def _chase(month, m=3, **kwargs):
    return reminder_chase(
        plan=month["plan"], year=kwargs.pop("year", YEAR), month=m, user=month["admin"], channels=["site"], message=""
    )


@pytest.mark.parametrize(("year", "m"), [(2099, 1), (1999, 5), (2022, 13), (2022, 0), (YEAR, 6)])
def test_a_month_outside_the_plans_reporting_months_cannot_be_chased(month, year, m):
    with time_machine.travel(IN_WINDOW, tick=False), pytest.raises(ChaseError):
        _chase(month, m, year=year)
    assert not Reminder.objects.exists()


def test_a_locked_month_cannot_be_chased_and_reopening_is_offered(month):
    with time_machine.travel(AFTER_WINDOW, tick=False), pytest.raises(ChaseError, match="请先为这些单位重新开放"):
        _chase(month)
    assert not Reminder.objects.exists()


def test_after_reopening_only_the_reopened_region_is_chased_with_its_own_deadline(
    month, django_capture_on_commit_callbacks
):
    city = month["cities"][0]
    with time_machine.travel(AFTER_WINDOW, tick=False):
        submission_reopen(
            plan=month["plan"], region=city, year=YEAR, month=3, until=dt.date(YEAR, 4, 25), user=month["admin"]
        )
        with django_capture_on_commit_callbacks(execute=False):
            reminder = _chase(month)
    assert reminder.holder_count == 1 and list(reminder.regions.all()) == [city]
    note = Notification.objects.get(reminder=reminder)
    assert "2024年04月25日" in note.body  # the reopened month's deadline, not 10 April


def test_a_request_arriving_while_another_is_sending_is_refused_by_the_slot_row(month):
    """Simultaneous requests all read "no reminder yet" (the first writes its reminder only at the end); the
    slot row, inserted or re-taken by one conditional UPDATE, lets exactly one through, so six send one."""
    with time_machine.travel(IN_WINDOW, tick=False):
        notify._take_slot(month["plan"], YEAR, 3, notify.timezone.now(), 60)  # request A, still sending
        for _ in range(5):  # requests B…F
            with pytest.raises(ChaseError, match="60分钟内已催报过本月"):
                _chase(month)
    assert not Reminder.objects.exists()
    with time_machine.travel(IN_WINDOW + dt.timedelta(minutes=61), tick=False):
        _chase(month)  # the interval passed: the row is re-taken
    assert ChaseSlot.objects.count() == 1 and Reminder.objects.count() == 1


def test_the_preview_names_who_gets_what_and_who_cannot_be_reached(month, client_for):
    plan, cities, reporters = month["plan"], month["cities"], month["reporters"]
    reporters[1].email = ""
    reporters[1].save(update_fields=["email"])
    reporters[2].delete()
    with time_machine.travel(IN_WINDOW, tick=False):
        preview = {r.holder: r for r in chase_preview(plan, YEAR, 3, dt.date(YEAR, 4, 8))}
        html = client_for(month["admin"]).get(reverse("targets:chase", args=[plan.slug, YEAR, 3])).content.decode()
    assert preview[cities[0].name].unreachable == [] and preview[cities[0].name].deadline == dt.date(YEAR, 4, 10)
    assert preview[cities[0].name].robot.endswith("?…") and "key=test" not in html  # the robot's key stays hidden
    assert preview[cities[1].name].unreachable == ["填报员均未填写邮箱", "未设置群机器人"]
    assert "没有填报员账号（站内通知和邮件都无人接收）" in preview[cities[2].name].unreachable
    assert "没有填报员账号" in html and "确认发送催报" in html
    assert not Reminder.objects.exists()  # a preview sends nothing


def test_the_robot_message_and_the_email_carry_an_absolute_link(
    month, receiver, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://jineng.example.gov.cn"
    with time_machine.travel(IN_WINDOW, tick=False):
        with django_capture_on_commit_callbacks(execute=False):
            reminder = reminder_chase(
                plan=month["plan"], year=YEAR, month=3, user=month["admin"], channels=["email", "webhook"], message=""
            )
        for delivery in reminder.deliveries.all():
            delivery_attempt(delivery.pk)
    link = "https://jineng.example.gov.cn" + reverse(
        "targets:grid", args=[month["plan"].slug, YEAR, 3, month["cities"][0].code]
    )
    assert link in receiver.received[0]["text"]["content"]
    assert all("https://jineng.example.gov.cn/figures/" in d.body for d in reminder.deliveries.all())


def test_delivery_is_reported_per_person_and_per_robot(month, client_for, django_capture_on_commit_callbacks):
    with time_machine.travel(IN_WINDOW, tick=False):
        with django_capture_on_commit_callbacks(execute=False):
            reminder = reminder_chase(
                plan=month["plan"], year=YEAR, month=3, user=month["admin"], channels=["email", "webhook"], message=""
            )
        html = client_for(month["admin"]).get(reverse("targets:reminder_detail", args=[reminder.pk])).content.decode()
    assert reminder.deliveries.filter(channel=Delivery.Channel.WEBHOOK).count() == 1
    assert "reporter1@example.gov.cn" in html and f"{month['cities'][0].name}群机器人" in html and "待发送" in html
