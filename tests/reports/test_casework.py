"""督办 as casework: roles, scope, bounds, grouped proposals, batch issue, evidence, timeline, 批示."""

import datetime as dt
from decimal import Decimal as D

import pytest

from reports.followup import notice_proposals
from tests.conftest import add_figures, make_small_plan

TODAY = dt.date(2024, 7, 20)


@pytest.mark.django_db
def test_a_month_confirmed_as_no_progress_is_not_proposed_red_for_not_reporting():
    plan, province, (a, b, c), (target,) = make_small_plan()
    add_figures(target, a, 2024, D(1200), {m: D(100) for m in range(1, 6)} | {6: D(0)})
    proposals = notice_proposals(plan, 2024, 6, today=TODAY)
    assert [p.reason for p in proposals if p.region == a and p.colour == "red"] == []


@pytest.mark.django_db
def test_counties_confirmed_as_no_progress_do_not_make_their_city_red():
    from plans.models import Region

    plan, province, (a, b, c), (target,) = make_small_plan(counties_per_city=2)
    for county in Region.objects.filter(parent=a):
        add_figures(target, county, 2024, D(600), {m: D(50) for m in range(1, 6)} | {6: D(0)})
    proposals = notice_proposals(plan, 2024, 6, today=TODAY)
    assert [p.reason for p in proposals if p.region == a and p.colour == "red"] == []


# --- issuing a batch ----------------------------------------------------------------------------------------

import io  # noqa: E402

import docx  # noqa: E402
import time_machine  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.urls import reverse  # noqa: E402

from plans.models import Profile, Region  # noqa: E402
from reports.models import CircularStyle, Notice  # noqa: E402
from skills_admin.lib.downloads import media_file  # noqa: E402
from tests.conftest import make_region, make_user  # noqa: E402

NOW = dt.datetime(2024, 7, 20, 10, 0)
TWO_TARGETS = [
    {"name": "急需紧缺工种培训", "value": D(50000), "unit": "人次", "kind": "flow", "period": "year"},
    {"name": "新增技能人才", "value": D(20000), "unit": "人", "kind": "flow", "period": "year"},
]


@pytest.fixture
def two(db):
    plan, province, (a, b, c), (t1, t2) = make_small_plan(targets=TWO_TARGETS)
    for t in (t1, t2):
        add_figures(t, a, 2024, D(1200), {m: D(90) for m in range(1, 7)})  # lagging: yellow
        add_figures(t, b, 2024, D(1200), {m: D(10) for m in range(1, 7)})  # severe twice: red
    return plan, province, (a, b, c), (t1, t2)


def batch(plan, items, **per_region):
    data = {"plan": plan.slug, "year": 2024, "month": 6, "item": [f"{r.code}:{t.id}" for r, t in items]}
    for code, fields in per_region.items():
        data |= {f"{code}-{k}": v for k, v in fields.items()}
    return data


@pytest.mark.django_db
def test_admin_issues_a_batch_one_notice_per_region_listing_its_items(two, client):
    plan, province, (a, b, c), (t1, t2) = two
    CircularStyle.objects.create(plan=plan, masthead="测试省人力资源和社会保障厅", number_prefix="测人社函")
    client.force_login(make_user("padmin", Profile.Role.ADMIN, province.code))
    with time_machine.travel(NOW, tick=False):
        page = client.get(reverse("reports:notices"), {"plan": plan.slug, "year": 2024, "month": 6}).content.decode()
        assert page.count('class="card mb-2 proposal-group') == 2  # a and b, each with its two items
        data = batch(
            plan,
            [(a, t1), (a, t2), (b, t1)],
            **{
                a.code: {
                    "requirement": "请于月底前补齐进度",
                    "handler_unit": "职业能力建设处",
                    "handler_person": "张三",
                    "answer_due": "2024-07-31",
                }
            },
        )
        response = client.post(reverse("reports:notice_issue"), data)
    assert response.status_code == 302
    notice_a, notice_b = Notice.objects.order_by("id")
    assert [i.target for i in notice_a.items.all()] == [t1, t2]
    assert (notice_a.colour, notice_b.colour) == ("yellow", "red")
    assert (notice_a.requirement, notice_a.handler_person, notice_a.answer_due) == (
        "请于月底前补齐进度",
        "张三",
        dt.date(2024, 7, 31),
    )
    assert notice_a.number == "测人社函〔2024〕1号" and notice_b.number == "测人社函〔2024〕2号"
    texts = [p.text for p in docx.Document(media_file(notice_a.docx_path)).paragraphs]
    assert f"{a.name}人力资源和社会保障局：" in texts  # addressed to the bureau
    assert any("有以下2项指标需要督办" in t for t in texts) and any("请于月底前补齐进度" in t for t in texts)
    # issued items are marked and cannot be issued twice
    with time_machine.travel(NOW, tick=False):
        client.post(reverse("reports:notice_issue"), batch(plan, [(a, t1)]))
    assert Notice.objects.count() == 2


