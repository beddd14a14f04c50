"""The circular as a province sends it: red masthead, its own number sequence, addressees, 版记, a PDF, and a
city's extract that names only that city."""

import shutil
import subprocess
from pathlib import Path

import docx
import pytest
from django.urls import reverse

from plans.models import Profile
from reports.circular_content import circular_content
from reports.documents import document_number_take
from reports.models import CircularJob, CircularStyle, DocumentNumber
from reports.services import circular_build
from skills_admin.lib.downloads import media_file
from targets.models import Target
from tests.conftest import DEMO_TODAY, SHENYANG, make_user

pytestmark = pytest.mark.django_db
YEAR = 2022
MASTHEAD = "辽宁省人力资源和社会保障厅"
needs_poppler = pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils is not installed")
needs_chromium = pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium is not installed")


@pytest.fixture
def style(demo_plan):
    return CircularStyle.objects.create(
        plan=demo_plan,
        masthead=MASTHEAD,
        number_prefix="辽人社函",
        recipients="各市人力资源社会保障局",
        copy_to="省委组织部，省财政厅",
    )


def build(plan, region, month, user=None):
    job = CircularJob.objects.create(plan=plan, region=region, year=YEAR, month=month, requested_by=user)
    circular = circular_build(job_id=job.pk, today=DEMO_TODAY)
    job.refresh_from_db()
    assert job.status == CircularJob.Status.DONE, job.error
    return circular


def issue(circular, admin, day=DEMO_TODAY):
    from reports.services import circular_issue

    return circular_issue(circular=circular, issue_date=day, user=admin, today=DEMO_TODAY)


def test_numbers_follow_the_issuers_sequence_and_a_new_version_keeps_its_months_number(style, demo_plan, cast):
    september = build(demo_plan, demo_plan.region, 9)
    october = build(demo_plan, demo_plan.region, 10)
    assert (september.document_number, september.is_issued) == ("", False)  # drafts take no number
    issue(october, cast["admin"])
    issue(september, cast["admin"])
    assert october.document_number == "辽人社函〔2026〕1号"  # issued on DEMO_TODAY, in 2026, first
    assert september.document_number == "辽人社函〔2026〕2号"
    september_again = issue(build(demo_plan, demo_plan.region, 9), cast["admin"])
    assert (september_again.version, september_again.document_number) == (2, "辽人社函〔2026〕2号")


def test_numbers_are_per_issuer_and_per_year_and_never_reused():
    assert document_number_take(prefix="辽人社函", year=2026, subject="a") == "辽人社函〔2026〕1号"
    assert document_number_take(prefix="辽人社函", year=2026, subject="b") == "辽人社函〔2026〕2号"
    assert document_number_take(prefix="辽人社发", year=2026, subject="c") == "辽人社发〔2026〕1号"
    assert document_number_take(prefix="辽人社函", year=2027, subject="d") == "辽人社函〔2027〕1号"
    assert DocumentNumber.objects.filter(prefix="辽人社函", year=2026).count() == 2
    assert document_number_take(prefix="辽人社函", year=2026, subject="a") == "辽人社函〔2026〕1号"
    assert document_number_take(prefix="辽人社函", year=2026, subject="e") == "辽人社函〔2026〕3号"


def test_word_has_red_masthead_number_addressees_and_copy_to(style, demo_plan, cast):
    circular = issue(build(demo_plan, demo_plan.region, 10), cast["admin"])
    document = docx.Document(media_file(circular.docx_path))
    texts = [p.text for p in document.paragraphs]
    head = document.paragraphs[0]
    assert head.text == MASTHEAD
    assert str(head.runs[0].font.color.rgb) == "C00000"
    assert texts[1] == "辽人社函〔2026〕1号"
    assert "w:pBdr" in document.paragraphs[1]._p.xml and 'w:color="C00000"' in document.paragraphs[1]._p.xml
    assert "各市人力资源社会保障局：" in texts
    assert "抄送：省委组织部，省财政厅。" in texts
    assert f"{MASTHEAD}　　2026年11月22日印发" in texts
    assert not any("无任务" in c.text for t in document.tables for row in t.rows for c in row.cells)


def test_marked_headline_targets_are_stated_in_the_overview(style, demo_plan):
    from targets.models import Target

    first = Target.objects.filter(key_task__plan=demo_plan, is_reported=True).order_by("key_task__number", "number")[0]
    first.is_headline = True
    first.save()
    document = docx.Document(media_file(build(demo_plan, demo_plan.region, 10).docx_path))
    overview = next(p.text for p in document.paragraphs if p.text.startswith("全省纳入本月通报的"))
    assert first.name in overview.split("其中，", 2)[-1]


