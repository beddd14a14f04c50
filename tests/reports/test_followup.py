"""Follow-up notices (三色督办单): the engine's proposals, the steps, scope, escalation, the circular's count."""

import datetime as dt
import shutil
import subprocess
from decimal import Decimal as D

import docx
import pytest
import time_machine
from django.urls import reverse

from plans.models import Profile
from reports.followup import follow_up_sentences, notice_lists, notice_proposals, notices_escalate, propose_colour
from reports.models import Notice
from skills_admin.lib.downloads import media_file
from targets.engine import Progress, Status
from tests.conftest import add_figures, make_small_plan, make_user

TODAY = dt.date(2024, 7, 20)  # after the deadline for June


def progress(status, rate=None, gap=None):
    return Progress(None, None, None, rate, None, gap, status, status != Status.NOT_REPORTED)


@pytest.mark.parametrize(
    ("status", "previous", "deadline_passed", "due", "expected"),
    [
        (Status.LAGGING, None, True, None, "yellow"),
        (Status.SEVERE, Status.LAGGING, True, None, "yellow"),
        (Status.SEVERE, Status.SEVERE, True, None, "red"),
        (Status.MILESTONE_OVERDUE, None, True, None, "red"),
        (Status.NOT_REPORTED, None, True, None, "red"),
        (Status.NOT_REPORTED, None, False, None, None),
        (Status.ON_TRACK, None, True, None, None),
        (Status.ON_TRACK, None, True, dt.date(2024, 7, 31), "blue"),  # due in 11 days, not done
        (Status.MILESTONE_ON_TIME, None, True, dt.date(2024, 8, 31), None),  # 42 days away
        (Status.DONE, None, True, dt.date(2024, 7, 31), None),
        (Status.NOT_TRACKED, None, True, dt.date(2024, 7, 31), None),  # nobody reports it monthly
        (Status.NO_TASK, None, True, None, None),
    ],
)
def test_engine_proposes_a_colour(status, previous, deadline_passed, due, expected):
    result = propose_colour(
        progress(status, D(40), D(-10)),
        progress(previous) if previous else None,
        due_date=due,
        today=TODAY,
        blue_days=15,
        deadline_passed=deadline_passed,
    )
    assert (result[0] if result else None) == expected


@pytest.fixture
def small(db):
    plan, province, (a, b, c), (target,) = make_small_plan()
    add_figures(target, a, 2024, D(1200), {m: D(90) for m in range(1, 7)})  # 45% at 50%: lagging 5 points
    add_figures(target, b, 2024, D(1200), {m: D(10) for m in range(1, 7)})  # 5%: severe in May and June
    add_figures(target, c, 2024, D(1200), {m: D(100) for m in range(1, 6)})  # June not reported
    return plan, province, (a, b, c), target


@pytest.mark.django_db
def test_proposals_come_from_the_engine_red_first(small):
    plan, province, (a, b, c), target = small
    proposals = notice_proposals(plan, 2024, 6, today=TODAY)
    assert [(p.region.name, p.colour) for p in proposals] == [(b.name, "red"), (c.name, "red"), (a.name, "yellow")]
    assert proposals[0].reason.startswith("连续两个月严重滞后")
    assert proposals[1].reason == "逾期未报送本月数据"
    assert "低于序时进度5.0个百分点" in proposals[2].reason


def issue(client, plan, region, target, colour="yellow"):
    """Issue the engine's proposal for (region, target); the colour is the engine's, asserted here."""
    data = {"plan": plan.slug, "year": 2024, "month": 6, "item": f"{region.code}:{target.id}"}
    response = client.post(reverse("reports:notice_issue"), data)
    assert response.status_code == 302, response.content
    notice = Notice.objects.latest("id")
    assert notice.colour == colour
    return notice


@pytest.mark.django_db
def test_a_notice_goes_from_issue_to_closed_and_every_step_is_recorded(small, client):
    plan, province, (a, b, c), target = small
    admin = make_user("padmin", Profile.Role.ADMIN, province.code)
    reporter_a = make_user("reporter_a", Profile.Role.REPORTER, a.code)
    reporter_b = make_user("reporter_b", Profile.Role.REPORTER, b.code)
    with time_machine.travel(dt.datetime(2024, 7, 20, 10, 0), tick=False):
        client.force_login(admin)
        notice = issue(client, plan, a, target)
        assert notice.number == "督办〔2024〕1号"
        assert (notice.status, notice.answer_due) == ("issued", dt.date(2024, 7, 27))
        assert "黄色督办单" in [p.text for p in docx.Document(media_file(notice.docx_path)).paragraphs]

        client.force_login(reporter_b)  # another city sees nothing of it
        assert client.get(reverse("reports:notice_detail", args=[notice.pk])).status_code == 404
        assert client.post(reverse("reports:notice_sign", args=[notice.pk])).status_code == 404
        assert notice_lists(reporter_b, plan, today=TODAY)["open"] == []

        client.force_login(reporter_a)
        assert notice_lists(reporter_a, plan, today=TODAY)["open"] == [notice]
        client.post(reverse("reports:notice_sign", args=[notice.pk]))
        answer = {"reasons": "培训机构复工晚", "measures": "增开班次", "date": "2024-09-30"}
        client.post(reverse("reports:notice_answer", args=[notice.pk]), answer)
        notice.refresh_from_db()
        assert (notice.status, notice.answer_measures) == ("answered", "增开班次")

        client.force_login(admin)
        client.post(reverse("reports:notice_review", args=[notice.pk]), {"decision": "close", "comment": "同意"})
    notice.refresh_from_db()
    assert notice.status == "closed"
    assert list(notice.events.values_list("action", flat=True)) == ["下发", "签收", "反馈", "办结"]
    assert notice_lists(admin, plan, today=TODAY)["closed"] == [notice]
    # Each step is told to the other side in the bell: the region of what the province does, and back.
    from targets.models import Notification

    told = lambda user: [n.title.rsplit("：", 1)[1] for n in Notification.objects.filter(user=user).order_by("id")]  # noqa: E731
    assert told(reporter_a) == ["下发", "办结"]
    assert told(admin) == ["签收", "反馈"]
    assert told(reporter_b) == []
    assert follow_up_sentences(plan, province, 2024, 7) == ("本月发出督办单1份（红0 黄1 蓝0），已反馈1份。",)