@pytest.mark.django_db
def test_proposals_filter_by_colour_region_and_target(two, client):
    plan, province, (a, b, c), (t1, t2) = two
    client.force_login(make_user("padmin", Profile.Role.ADMIN, province.code))
    query = {"plan": plan.slug, "year": 2024, "month": 6}
    with time_machine.travel(NOW, tick=False):
        red = client.get(reverse("reports:notices"), query | {"colour": "red"}).context["proposals"]
        only_a = client.get(reverse("reports:notices"), query | {"region_code": a.code}).context["proposals"]
        only_t2 = client.get(reverse("reports:notices"), query | {"target": t2.id}).context["proposals"]
    assert {p.colour for p in red} == {"red"}
    assert {p.region for p in only_a} == {a}
    assert {p.target.id for p in only_t2} == {t2.id}


@pytest.mark.django_db
def test_a_region_bureau_full_name_can_be_set():
    region = make_region("980000", "某省", "province")
    assert region.bureau == "某省人力资源和社会保障厅"
    region.bureau_name = "某省人社厅"
    assert region.bureau == "某省人社厅"


@pytest.mark.django_db
@pytest.mark.parametrize(("year", "month"), [(99999, 6), (1999, 6), (2024, 13), (2024, 0), (2099, 1)])
def test_issuing_outside_the_plan_months_is_refused(two, client, year, month):
    plan, province, (a, b, c), (t1, t2) = two
    client.force_login(make_user("padmin", Profile.Role.ADMIN, province.code))
    data = batch(plan, [(a, t1)]) | {"year": year, "month": month}
    with time_machine.travel(NOW, tick=False):
        response = client.post(reverse("reports:notice_issue"), data, follow=True)
    assert response.status_code == 200 and not Notice.objects.exists()


@pytest.mark.django_db
def test_a_city_admin_is_proposed_only_its_own_subtree(client):
    plan, province, (a, b, c), (target,) = make_small_plan(counties_per_city=2)
    for county in Region.objects.filter(parent__in=[a, b]):
        add_figures(target, county, 2024, D(600), {m: D(5) for m in range(1, 7)})  # severe everywhere
    client.force_login(make_user("cadmin", Profile.Role.ADMIN, a.code))
    with time_machine.travel(NOW, tick=False):
        proposals = client.get(reverse("reports:notices"), {"plan": plan.slug, "year": 2024, "month": 6}).context[
            "proposals"
        ]
        assert proposals and {p.region.parent_id for p in proposals} == {a.id}
        other_county = Region.objects.filter(parent=b).first()
        response = client.post(reverse("reports:notice_issue"), batch(plan, [(other_county, target)]))
    assert response.status_code == 404 and not Notice.objects.exists()


# --- the roles of a case -------------------------------------------------------------------------------------


@pytest.fixture
def issued(two, client):
    plan, province, (a, b, c), (t1, t2) = two
    admin = make_user("padmin", Profile.Role.ADMIN, province.code)
    client.force_login(admin)
    with time_machine.travel(NOW, tick=False):
        client.post(reverse("reports:notice_issue"), batch(plan, [(a, t1), (a, t2)]))
    return plan, province, a, Notice.objects.get(), admin


def answer_data(**overrides):
    return {"reasons": "培训机构复工晚", "measures": "增开班次", "date": "2024-09-30"} | overrides


@pytest.mark.django_db
def test_a_province_department_reporter_and_a_province_reporter_cannot_sign_or_answer(issued, client):
    from plans.models import Department

    plan, province, a, notice, admin = issued
    department = Department.objects.create(name="测试厅", region=province)
    dept_reporter = make_user("dept", Profile.Role.REPORTER, province.code)
    Profile.objects.filter(user=dept_reporter).update(department=department)
    for user in (dept_reporter, make_user("preporter", Profile.Role.REPORTER, province.code)):
        client.force_login(user)
        with time_machine.travel(NOW, tick=False):
            assert client.post(reverse("reports:notice_sign", args=[notice.pk])).status_code == 403
            assert client.post(reverse("reports:notice_answer", args=[notice.pk]), answer_data()).status_code == 403
    notice.refresh_from_db()
    assert notice.status == "issued"