def test_city_extract_names_only_its_own_city(demo_plan, region):
    province = circular_content(demo_plan, YEAR, 10, demo_plan.region, today=DEMO_TODAY)
    shenyang = region(SHENYANG)
    city = circular_content(demo_plan, YEAR, 10, shenyang, today=DEMO_TODAY)
    others = {r.name for r in demo_plan.region.children.exclude(pk=shenyang.pk)}
    assert {row.region_name for row in city.completeness} <= {shenyang.name}
    text = "".join(city.problems) + "".join(city.overview_paragraphs)
    for name in Target.objects.filter(key_task__plan=demo_plan).values_list("name", flat=True):
        text = text.replace(name, "")  # a target may be named after cities (沈阳市、大连市重点办好…)
    assert not [name for name in others if name in text]
    assert len(province.completeness) > len(city.completeness)


@needs_chromium
@needs_poppler
def test_pdf_is_printed_with_embedded_chinese_fonts_and_searchable_text(style, demo_plan, settings, tmp_path, cast):
    settings.CIRCULAR_PDF = True
    circular = issue(build(demo_plan, demo_plan.region, 10), cast["admin"])
    pdf = media_file(circular.pdf_path)
    assert pdf.read_bytes().startswith(b"%PDF")
    text = subprocess.run(["pdftotext", "-l", "1", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for expected in (MASTHEAD, "辽人社函〔2026〕1号", "各市人力资源社会保障局", "一、总体情况"):
        assert expected in text
    assert "任务指标完成情况的通报" in text.replace("\n", "")
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    rows = fonts.splitlines()[2:]
    assert rows and all(
        row.split()[-5:-2] == ["yes", "no", "yes"] or row.split()[-5:-2] == ["yes", "yes", "yes"] for row in rows
    )  # every font embedded, with a ToUnicode map (copies right)
    image = first_page_image(pdf, tmp_path)
    assert red_share(image, top=0.25) > 0.005  # the red masthead and rule are on the first page


def first_page_image(pdf: Path, folder: Path) -> tuple[int, int, bytes]:
    """The first page at 50 dpi as (width, height, RGB bytes), through pdftoppm's plain PPM output."""
    subprocess.run(["pdftoppm", "-r", "50", "-f", "1", "-l", "1", str(pdf), str(folder / "page")], check=True)
    data = next(folder.glob("page*.ppm")).read_bytes()
    fields = data.split(maxsplit=4)  # P6, width, height, maxval, pixels
    assert fields[0] == b"P6"
    return int(fields[1]), int(fields[2]), fields[4]


def red_share(image: tuple[int, int, bytes], top: float) -> float:
    width, height, pixels = image
    rows = int(height * top)
    red = 0
    for i in range(0, width * rows * 3, 3):
        r, g, b = pixels[i], pixels[i + 1], pixels[i + 2]
        red += r > 150 and g < 80 and b < 80
    return red / (width * rows)


@needs_chromium
def test_leader_downloads_the_pdf(style, demo_plan, cast, client_for, settings):
    settings.CIRCULAR_PDF = True
    circular = build(demo_plan, demo_plan.region, 10)
    client = client_for(cast["leader"])
    response = client.get(reverse("reports:circular_download", args=[circular.pk, "pdf"]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content if response.streaming else [response.content]).startswith(b"%PDF")
    page = client.get(reverse("reports:leader"), {"plan": demo_plan.slug, "year": YEAR, "month": 10})
    assert reverse("reports:circular_download", args=[circular.pk, "pdf"]) in page.content.decode()


def test_city_leader_cannot_download_the_province_circular(style, demo_plan, client_for, seed):
    circular = build(demo_plan, demo_plan.region, 10)
    city_leader = make_user("city_leader", Profile.Role.LEADER, SHENYANG)
    response = client_for(city_leader).get(reverse("reports:circular_download", args=[circular.pk, "docx"]))
    assert response.status_code == 404


def test_after_the_deadline_a_city_leaders_extract_is_built_with_the_province_circular(
    demo_plan, client_for, seed, django_capture_on_commit_callbacks
):
    import datetime as dt
    from zoneinfo import ZoneInfo

    import time_machine

    from reports.models import Circular
    from reports.tasks import generate_due_circulars

    city_leader = make_user("city_leader", Profile.Role.LEADER, SHENYANG)
    with time_machine.travel(dt.datetime(2022, 11, 11, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            generate_due_circulars()
    built = Circular.objects.filter(plan=demo_plan, year=2022, month=10)
    assert sorted(c.region.code for c in built) == sorted([demo_plan.region.code, SHENYANG])
    extract = built.get(region__code=SHENYANG)
    assert "（沈阳市摘录）" in [p.text for p in docx.Document(media_file(extract.docx_path)).paragraphs]
    assert not extract.document_number  # only the province's own circular takes a number
    page = client_for(city_leader).get(reverse("reports:leader"), {"plan": demo_plan.slug, "year": 2022, "month": 10})
    assert reverse("reports:circular_download", args=[extract.pk, "docx"]) in page.content.decode()
