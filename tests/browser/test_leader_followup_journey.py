"""The issue-14 journey: after the deadline the circular is built; the leader downloads Word, Excel and PDF from
the leaders' page; the admin issues a 黄 notice to a lagging city from the engine's proposals; the city's
reporter signs and answers; the admin closes it; the next circular counts it."""

import datetime as dt
import shutil
import subprocess
from pathlib import Path
from zoneinfo import ZoneInfo

import docx
import pytest
import time_machine

from plans.models import Profile
from reports.followup import notice_proposals
from reports.models import Circular, CircularStyle, Notice
from reports.tasks import generate_due_circulars
from skills_admin.lib.downloads import media_file
from tests.browser.conftest import login, new_page, shot
from tests.conftest import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHANGHAI = ZoneInfo("Asia/Shanghai")


def build_due_circulars(when: dt.datetime, admin) -> None:
    """Build the due circulars (drafts) and issue the province's with the day's 成文日期, as the admin would."""
    from reports.services import circular_issue

    with time_machine.travel(when, tick=False):
        assert generate_due_circulars() >= 1
        for draft in Circular.objects.filter(issued_at__isnull=True, region__code="210000"):
            circular_issue(circular=draft, issue_date=when.date(), user=admin, today=when.date())


def first_page_text_and_red(pdf: Path, folder: Path) -> tuple[str, int]:
    text = subprocess.run(["pdftotext", "-l", "1", str(pdf), "-"], capture_output=True, text=True, check=True)
    subprocess.run(["pdftoppm", "-r", "40", "-f", "1", "-l", "1", str(pdf), str(folder / "page")], check=True)
    data = next(folder.glob("page*.ppm")).read_bytes()
    _, width, height, _, pixels = data.split(maxsplit=4)
    top = int(width) * int(height) // 4 * 3
    red = sum(1 for i in range(0, top, 3) if pixels[i] > 150 and pixels[i + 1] < 80 and pixels[i + 2] < 80)
    return text.stdout, red


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils is not installed")
def test_leader_page_circular_and_a_yellow_notice_from_issue_to_the_next_circular(
    browser, live_server, cast, demo_plan, settings, tmp_path
):
    settings.CIRCULAR_PDF = True
    CircularStyle.objects.create(
        plan=demo_plan,
        masthead="辽宁省人力资源和社会保障厅",
        number_prefix="辽人社函",
        recipients="各市人力资源社会保障局",
        copy_to="省委组织部，省财政厅",
    )
    build_due_circulars(dt.datetime(2022, 11, 11, 9, 0, tzinfo=SHANGHAI), cast["admin"])  # October's, after the 10th
    october = Circular.objects.get(plan=demo_plan, year=2022, month=10)
    assert october.pdf_path and october.document_number == "辽人社函〔2022〕1号"

    # The leader lands on the leaders' page and downloads the three files.
    page = new_page(browser, viewport={"width": 390, "height": 844})  # a phone
    login(page, live_server, "leader")
    assert page.url.endswith("/reports/leader/")
    page.goto(f"{live_server.url}/reports/leader/?plan={demo_plan.slug}&year=2022&month=10")
    page.wait_for_selector("#headline .sparkline[data-rendered='1']")
    assert "项达到序时进度" in page.locator("#headline").inner_text()
    assert "辽人社函〔2022〕1号" in page.locator("#latest-circular").inner_text()
    shot(page, "leader-page")  # docs/screenshot-leader.png is a copy of this one
    files = {}
    for label, fmt in (("Word", "docx"), ("Excel附表", "xlsx"), ("PDF", "pdf")):
        with page.expect_download() as download:
            page.click(f"#latest-circular a:has-text('{label}')")
        files[fmt] = tmp_path / f"october.{fmt}"
        download.value.save_as(files[fmt])
    assert files["xlsx"].read_bytes()[:2] == b"PK"
    assert "辽宁省人力资源和社会保障厅" in docx.Document(files["docx"]).paragraphs[0].text
    text, red_pixels = first_page_text_and_red(files["pdf"], tmp_path)
    assert "辽人社函〔2022〕1号" in text and "一、总体情况" in text
    assert red_pixels > 50  # the red masthead and rule, rendered
    assert not page.js_errors, page.js_errors
    page.context.close()

    # The admin issues a yellow notice to a lagging city from the engine's proposals.
    yellow = next(p for p in notice_proposals(demo_plan, 2022, 10, today=dt.date.today()) if p.colour == "yellow")
    make_user("city_reporter", Profile.Role.REPORTER, yellow.region.code)
    page = new_page(browser)
    login(page, live_server, "admin")
    query = f"plan={demo_plan.slug}&year=2022&month=10&colour=yellow&region_code={yellow.region.code}"
    page.goto(f"{live_server.url}/reports/notices/?{query}")
    page.click("#issue-selected")
    page.wait_for_selector("#notice-facts")
    notice = Notice.objects.get()
    assert (notice.colour, notice.region_id, notice.status) == ("yellow", yellow.region.id, "issued")
    admin_page = page

    # The city's reporter signs and answers.
    page = new_page(browser)
    login(page, live_server, "city_reporter")
    page.goto(f"{live_server.url}/reports/notices/?plan={demo_plan.slug}")
    page.click(f"#open-notices a:has-text('{notice.number}')")
    page.click("#sign-notice")
    page.wait_for_selector("#notice-status:has-text('已签收')")
    page.fill("#id_reasons", "部分培训机构开班推迟")
    page.fill("#id_measures", "增开夜班，按周调度")
    page.fill("#id_date", (dt.date.today() + dt.timedelta(days=30)).isoformat())  # not in the past
    page.click("#answer-form button")
    page.wait_for_selector("#notice-status:has-text('已反馈')")
    page.context.close()

    # The admin checks the answer and closes the notice.
    admin_page.goto(f"{live_server.url}/reports/notices/{notice.pk}/")
    admin_page.select_option("#id_decision", "close")
    admin_page.click("#review-form button")
    admin_page.wait_for_selector("#notice-status:has-text('已办结')")
    events = admin_page.locator("#notice-events").inner_text()
    assert all(step in events for step in ("下发", "签收", "反馈", "办结"))
    assert not admin_page.js_errors, admin_page.js_errors
    admin_page.context.close()

    # November's circular, built after its deadline, counts the notice.
    build_due_circulars(dt.datetime(2022, 12, 11, 9, 0, tzinfo=SHANGHAI), cast["admin"])
    november = Circular.objects.get(plan=demo_plan, year=2022, month=11)
    assert november.document_number == "辽人社函〔2022〕2号"
    paragraphs = [p.text for p in docx.Document(media_file(november.docx_path)).paragraphs]
    assert any("本月发出督办单1份（红0 黄1 蓝0），已反馈1份" in p for p in paragraphs)
