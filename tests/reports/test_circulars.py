"""Monthly circulars end to end: request → Celery job → files on disk → permission-checked download.

The files are opened again (openpyxl, python-docx) and every figure compared with the progress engine.
"""

import datetime as dt
import io
import re
from decimal import Decimal
from urllib.parse import unquote

import docx
import openpyxl
import pytest
from django.urls import reverse

from plans.models import Profile
from reports.excel import SUMMARY_SHEET
from reports.models import Circular, CircularJob
from reports.services import circular_build, due_circulars, jobs_fail_stuck
from reports.tasks import circular_request
from skills_admin.lib.downloads import media_file
from targets.engine import progress_report
from targets.models import MonthlyFigure
from tests.conftest import DALIAN, DEMO_TODAY, SHENYANG, make_user

pytestmark = pytest.mark.django_db
YEAR, MONTH = 2022, 10


def _request(client, plan, captured, month=MONTH):
    with captured(execute=True):
        response = client.post(reverse("reports:circular_request"), {"plan": plan.slug, "year": YEAR, "month": month})
    assert response.status_code == 302
    return CircularJob.objects.latest("created_at")


@pytest.fixture
def built(demo_plan, cast, client, django_capture_on_commit_callbacks):
    client.force_login(cast["admin"])
    job = _request(client, demo_plan, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.status == CircularJob.Status.DONE, job.error
    return job.circular


def _download(client, circular, fmt):
    response = client.get(reverse("reports:circular_download", args=[circular.pk, fmt]))
    assert response.status_code == 200
    return response


def test_request_builds_a_version_with_both_files_and_the_job_reports_done(built, client):
    assert built.version == 1 and built.title == "关于2022年1—10月“技能辽宁行动”任务指标完成情况的通报"
    assert media_file(built.xlsx_path) and media_file(built.docx_path)
    assert not list(media_file(built.xlsx_path).parent.glob(".tmp-*"))  # no temporary file left behind
    status = client.get(reverse("reports:job_status", args=[built.jobs.get().pk])).json()
    assert (status["status"], status["status_label"], status["progress"]) == ("done", "已完成", 100)
    assert set(status["downloads"]) == {"docx", "xlsx"}


def test_excel_summary_figures_equal_the_progress_engine(built, client, demo_plan, region):
    response = _download(client, built, "xlsx")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book[SUMMARY_SHEET]
    headers = [c.value for c in sheet[3]]
    rows = {r[1]: dict(zip(headers, r, strict=True)) for r in sheet.iter_rows(min_row=4, values_only=True) if r[1]}
    report = progress_report(demo_plan, YEAR, MONTH, region=region("210000"))
    checked = 0
    for target in report.targets:
        if not target.is_reported:
            continue
        total = report.totals[target.id].progress
        row = rows[f"{target.code} {target.name}"]
        assert (row["单位"] or "") == (f"{target.unit}/季度" if target.is_quarterly else target.unit)
        if total.cumulative is None:  # a milestone: a dash, never a made-up number
            assert row["累计"] == row["完成率"] == "—", target.name
        else:
            assert Decimal(str(row["累计"])) == total.cumulative, target.name
            assert Decimal(str(row["本月"])) == total.this_month, target.name
            assert Decimal(str(row["目标"])) == total.target, target.name
            assert round(Decimal(str(row["完成率"])) * 100, 6) == round(total.completion_rate, 6), target.name
        assert row["状态"] == total.status.label
        checked += 1
    assert checked >= 10
    assert {"汇总", "填报情况", "滞后名单"} <= set(book.sheetnames)
    assert len(book.sheetnames) == 5 + checked  # one ranking sheet per reported target, the body, the details


def test_excel_ranking_sheet_follows_the_engine_ranking(built, client, demo_plan, region):
    book = openpyxl.load_workbook(io.BytesIO(_download(client, built, "xlsx").content))
    report = progress_report(demo_plan, YEAR, MONTH, region=region("210000"))
    target = next(t for t in report.targets if t.is_reported)
    sheet = book.worksheets[1]
    assert target.name in sheet["A1"].value
    names = {r.id: r.name for r in report.regions}
    cells = sorted(report.target_cells(target.id), key=lambda c: c.rank)
    sheet_rows = [r for r in sheet.iter_rows(min_row=4, values_only=True) if isinstance(r[0], int)]
    assert [(r[0], r[2]) for r in sheet_rows] == [(c.rank, names[c.region_id]) for c in cells]
    for row, cell in zip(sheet_rows, cells, strict=True):
        assert Decimal(str(row[5])) == cell.progress.cumulative


def test_word_document_states_the_engine_figures(built, client, demo_plan, region):
    document = docx.Document(io.BytesIO(_download(client, built, "docx").content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "关于2022年1—10月“技能辽宁行动”任务指标完成情况的通报" in text.replace("\n", "")
    for heading in ("一、总体情况", "二、红黄榜", "三、存在问题", "四、下一步工作"):
        assert heading in text
    report = progress_report(demo_plan, YEAR, MONTH, region=region("210000"))
    flow = next(
        t
        for t in report.targets
        if t.is_reported and t.effective_kind == "flow" and report.totals[t.id].progress.completion_rate
    )
    rate = report.totals[flow.id].progress.completion_rate
    cells = {c.text for table in document.tables for row in table.rows for c in row.cells}
    assert f"{rate:.1f}%" in cells and flow.name in cells  # the summary table: one row per target
    assert len(document.tables) == 3  # the summary, the 红榜 and the 黄榜; region tables are in the Excel annex


def test_regenerating_keeps_earlier_versions_with_who_and_when(
    built, client, demo_plan, django_capture_on_commit_callbacks
):
    job = _request(client, demo_plan, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    versions = list(Circular.objects.filter(plan=demo_plan, year=YEAR, month=MONTH).order_by("version"))
    assert [c.version for c in versions] == [1, 2]
    assert all(media_file(c.docx_path) for c in versions)
    assert versions[1].created_by.username == "admin"
    page = client.get(reverse("reports:circulars") + f"?plan={demo_plan.slug}&year={YEAR}&month={MONTH}")
    html = page.content.decode()
    assert "第1版" in html and "第2版" in html


def test_download_names_arrive_in_chinese(built, client):
    disposition = _download(client, built, "docx")["Content-Disposition"]
    encoded = re.search(r"filename\*=UTF-8''(.+)$", disposition).group(1)
    assert unquote(encoded) == "关于2022年1—10月“技能辽宁行动”任务指标完成情况的通报（第1版）.docx"
    xlsx = _download(client, built, "xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")


@pytest.mark.parametrize("who", ["shenyang_reporter", "dalian_viewer", "outsider"])
def test_reporters_viewers_and_outsiders_cannot_download_or_request(built, client, cast, who, demo_plan):
    client.force_login(cast[who])
    for fmt in ("docx", "xlsx"):
        assert client.get(reverse("reports:circular_download", args=[built.pk, fmt])).status_code == 403
    jobs = CircularJob.objects.count()
    response = client.post(reverse("reports:circular_request"), {"plan": demo_plan.slug, "year": YEAR, "month": 9})
    assert response.status_code == 403
    assert CircularJob.objects.count() == jobs


def test_city_leader_gets_their_city_extract_not_the_province_circular(
    built, client, demo_plan, django_capture_on_commit_callbacks
):
    leader = make_user("shenyang_leader", Profile.Role.LEADER, SHENYANG)
    client.force_login(leader)
    assert client.get(reverse("reports:circular_download", args=[built.pk, "docx"])).status_code == 404
    job = _request(client, demo_plan, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.region.code == SHENYANG and job.status == CircularJob.Status.DONE
    document = docx.Document(io.BytesIO(_download(client, job.circular, "docx").content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "全市" in text
    book = openpyxl.load_workbook(io.BytesIO(_download(client, job.circular, "xlsx").content))
    regions_named = {r[2] for ws in book.worksheets[1:-2] for r in ws.iter_rows(min_row=4, values_only=True)}
    assert "大连市" not in regions_named
    other = make_user("dalian_leader", Profile.Role.LEADER, DALIAN)
    client.force_login(other)
    assert client.get(reverse("reports:circular_download", args=[job.circular.pk, "xlsx"])).status_code == 404


def test_user_remarks_are_written_as_text_never_as_formulas(
    demo_plan, cast, client, django_capture_on_commit_callbacks
):
    figure = MonthlyFigure.objects.filter(
        allocation__target__key_task__plan=demo_plan, allocation__region__code=SHENYANG, month=MONTH
    ).first()
    figure.remark = '=HYPERLINK("http://evil.example","点我")'
    figure.save(update_fields=["remark"])
    client.force_login(cast["admin"])
    job = _request(client, demo_plan, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    book = openpyxl.load_workbook(io.BytesIO(_download(client, job.circular, "xlsx").content))
    values = [c for ws in book.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert not [c for c in values if c.data_type == "f" or c.value.startswith("=")]
    assert any("HYPERLINK" in c.value for c in values)


def test_a_failing_build_ends_failed_with_a_chinese_message_and_can_be_retried(
    demo_plan, cast, client, monkeypatch, django_capture_on_commit_callbacks
):
    import reports.services

    def broken(content):
        raise OSError("disk full")

    monkeypatch.setattr(reports.services, "build_circular_docx", broken)
    client.force_login(cast["admin"])
    job = _request(client, demo_plan, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.status == CircularJob.Status.FAILED and "生成失败" in job.error
    assert not Circular.objects.filter(plan=demo_plan).exists()
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:job_retry", args=[job.pk]))
    assert response.status_code == 302
    retried = CircularJob.objects.latest("created_at")
    assert retried.pk != job.pk and retried.status == CircularJob.Status.DONE


def test_a_job_left_running_by_a_killed_worker_ends_failed(demo_plan, region):
    import datetime as dt

    from django.utils import timezone

    def running_since(started_at):
        return CircularJob.objects.create(
            plan=demo_plan,
            region=region("210000"),
            year=YEAR,
            month=MONTH,
            status=CircularJob.Status.RUNNING,
            started_at=started_at,
        )

    job = running_since(timezone.now() - dt.timedelta(hours=1))
    fresh = running_since(timezone.now())
    assert jobs_fail_stuck(max_minutes=30) == 1
    job.refresh_from_db()
    fresh.refresh_from_db()
    assert job.status == CircularJob.Status.FAILED and "重试" in job.error
    assert fresh.status == CircularJob.Status.RUNNING


def test_beat_schedules_last_month_after_the_deadline_once(demo_plan, region, django_capture_on_commit_callbacks):
    import datetime as dt
    from zoneinfo import ZoneInfo

    shanghai = ZoneInfo("Asia/Shanghai")
    deadline_day = demo_plan.reporting_deadline_day
    before = dt.datetime(2022, 11, deadline_day, 7, 30, tzinfo=shanghai)
    after = dt.datetime(2022, 11, deadline_day, 8, 5, tzinfo=shanghai)
    assert demo_plan not in [p for p, _, _ in due_circulars(before)]
    due = [(p, y, m) for p, y, m in due_circulars(after) if p == demo_plan]
    assert due == [(demo_plan, 2022, 10)]
    with django_capture_on_commit_callbacks(execute=True):
        circular_request(plan=demo_plan, year=2022, month=10, region=demo_plan.region, automatic=True)
    assert demo_plan not in [p for p, _, _ in due_circulars(after)]
    job = CircularJob.objects.get(plan=demo_plan, is_automatic=True)
    assert job.status == CircularJob.Status.DONE and job.circular.is_automatic


def test_generated_content_is_the_same_twice(demo_plan, region):
    """Building is deterministic: the same inputs give the same figures in version 1 and 2."""
    jobs = [CircularJob.objects.create(plan=demo_plan, region=region("210000"), year=YEAR, month=MONTH) for _ in "12"]
    first, second = (circular_build(job_id=job.pk, today=DEMO_TODAY) for job in jobs)
    sheets = [openpyxl.load_workbook(media_file(c.xlsx_path))[SUMMARY_SHEET] for c in (first, second)]
    values = [[row for row in s.iter_rows(min_row=3, values_only=True)] for s in sheets]
    assert values[0] == values[1]
    assert (first.version, second.version) == (1, 2)


def test_a_job_whose_message_was_lost_is_published_again_and_built_once(demo_plan, region):
    import datetime as dt

    from django.utils import timezone

    from reports.tasks import jobs_requeue_waiting

    job = CircularJob.objects.create(plan=demo_plan, region=region("210000"), year=YEAR, month=MONTH)
    CircularJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - dt.timedelta(minutes=20))
    fresh = CircularJob.objects.create(plan=demo_plan, region=region("210000"), year=YEAR, month=9)
    assert jobs_requeue_waiting(max_minutes=10) == 1  # the message is published again (eager here: built now)
    job.refresh_from_db()
    fresh.refresh_from_db()
    assert job.status == CircularJob.Status.DONE and fresh.status == CircularJob.Status.QUEUED
    assert circular_build(job_id=job.pk) == job.circular  # its first message arriving late builds nothing more
    assert Circular.objects.filter(plan=demo_plan).count() == 1


def test_circular_of_demo_figures_on_real_allocations_says_demo(db):
    """Real shares (as Hubin's departments, Suqian's counties) with demo figures on them: the circular is demo."""
    from reports.circular_content import circular_content
    from tests.conftest import add_figures, make_small_plan

    specs = [{"name": "指标1", "value": Decimal(100), "unit": "人", "kind": "flow", "period": "year"}]
    plan, province, cities, (target,) = make_small_plan(cities=2, targets=specs, year=2024)
    for city in cities:
        add_figures(target, city, 2024, Decimal(50), {1: Decimal(5)})
    assert circular_content(plan, 2024, 1, province, today=dt.date(2024, 2, 20)).is_demo is False
    MonthlyFigure.objects.filter(allocation__target=target).update(is_demo=True)
    assert circular_content(plan, 2024, 1, province, today=dt.date(2024, 2, 20)).is_demo is True


def test_a_citys_circular_names_only_its_own_non_reporters(demo_plan, region):
    from reports.circular_content import circular_content

    open_month = 11  # some cities have not reported November yet
    province = circular_content(demo_plan, YEAR, open_month, region("210000"), today=DEMO_TODAY)
    missing = next(p for p in province.problems if p.startswith("未按时报送"))
    other_city = next(r.region_name for r in province.completeness if r.region_name != "沈阳市")
    city = circular_content(demo_plan, YEAR, open_month, region(SHENYANG), today=DEMO_TODAY)
    assert "、" in missing
    assert not any(other_city in p for p in city.problems)
    assert all(r.region_name == "沈阳市" for r in city.completeness)