@pytest.mark.django_db
def test_the_city_admin_cannot_close_the_notice_the_province_issued_to_its_city(issued, client):
    plan, province, a, notice, admin = issued
    client.force_login(make_user("reporter_a", Profile.Role.REPORTER, a.code))
    with time_machine.travel(NOW, tick=False):
        client.post(reverse("reports:notice_answer", args=[notice.pk]), answer_data())
        client.force_login(make_user("cadmin", Profile.Role.ADMIN, a.code))
        response = client.post(reverse("reports:notice_review", args=[notice.pk]), {"decision": "close"})
    assert response.status_code == 403
    notice.refresh_from_db()
    assert notice.status == "answered"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"date": "2024-07-19"}, "承诺完成时间应在2024-07-20至2025-12-31之间"),
        ({"date": "0001-01-01"}, "承诺完成时间应在"),
        ({"date": "9999-12-31"}, "承诺完成时间应在"),
        ({"reasons": "很" * 2001}, "2000"),
    ],
)
def test_answers_out_of_bounds_are_refused(issued, client, fields, error):
    plan, province, a, notice, admin = issued
    client.force_login(make_user("reporter_a", Profile.Role.REPORTER, a.code))
    with time_machine.travel(NOW, tick=False):
        response = client.post(reverse("reports:notice_answer", args=[notice.pk]), answer_data(**fields), follow=True)
    assert error in response.content.decode()
    notice.refresh_from_db()
    assert notice.status == "issued" and notice.answer_reasons == ""


# --- evidence, send-back, timeline, 批示 --------------------------------------------------------------------

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def xlsx_bytes() -> bytes:
    import openpyxl

    buffer = io.BytesIO()
    openpyxl.Workbook().save(buffer)
    return buffer.getvalue()


@pytest.mark.django_db
def test_the_case_from_answer_with_evidence_to_archive(issued, client, settings):
    plan, province, a, notice, admin = issued
    reporter = make_user("reporter_a", Profile.Role.REPORTER, a.code)
    client.force_login(reporter)
    files = [SimpleUploadedFile("进度表.xlsx", xlsx_bytes()), SimpleUploadedFile("说明.pdf", PDF)]
    with time_machine.travel(NOW, tick=False):
        client.post(reverse("reports:notice_answer", args=[notice.pk]), answer_data(files=files))
    (sheet, pdf) = notice.attachments.order_by("id")
    assert (sheet.kind, pdf.kind, pdf.original_name) == ("xlsx", "pdf", "说明.pdf")
    assert not sheet.stored_name.endswith("进度表.xlsx") and (settings.MEDIA_ROOT / sheet.stored_name).is_file()
    url = reverse("reports:notice_attachment", args=[notice.pk, pdf.pk])
    assert client.get(url).content == PDF  # the region's reporter
    client.force_login(make_user("viewer_a", Profile.Role.VIEWER, a.code))
    assert client.get(url).status_code == 404  # not a party
    client.force_login(make_user("reporter_b", Profile.Role.REPORTER, "990200"))
    assert client.get(url).status_code == 404

    client.force_login(admin)
    assert client.get(url).status_code == 200
    with time_machine.travel(NOW, tick=False):
        client.post(reverse("reports:notice_review", args=[notice.pk]), {"decision": "return", "comment": "措施不具体"})
    client.force_login(reporter)
    with time_machine.travel(NOW, tick=False):
        form = client.get(reverse("reports:notice_detail", args=[notice.pk])).context["answer_form"]
    assert form["measures"].value() == "增开班次" and str(form["date"].value()) == "2024-09-30"  # prefilled

    leader = make_user("leader", Profile.Role.LEADER, province.code)
    client.force_login(leader)
    with time_machine.travel(NOW, tick=False):
        client.post(reverse("reports:notice_instruct", args=[notice.pk]), {"text": "请沈阳抓紧整改"})
        client.force_login(reporter)
        page = client.get(reverse("reports:notice_detail", args=[notice.pk])).content.decode()
        assert "领导批示" in page and "请沈阳抓紧整改" in page
        client.post(reverse("reports:notice_answer", args=[notice.pk]), answer_data(measures="每周增开两个班"))
        client.force_login(admin)
        client.post(reverse("reports:notice_review", args=[notice.pk]), {"decision": "close", "comment": "同意"})
        client.post(reverse("reports:notice_archive", args=[notice.pk]))
        timeline = client.get(reverse("reports:notice_detail", args=[notice.pk])).context["timeline"]
    assert [(s.label, s.state) for s in timeline] == [
        ("下发", "done"),
        ("签收", "done"),
        ("反馈", "done"),
        ("复核", "done"),
        ("办结", "done"),
        ("归档", "done"),
    ]
    assert timeline[0].who == "padmin"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("假装.pdf", b"<html><script>alert(1)</script>"),  # not a PDF by content
        ("说明.exe", PDF),  # a PDF under another name
        ("压缩包.docx", b"PK\x03\x04" + b"\x00" * 100),  # a broken zip
        ("大文件.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024)),
    ],
)
def test_evidence_of_a_wrong_type_or_size_is_refused_and_nothing_is_written(issued, client, name, content):
    plan, province, a, notice, admin = issued
    client.force_login(make_user("reporter_a", Profile.Role.REPORTER, a.code))
    with time_machine.travel(NOW, tick=False):
        response = client.post(
            reverse("reports:notice_answer", args=[notice.pk]),
            answer_data(files=[SimpleUploadedFile(name, content)]),
            follow=True,
        )
    assert "文件" in response.content.decode()
    notice.refresh_from_db()
    assert notice.status == "issued" and not notice.attachments.exists()


