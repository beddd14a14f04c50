"""The casework journey (issue 22): the admin issues a batch of grouped notices with a 要求; the region's reporter
answers one with an attachment; the admin sends it back and the form comes back prefilled; the reporter answers
again; the admin closes it; the leader sees the notices on the leaders' page. axe-core checks the new pages."""

import datetime as dt

import pytest

from plans.models import Profile
from reports.followup import notice_proposals, proposals_by_region
from reports.models import Notice
from tests.browser.conftest import login, new_page, shot
from tests.browser.test_accessibility import _violations
from tests.conftest import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_batch_of_grouped_notices_answered_with_evidence_sent_back_closed_and_seen_by_the_leader(
    browser, live_server, cast, demo_plan, tmp_path
):
    today = dt.date.today()
    proposals = notice_proposals(demo_plan, 2022, 10, today=today)
    target = max(
        {p.target.id: p.target for p in proposals}.values(), key=lambda t: sum(p.target.id == t.id for p in proposals)
    )
    groups = proposals_by_region([p for p in proposals if p.target.id == target.id])
    assert len(groups) >= 2
    first = groups[0].region
    make_user("city_reporter", Profile.Role.REPORTER, first.code)

    # The admin filters by target, writes a 要求 for the first region and issues the batch in one step.
    page = new_page(browser, bypass_csp=True)
    login(page, live_server, "admin")
    page.goto(f"{live_server.url}/reports/notices/?plan={demo_plan.slug}&year=2022&month=10")
    page.select_option("#pf-target", str(target.id))
    page.click("#proposal-filters button")
    page.wait_for_selector(f"#issue-batch fieldset[data-region='{first.name}']")
    assert page.locator("#issue-batch fieldset.proposal-group").count() == len(groups)
    assert _violations(page) == []
    page.fill(f"#draft-{first.code}-requirement", "请于本月底前报送整改台账")
    page.fill(f"#draft-{first.code}-handler_person", "张科长")
    page.click("#issue-selected")
    page.wait_for_selector(".alert-success")
    assert Notice.objects.count() == len(groups)
    notice = Notice.objects.get(region=first)
    assert notice.requirement == "请于本月底前报送整改台账" and notice.items.get().target_id == target.id
    admin_page = page

    # The region's reporter signs and answers with a PDF as evidence.
    evidence = tmp_path / "整改台账.pdf"
    evidence.write_bytes(PDF)
    page = new_page(browser, bypass_csp=True)
    login(page, live_server, "city_reporter")
    page.goto(f"{live_server.url}/reports/notices/{notice.pk}/")
    assert "请于本月底前报送整改台账" in page.locator("#notice-requirement").inner_text()
    page.click("#sign-notice")
    page.wait_for_selector("#notice-status:has-text('已签收')")
    page.fill("#id_reasons", "部分培训机构开班推迟")
    page.fill("#id_measures", "增开夜班")
    page.fill("#id_date", (today + dt.timedelta(days=30)).isoformat())
    page.set_input_files("#id_files", str(evidence))
    page.click("#answer-form button")
    page.wait_for_selector("#notice-status:has-text('已反馈')")
    assert "整改台账.pdf" in page.locator("#notice-attachments").inner_text()
    assert _violations(page) == []
    reporter_page = page

    # The admin sends it back; the reporter finds the last answer in the form, improves it and answers again.
    admin_page.goto(f"{live_server.url}/reports/notices/{notice.pk}/")
    with admin_page.expect_download() as download:
        admin_page.click("#notice-attachments a")
    assert download.value.path().read_bytes() == PDF
    admin_page.select_option("#id_decision", "return")
    admin_page.fill("#id_comment", "措施不够具体")
    admin_page.click("#review-form button")
    admin_page.wait_for_selector("#notice-status:has-text('退回重报')")
    reporter_page.goto(f"{live_server.url}/reports/notices/{notice.pk}/")
    assert reporter_page.input_value("#id_measures") == "增开夜班"
    assert reporter_page.input_value("#id_reasons") == "部分培训机构开班推迟"
    reporter_page.fill("#id_measures", "增开夜班，每周调度一次")
    reporter_page.click("#answer-form button")
    reporter_page.wait_for_selector("#notice-status:has-text('已反馈')")
    reporter_page.context.close()

    # The admin closes it; the timeline shows every step so far.
    admin_page.goto(f"{live_server.url}/reports/notices/{notice.pk}/")
    admin_page.select_option("#id_decision", "close")
    admin_page.click("#review-form button")
    admin_page.wait_for_selector("#notice-status:has-text('已办结')")
    timeline = admin_page.locator("#notice-timeline").inner_text()
    assert all(step in timeline for step in ("下发", "签收", "反馈", "复核", "办结", "归档（待办）"))
    shot(admin_page, "casework-notice")
    assert not admin_page.js_errors, admin_page.js_errors
    admin_page.context.close()

    # The leader sees the open notices by colour and the closed one on the leaders' page.
    page = new_page(browser, bypass_csp=True)
    login(page, live_server, "leader")
    page.goto(f"{live_server.url}/reports/leader/?plan={demo_plan.slug}&year=2022&month=10")
    section = page.locator("#leader-notices").inner_text()
    assert f"在办{len(groups) - 1}份" in section and notice.number in section
    assert _violations(page) == []
    page.context.close()
