"""The province circular a 科长 would sign (issue 22): the body of each seed plan's busiest month fits on five
pages, the fonts are embedded, a draft is marked 草稿 and numbered only when issued."""

import datetime as dt
import re
import shutil
import subprocess

import pytest
import time_machine
from django.db.models import Count

from plans.models import Plan
from reports.circular_content import circular_content
from reports.pdf import build_circular_pdf
from reports.services import circular_layout
from skills_admin.lib.downloads import media_file
from targets.models import MonthlyFigure

SEEDS = ["liaoning-2022", "suqian-2022", "jilin-2022", "hubin-2019"]
needs_pdf = pytest.mark.skipif(
    shutil.which("chromium") is None or shutil.which("pdfinfo") is None, reason="no chromium/poppler-utils"
)


def busiest_month(plan: Plan) -> tuple[int, int]:
    """The month with the most figures (the latest of equals): where the circular has most to say."""
    rows = (
        MonthlyFigure.objects.filter(allocation__target__key_task__plan=plan)
        .values_list("allocation__year", "month")
        .annotate(n=Count("id"))
    )
    year, month, _ = max(rows, key=lambda r: (r[2], r[0], r[1]))
    return year, month


def pdf_pages(path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", info).group(1))


@needs_pdf
@pytest.mark.django_db
@pytest.mark.parametrize("slug", SEEDS)
def test_province_circular_body_fits_on_five_pages(slug, seed, demo_plan, tmp_path):
    from reports.models import CircularStyle

    plan = Plan.objects.get(slug=slug)
    CircularStyle.objects.get_or_create(
        plan=plan, defaults={"masthead": "某省人力资源和社会保障厅", "copy_to": "省委组织部"}
    )
    year, month = busiest_month(plan)
    content = circular_content(plan, year, month, plan.region, today=dt.date(year, month, 28))
    layout = circular_layout(plan, plan.region, year, month, content)
    path = tmp_path / f"{slug}.pdf"
    path.write_bytes(build_circular_pdf(content, layout))
    pages = pdf_pages(path)
    print(f"\n{slug} {year}-{month:02d}: {pages} pages")
    assert pages <= 5


# --- 公文 form: drafts, 成文日期, 文号 taken at issue ------------------------------------------------------------

from django.urls import reverse  # noqa: E402

from reports.models import Circular, CircularJob, CircularStyle, DocumentNumber  # noqa: E402
from reports.services import circular_build  # noqa: E402
from tests.conftest import DEMO_TODAY  # noqa: E402


def pdf_text(path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


@pytest.fixture
def draft(demo_plan, settings):
    settings.CIRCULAR_PDF = shutil.which("chromium") is not None
    CircularStyle.objects.create(plan=demo_plan, masthead="辽宁省人力资源和社会保障厅", number_prefix="辽人社函")
    job = CircularJob.objects.create(plan=demo_plan, region=demo_plan.region, year=2022, month=10)
    return circular_build(job_id=job.pk, today=DEMO_TODAY)


@pytest.mark.django_db
def test_a_built_circular_is_a_draft_without_number_or_date(draft):
    import docx

    assert (draft.document_number, draft.is_issued, draft.issue_date) == ("", False, None)
    assert not DocumentNumber.objects.exists()
    document = docx.Document(media_file(draft.docx_path))
    assert 'string="草稿"' in document.sections[0].header._element.xml
    assert "2026年11月22日" not in "\n".join(p.text for p in document.paragraphs)  # not the generation day


@pytest.mark.django_db
def test_issuing_takes_the_number_and_the_chosen_date_and_removes_the_draft_mark(draft, client, cast):
    import docx

    client.force_login(cast["admin"])
    url = reverse("reports:circular_issue", args=[draft.pk])
    with time_machine.travel(dt.datetime(2026, 11, 25, 10, 0), tick=False):
        client.post(url, {"issue_date": "2026-11-23"})
    draft.refresh_from_db()
    assert (draft.document_number, draft.issue_date) == ("辽人社函〔2026〕1号", dt.date(2026, 11, 23))
    document = docx.Document(media_file(draft.docx_path))
    texts = [p.text for p in document.paragraphs]
    assert "辽人社函〔2026〕1号" in texts and "2026年11月23日" in texts
    assert "草稿" not in document.sections[0].header._element.xml
    assert not any(t.startswith("依据文件") for t in texts)
    if draft.pdf_path:
        text = pdf_text(media_file(draft.pdf_path))
        assert "辽人社函〔2026〕1号" in text and "2026年11月23日" in text
        assert not re.search(r"草\s*稿|稿\s*草", text)
    # issued once: a second issue is refused, the number stays
    with time_machine.travel(dt.datetime(2026, 11, 25, 10, 0), tick=False):
        client.post(url, {"issue_date": "2026-11-25"})
    draft.refresh_from_db()
    assert draft.issue_date == dt.date(2026, 11, 23) and DocumentNumber.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("day", ["2022-10-30", "2026-11-26", "1999-01-01"])
def test_a_date_before_the_month_ends_or_in_the_future_is_refused(draft, client, cast, day):
    client.force_login(cast["admin"])
    with time_machine.travel(dt.datetime(2026, 11, 25, 10, 0), tick=False):
        response = client.post(reverse("reports:circular_issue", args=[draft.pk]), {"issue_date": day}, follow=True)
    assert "成文日期应在2022-10-31至2026-11-25之间" in response.content.decode()
    assert not Circular.objects.get(pk=draft.pk).is_issued and not DocumentNumber.objects.exists()


@pytest.mark.django_db
def test_only_an_admin_of_the_region_issues(draft, client, cast):
    client.force_login(cast["leader"])
    response = client.post(reverse("reports:circular_issue", args=[draft.pk]), {"issue_date": "2026-11-22"})
    assert response.status_code == 403 and not Circular.objects.get(pk=draft.pk).is_issued


@needs_pdf
@pytest.mark.django_db
def test_draft_pdf_is_marked_and_every_font_is_embedded(draft):
    assert re.search(r"草\s*稿|稿\s*草", pdf_text(media_file(draft.pdf_path)))  # the diagonal mark reads either way
    fonts = subprocess.run(["pdffonts", media_file(draft.pdf_path)], capture_output=True, text=True, check=True).stdout
    rows = fonts.splitlines()[2:]
    print(f"\npdffonts: {len(rows)} fonts, types {sorted({' '.join(r.split()[1:3]) for r in rows})}")
    assert rows and all(r.split()[-5] == "yes" and r.split()[-3] == "yes" for r in rows)  # embedded, ToUnicode


@pytest.mark.django_db
def test_circular_red_list_names_at_most_five_regions(demo_plan):
    content = circular_content(demo_plan, 2022, 10, demo_plan.region, today=DEMO_TODAY)
    boards = next(s for s in content.sections if s.title == "红黄榜")
    assert all(len(t.rows) <= 5 for t in boards.tables)
    yellow = next(p for p in boards.paragraphs if p.startswith("黄榜"))
    assert "等" in yellow and "个地区" in yellow
    problems = next(s for s in content.sections if s.title == "存在问题")
    assert len(problems.paragraphs) <= 8  # a few sentences, not one per target
