"""Issue 20, done when: a province runs its month without the vendor. With the demo accounts only (no superuser,
nothing under /admin/), on the 演示日期: the provincial admin sets 铁岭's group robot and test-sends it to a local
HTTPS robot, switches the plan to 1—N月累计, creates a department reporter and a city admin, sets the 通报版式;
沈阳's reporter finds the open month on the home page and submits confirming empty rows; the admin reviews from
the review page, returns, approves the resubmission; a chase refuses the locked month, then previews and reaches
铁岭's robot once it is reopened; the November circular is built and issued with a 成文日期 and comes out 红头
with its own 文号 and 主送.

The steps reuse the other journeys' helpers: the demo fixture and the reporter's submit of the open-month
journey, the local robot and the axe check of the admin journey."""

import datetime as dt
from urllib.parse import urlsplit

import docx
import pytest
from django.contrib.auth import get_user_model

from plans.models import Department, Plan, Profile
from reports.models import Circular, CircularStyle
from skills_admin.lib.downloads import media_file
from targets.demo import DEMO_DATE, DEMO_PASSWORD
from targets.models import Delivery, Reminder, Submission, Target
from tests.browser.conftest import login, new_page, shot
from tests.browser.test_admin_journey import robot  # noqa: F401  (the local HTTPS robot fixture)
from tests.browser.test_open_month_journey import (  # noqa: F401  (demo is a fixture)
    PLAN,
    TIELING,
    _no_violations,
    _submit_confirming_empty_rows,
    demo,
)
from tests.conftest import LIAONING, SHENYANG

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
MASTHEAD = "辽宁省人力资源和社会保障厅"
RECIPIENTS = "各市人力资源社会保障局"
ISSUE_DATE = dt.date(2022, 12, 10)


def _open(browser, live_server, username, requested: list):
    """A demo account logged in through the login page; every request path it makes is kept in `requested`."""
    page = new_page(browser, bypass_csp=True)  # axe is injected inline; the product's CSP forbids that
    page.on("request", lambda request: requested.append(urlsplit(request.url).path))
    login(page, live_server, username, DEMO_PASSWORD)
    return page


def _docx_red(paragraph) -> bool:
    return any(
        run.font.color is not None and run.font.color.rgb is not None and str(run.font.color.rgb) != "000000"
        for run in paragraph.runs
    )