@pytest.mark.django_db
def test_an_overdue_step_is_marked_on_the_timeline(issued, client):
    plan, province, a, notice, admin = issued
    with time_machine.travel(dt.datetime(2024, 8, 1, 10, 0), tick=False):
        timeline = client.get(reverse("reports:notice_detail", args=[notice.pk])).context["timeline"]
    assert [s.state for s in timeline][:3] == ["done", "overdue", "overdue"]


# --- the leaders' page ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_red_list_names_the_worst_five_and_counts_the_rest(client):
    plan, province, cities, (target,) = make_small_plan(cities=8)
    for i, city in enumerate(cities):  # the later the city, the deeper behind
        add_figures(target, city, 2024, D(1200), {m: D(40 - 4 * i) for m in range(1, 7)})
    client.force_login(make_user("leader", Profile.Role.LEADER, province.code))
    with time_machine.travel(NOW, tick=False):
        response = client.get(reverse("reports:leader"), {"plan": plan.slug, "year": 2024, "month": 6})
    data = response.context["data"]
    assert [line["region_name"] for line in data["red_list"]] == [c.name for c in reversed(cities)][:5]
    assert (data["red_more"], data["red_total"]) == (3, 8)
    assert "等3个地区" in response.content.decode()


@pytest.mark.django_db
def test_leaders_page_shows_open_notices_by_colour_and_the_overdue(issued, client):
    plan, province, a, notice, admin = issued
    client.force_login(make_user("leader", Profile.Role.LEADER, province.code))
    with time_machine.travel(dt.datetime(2024, 8, 1, 10, 0), tick=False):
        html = client.get(reverse("reports:leader"), {"plan": plan.slug, "year": 2024, "month": 6}).content.decode()
    assert "在办1份" in html and "黄 1" in html and "逾期未反馈1份" in html and notice.number in html


def test_templates_use_svg_icons_not_emoji_that_debian_chromium_cannot_draw():
    import re
    from pathlib import Path

    emoji = re.compile("[\U0001f300-\U0001faff\u2600-\u26ff\u2b50]")
    root = Path(__file__).resolve().parents[2] / "templates"
    found = {str(p.relative_to(root)): emoji.findall(p.read_text()) for p in root.rglob("*.html")}
    assert {k: v for k, v in found.items() if v} == {}


@pytest.mark.django_db
def test_the_bell_is_an_inline_svg(client, cast):
    client.force_login(cast["shenyang_reporter"])
    html = client.get("/").content.decode()
    assert 'class="icon icon-bell"' in html and "🔔" not in html


@pytest.mark.django_db
def test_the_reporters_home_lists_notices_to_sign_and_to_answer(issued, client):
    plan, province, a, notice, admin = issued
    reporter = make_user("reporter_a", Profile.Role.REPORTER, a.code)
    client.force_login(reporter)
    with time_machine.travel(NOW, tick=False):
        html = client.get("/").content.decode()
        assert "待签收1份，待反馈0份" in html and notice.number in html
        client.post(reverse("reports:notice_sign", args=[notice.pk]))
        assert "待签收0份，待反馈1份" in client.get("/").content.decode()
    client.force_login(make_user("reporter_b", Profile.Role.REPORTER, "990200"))
    with time_machine.travel(NOW, tick=False):
        assert notice.number not in client.get("/").content.decode()


def test_a_month_reopened_for_a_region_is_not_proposed_as_overdue_before_its_new_date(demo_plan, cast):
    """沈阳's November is reopened past the plan's deadline: its empty rows are not 逾期未报送 until the reopening
    date has passed."""
    import datetime as dt

    from reports.followup import notice_proposals
    from targets.models import Submission

    shenyang = Region.objects.get(code="210100")
    sub, _ = Submission.objects.get_or_create(plan=demo_plan, region=shenyang, year=2022, month=11)
    deadline_day = dt.date(2022, 12, 11)  # past the plan's deadline for November
    sub.status, sub.reopened_until = Submission.Status.DRAFT, deadline_day + dt.timedelta(days=14)
    sub.save()

    def overdue(today):
        found = notice_proposals(demo_plan, 2022, 11, today=today, user=cast["admin"], region_code="210100")
        return [p for p in found if "逾期未报送" in p.reason]

    assert overdue(deadline_day) == []
    assert overdue(deadline_day + dt.timedelta(days=15))