@pytest.mark.django_db
def test_only_admins_issue_and_review_and_only_the_region_answers(small, client):
    plan, province, (a, b, c), target = small
    reporter_a = make_user("reporter_a", Profile.Role.REPORTER, a.code)
    client.force_login(reporter_a)
    data = {
        "plan": plan.slug,
        "region": a.code,
        "target": target.id,
        "year": 2024,
        "month": 6,
        "colour": "yellow",
        "reason": "x",
    }
    assert client.post(reverse("reports:notice_issue"), data).status_code == 403
    admin = make_user("padmin", Profile.Role.ADMIN, province.code)
    client.force_login(admin)
    notice = issue(client, plan, a, target)
    answer = {"reasons": "x", "measures": "y", "date": "2024-09-30"}
    client.post(reverse("reports:notice_answer", args=[notice.pk]), answer)
    assert Notice.objects.get(pk=notice.pk).status == "issued"  # the admin cannot answer for the region


@pytest.mark.django_db
def test_unanswered_notice_past_its_deadline_turns_red_and_is_named_in_the_circular(small, client):
    plan, province, (a, b, c), target = small
    admin = make_user("padmin", Profile.Role.ADMIN, province.code)
    client.force_login(admin)
    with time_machine.travel(dt.datetime(2024, 7, 20, 10, 0), tick=False):
        notice = issue(client, plan, a, target, colour="yellow")
    assert notices_escalate(today=dt.date(2024, 7, 27)) == 0
    assert notices_escalate(today=dt.date(2024, 7, 28)) == 1
    notice.refresh_from_db()
    assert (notice.colour, notice.escalated) == ("red", True)
    assert notice.events.last().action == "升级"
    assert notices_escalate(today=dt.date(2024, 7, 29)) == 0
    assert notice_lists(admin, plan, today=dt.date(2024, 7, 28))["overdue"] == [notice]
    (sentence,) = follow_up_sentences(plan, province, 2024, 7)
    assert sentence.startswith("本月发出督办单1份（红1 黄0 蓝0），已反馈0份；尚未反馈的有：")
    assert f"{a.name}（急需紧缺工种培训，{notice.number}）" in sentence
    assert follow_up_sentences(plan, b, 2024, 7) == ()  # another city's extract does not name it


@pytest.mark.django_db
def test_notice_list_page_shows_proposals_to_the_admin(small, client):
    plan, province, (a, b, c), target = small
    client.force_login(make_user("padmin", Profile.Role.ADMIN, province.code))
    with time_machine.travel(dt.datetime(2024, 7, 20, 10, 0), tick=False):
        response = client.get(reverse("reports:notices"), {"plan": plan.slug, "year": 2024, "month": 6})
    html = response.content.decode()
    assert response.status_code == 200 and "系统建议督办" in html and "发出勾选的督办单" in html


@pytest.mark.django_db
def test_next_circular_counts_the_notices_in_its_problems(small, client):
    from reports.models import CircularJob
    from reports.services import circular_build

    plan, province, (a, b, c), target = small
    client.force_login(make_user("padmin", Profile.Role.ADMIN, province.code))
    with time_machine.travel(dt.datetime(2024, 7, 20, 10, 0), tick=False):
        issue(client, plan, a, target)
    job = CircularJob.objects.create(plan=plan, region=province, year=2024, month=7)
    circular = circular_build(job_id=job.pk, today=dt.date(2024, 8, 12))
    texts = [p.text for p in docx.Document(media_file(circular.docx_path)).paragraphs]
    assert any("本月发出督办单1份（红0 黄1 蓝0），已反馈0份；尚未反馈的有：测试1市" in t for t in texts)


@pytest.mark.django_db
@pytest.mark.skipif(shutil.which("chromium") is None or shutil.which("pdftotext") is None, reason="no chromium/poppler")
def test_notice_is_also_a_pdf_the_region_can_download(small, client, settings):
    settings.CIRCULAR_PDF = True
    plan, province, (a, b, c), target = small
    client.force_login(make_user("padmin", Profile.Role.ADMIN, province.code))
    notice = issue(client, plan, a, target)
    text = subprocess.run(
        ["pdftotext", media_file(notice.pdf_path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert notice.number in text and "黄色督办单" in text and a.name in text
    client.force_login(make_user("reporter_a", Profile.Role.REPORTER, a.code))
    response = client.get(reverse("reports:notice_download", args=[notice.pk, "pdf"]))
    assert response.status_code == 200