def test_a_province_runs_its_month_with_the_demo_accounts_only(
    browser,
    live_server,
    demo,  # noqa: F811
    robot,  # noqa: F811
    settings,
    tmp_path,
):
    settings.CIRCULAR_PDF = False  # the Word file is what is checked; no second browser for the PDF
    plan = Plan.objects.get(slug=PLAN)
    department = Department.objects.filter(region__code=LIAONING).order_by("name").first()
    # one untracked target whose document does not say how it is judged: the admin sets a method of its own
    unstated = Target.objects.filter(key_task__plan__slug=PLAN, is_reported=False).order_by("pk").first()
    Target.objects.filter(pk=unstated.pk).update(assessment="", assessment_source="")
    assert not get_user_model().objects.filter(username__in=["admin", "shenyang"], is_superuser=True).exists()
    requested: list[str] = []

    # --- The provincial admin configures its province from 系统管理 ----------------------------------------------
    admin = _open(browser, live_server, "admin", requested)
    admin.click("nav >> text=系统管理")
    admin.click("text=联系人与群机器人")
    admin.click("#region-contacts >> text=铁岭市")
    admin.fill("#id_url", robot.url)
    admin.click("#robot-save")
    admin.wait_for_selector("text=已保存铁岭市的群机器人地址")
    assert admin.locator("#robot-masked").inner_text().endswith("key=****ab12")
    admin.click("#robot-test")
    admin.wait_for_selector("text=测试发送成功")
    assert len(robot.received) == 1 and Delivery.objects.get(region__code=TIELING).status == "delivered"

    admin.click("nav >> text=系统管理")
    admin.click("#manage-pages >> text=方案设置")
    admin.click("#plan-table tr:has-text('技能辽宁') >> text=方案设置")
    admin.check("text=1—N月累计")
    admin.click("#plan-save")
    admin.wait_for_selector("text=的方案设置")
    assert Plan.objects.get(pk=plan.pk).entry_basis == "cumulative"
    assert "文件未明确考核方式" in admin.locator("#target-assessments").inner_text()
    admin.fill(f"#id_assessment_{unstated.pk}", "年底由省厅统一核查")
    admin.click("#assessment-save")
    admin.wait_for_selector("text=已保存1项指标的考核方式")
    assert "管理员省人社厅管理员设定，非文件规定" in admin.locator("#target-assessments").inner_text()
    _no_violations(admin)
    unstated.refresh_from_db()
    assert (unstated.assessment_source, unstated.assessment_set_by.username) == ("admin", "admin")

    admin.click("nav >> text=系统管理")
    admin.click("text=用户与角色")
    admin.click("#user-new")
    admin.fill("#id_username", "walk_dept_reporter")
    admin.fill("#id_full_name", "部门填报员")
    admin.select_option("#id_role", "reporter")
    admin.select_option("#id_region", label="辽宁省")
    admin.select_option("#id_department", label=department.name)
    admin.click("main button:has-text('保存')")
    assert admin.locator("#temporary-password").inner_text() != ""
    assert "一次性重置链接" in admin.locator("#reset-link-alternative").inner_text()
    _no_violations(admin)
    admin.click("text=返回用户列表")
    admin.click("#user-new")
    admin.fill("#id_username", "walk_tieling_admin")
    admin.fill("#id_full_name", "铁岭市管理员")
    admin.select_option("#id_role", "admin")
    admin.select_option("#id_region", label="铁岭市")
    admin.click("main button:has-text('保存')")
    admin.wait_for_selector("#temporary-password")
    profiles = Profile.objects.filter(user__username__in=["walk_dept_reporter", "walk_tieling_admin"])
    assert sorted(profiles.values_list("role", "region__code", "department_id")) == [
        (Profile.Role.ADMIN, TIELING, None),
        (Profile.Role.REPORTER, LIAONING, department.pk),
    ]

    admin.goto(f"{live_server.url}/manage/plans/{PLAN}/")
    admin.click("main >> text=通报版式")
    admin.fill("#id_masthead", MASTHEAD)
    admin.fill("#id_number_prefix", "辽人社函")
    admin.fill("#id_recipients", RECIPIENTS)
    admin.click("#style-save")
    admin.wait_for_selector("text=的通报版式")
    style = CircularStyle.objects.get(plan=plan)
    assert (style.masthead, style.number_prefix, style.recipients) == (MASTHEAD, "辽人社函", RECIPIENTS)

    # --- 沈阳's reporter: the open month from the home page, submitted confirming empty rows ---------------------
    reporter = _open(browser, live_server, "shenyang", requested)
    waiting = reporter.locator("#home-waiting-table").inner_text()
    assert "2022年11月" in waiting
    reporter.locator("#home-waiting-table a", has_text="去填报").first.click()
    reporter.wait_for_selector("#grid-form")
    assert f"/figures/{PLAN}/2022/11/{SHENYANG}/" in reporter.url
    assert "1—11月累计" in reporter.locator("#grid-form").inner_text()  # the plan's new 填报口径
    _submit_confirming_empty_rows(reporter)

    # --- The admin reviews from the review page: returns, then approves the resubmission --------------------------
    admin.goto(f"{live_server.url}/")
    admin.locator("#home-review-table tr", has_text="沈阳市").locator("a", has_text="审核").click()
    admin.wait_for_selector("#review-rows")
    assert admin.locator("#review-rows input").count() == 0
    admin.fill("#return-reason", "请核对11月培训人次")
    admin.click("#return-form button")
    admin.wait_for_selector("text=已退回沈阳市11月数据")
    reporter.goto(f"{live_server.url}/")
    assert "请核对11月培训人次" in reporter.locator("#home-returned-list").inner_text()
    reporter.locator("#home-waiting-table a", has_text="去填报").first.click()
    reporter.wait_for_selector("#grid-form")
    _submit_confirming_empty_rows(reporter)
    admin.goto(f"{live_server.url}/")
    admin.locator("#home-review-table tr", has_text="沈阳市").locator("a", has_text="审核").click()
    admin.click("#approve-form button")
    admin.wait_for_selector("text=已审核通过沈阳市11月数据")
    assert Submission.objects.get(plan=plan, region__code=SHENYANG, year=2022, month=11, department=None).status == (
        "approved"
    )

    # --- A chase: refused while the month is locked, previewed and delivered once 铁岭 is reopened ----------------
    Submission.objects.filter(plan=plan, year=2022, month=11).exclude(status="approved").update(reopened_until=None)
    admin.goto(f"{live_server.url}/figures/{PLAN}/2022/11/chase/")
    assert "已锁定，不会催报" in admin.locator("#chase-recipients").inner_text()
    admin.click("#chase-send-form button[value=send]")
    admin.wait_for_selector("text=请先为这些单位重新开放本月")
    assert not Reminder.objects.filter(kind=Reminder.Kind.MANUAL).exists()
    admin.goto(f"{live_server.url}/figures/{PLAN}/2022/11/{TIELING}/")
    admin.fill("input[name=until]", (DEMO_DATE + dt.timedelta(days=5)).isoformat())
    admin.locator("button", has_text="重新开放").click()
    admin.wait_for_selector("text=已重新开放铁岭市2022年11月")
    admin.goto(f"{live_server.url}/figures/completeness/?plan={PLAN}&year=2022&month=11")
    admin.click("#chase-form button")
    admin.wait_for_selector("#chase-recipients")
    assert "铁岭市" in admin.locator("#chase-recipients").inner_text()
    admin.click("#chase-send-form button[value=send]")
    admin.wait_for_selector("#delivery-table")
    assert len(robot.received) == 2 and "2022" in str(robot.received[-1])
    assert f"/figures/{PLAN}/2022/11/{TIELING}/" in str(robot.received[-1])  # the robot message carries the link

    # --- The circular: built, issued with a 成文日期, 红头 with its own 文号 and 主送 ---------------------------
    admin.click("nav >> text=月度通报")
    admin.goto(f"{live_server.url}/reports/circulars/?plan={PLAN}&year=2022&month=11")
    admin.click("#request-circular")
    admin.wait_for_selector("#circulars .circular-row")
    admin.fill("#circulars input[name=issue_date]", ISSUE_DATE.isoformat())
    admin.click("#circulars button:has-text('签发')")
    admin.wait_for_selector("#circulars .badge:has-text('已签发')")
    circular = Circular.objects.get(plan=plan, year=2022, month=11, region__code=LIAONING)
    assert (circular.document_number, circular.issue_date) == ("辽人社函〔2022〕1号", ISSUE_DATE)
    with admin.expect_download() as word:
        admin.click("#circulars a.download-docx")
    saved = tmp_path / "circular.docx"
    word.value.save_as(saved)
    paragraphs = docx.Document(saved).paragraphs
    texts = [p.text for p in paragraphs]
    head = next(p for p in paragraphs if p.text == MASTHEAD)
    assert _docx_red(head)  # 红头
    assert "辽人社函〔2022〕1号" in texts and f"{RECIPIENTS}：" in texts and "2022年12月10日" in texts
    assert saved.read_bytes() == media_file(circular.docx_path).read_bytes()
    shot(admin, "province-month-walk-circular")

    # Nothing in the walk opened the Django admin, and no page raised a script error.
    assert requested and not [path for path in requested if path.startswith("/admin/")]
    for page in (admin, reporter):
        assert page.js_errors == []
        page.context.close()
