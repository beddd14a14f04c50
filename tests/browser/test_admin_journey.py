"""The provincial admin runs its province from the product, never from the Django admin: logged in through the
login page (no superuser), it sets a city's group robot and test-sends to it, switches a plan to 1—N月累计,
creates a department reporter (who sets its password from a one-time link) and a city admin, sets a
department's robot and one target's own 填报口径, the 通报版式, and reopens a month. Every page it opens has
no axe-core violation, and nothing in the walk opens /admin/."""

import datetime as dt

import pytest

from plans.models import AdminAction, Department, Plan, Region
from reports.models import CircularStyle
from targets.models import Delivery, Submission, Target
from tests.browser.conftest import login, new_page, shot
from tests.browser.test_accessibility import _violations
from tests.conftest import LIAONING, SHENYANG
from tests.manage.robots import HttpsRobot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PLAN = "liaoning-2022"


@pytest.fixture
def robot(tmp_path, monkeypatch, settings):
    robot = HttpsRobot(tmp_path)
    robot.trust(monkeypatch)  # the live server runs in this process: urllib trusts the local robot
    settings.ROBOT_HOSTS = ("qyapi.weixin.qq.com", "oapi.dingtalk.com", "open.feishu.cn", "127.0.0.1")
    settings.ROBOT_TEST_HOSTS = ["127.0.0.1"]  # the test-only way to reach a loopback robot
    yield robot
    robot.stop()


def _checked(page, found: dict) -> None:
    page.wait_for_load_state("networkidle")
    violations = _violations(page)
    if violations:
        found[page.url] = violations


def test_the_provincial_admin_runs_its_province_without_the_vendor(browser, live_server, cast, demo_plan, robot):
    department = Department.objects.filter(region__code=LIAONING).order_by("name").first()
    page = new_page(browser, bypass_csp=True)  # axe is injected inline; the product's CSP forbids that
    opened = []
    page.on("request", lambda request: opened.append(request.url))
    found: dict = {}
    login(page, live_server, "admin")
    page.click("nav >> text=系统管理")
    _checked(page, found)

    # Contacts: a bad robot address is refused, a good one saved (and masked), then test-sent.
    page.click("text=联系人与群机器人")
    _checked(page, found)
    assert "沈阳市" in page.locator("#unreachable").inner_text()
    page.click("#region-contacts >> text=沈阳市")
    page.fill("#id_url", "http://10.0.0.1/cgi-bin/webhook/send?key=x")
    page.click("#robot-save")
    assert "群机器人地址须为 https:// 开头" in page.inner_text("main")
    assert Region.objects.get(code=SHENYANG).webhook_url == ""
    page.fill("#id_url", robot.url)
    page.click("#robot-save")
    page.wait_for_selector("text=已保存沈阳市的群机器人地址")
    assert page.locator("#robot-masked").inner_text().endswith("key=****ab12")
    assert "test-robot" not in page.content()
    page.click("#robot-test")
    page.wait_for_selector("text=测试发送成功")
    assert "errmsg" in page.inner_text("main") and "已送达" in page.locator("#delivery-table").inner_text()
    _checked(page, found)
    assert len(robot.received) == 1 and Delivery.objects.get(region__code=SHENYANG).status == "delivered"
    # A department's robot, test-sent the same way.
    page.click("main nav >> text=联系人与群机器人")
    page.click(f"#department-contacts >> text={department.name}")
    page.fill("#id_url", robot.url)
    page.click("#robot-save")
    page.wait_for_selector(f"text=已保存{department.name}的群机器人地址")
    page.click("#robot-test")
    page.wait_for_selector("text=测试发送成功")
    _checked(page, found)
    assert len(robot.received) == 2 and Delivery.objects.get(department=department).status == "delivered"
    page.click("main nav >> text=联系人与群机器人")
    page.click("#delivery-log-link")
    _checked(page, found)
    assert "测试发送" in page.locator("#delivery-log").inner_text() and "test-robot" not in page.content()

    # Plan settings: 1—N月累计.
    page.click("nav >> text=系统管理")
    page.click("#manage-pages >> text=方案设置")
    _checked(page, found)
    page.click("#plan-table tr:has-text('技能辽宁') >> text=方案设置")
    page.check("text=1—N月累计")
    page.fill("#id_reporting_deadline_day", "31")
    page.click("#plan-save")
    assert "填报截止日须在1—28日之间" in page.inner_text("main")
    assert Plan.objects.get(slug=PLAN).entry_basis == "month"
    page.fill("#id_reporting_deadline_day", "10")
    page.check("text=1—N月累计")
    first_basis = page.locator("#target-bases select").first
    first_basis.select_option("month")  # one target stays on 本月数
    page.click("#plan-save")
    page.wait_for_selector("text=的方案设置")
    _checked(page, found)
    assert Plan.objects.get(slug=PLAN).entry_basis == "cumulative"
    assert Target.objects.filter(key_task__plan__slug=PLAN, entry_basis="month").count() == 1

    # Users: a department reporter and a city admin; a temporary password shown once.
    page.click("nav >> text=系统管理")
    page.click("text=用户与角色")
    _checked(page, found)
    page.click("#user-new")
    _checked(page, found)
    page.fill("#id_username", "dept_reporter")
    page.fill("#id_full_name", "部门填报员")
    page.fill("#id_email", "dept@example.gov.cn")
    page.select_option("#id_role", "reporter")
    page.select_option("#id_region", label="辽宁省")
    page.select_option("#id_department", label=department.name)
    page.click("main button:has-text('保存')")
    assert page.locator("#temporary-password").inner_text() != ""
    _checked(page, found)
    page.click("text=返回用户列表")
    # Rather than the temporary password, a one-time link, shown once, for the reporter to set its own.
    page.click("button[aria-label='为 dept_reporter 生成一次性重置链接']")
    reset_link = page.locator("#reset-link").inner_text()
    _checked(page, found)
    page.click("text=返回用户列表")
    page.click("#user-new")
    page.fill("#id_username", "sy_admin")
    page.fill("#id_full_name", "沈阳管理员")
    page.select_option("#id_role", "admin")
    page.select_option("#id_region", label="辽宁省")
    page.click("main button:has-text('保存')")
    assert "只能授予低于本级的角色" in page.inner_text("main")  # a role as high as its own: refused
    page.select_option("#id_region", label="沈阳市")
    page.click("main button:has-text('保存')")
    page.wait_for_selector("#temporary-password")

    # 通报版式: an empty 主送 is refused; then the red masthead, 文号 prefix and 主送 are kept.
    page.goto(f"{live_server.url}/manage/plans/{PLAN}/style/")
    page.fill("#id_masthead", "辽宁省人力资源和社会保障厅")
    page.fill("#id_number_prefix", "辽人社函")
    page.click("#style-save")
    assert "请填写主送机关" in page.inner_text("main")
    page.fill("#id_recipients", "各市人力资源社会保障局")
    page.fill("#id_copy_to", "省财政厅")
    page.click("#style-save")
    page.wait_for_selector("text=的通报版式")
    _checked(page, found)
    style = CircularStyle.objects.get(plan__slug=PLAN)
    assert (style.number_prefix, style.recipients) == ("辽人社函", "各市人力资源社会保障局")

    # Reopening 沈阳's approved November with a date and a reason.
    page.click("nav >> text=系统管理")
    page.click("#manage-pages >> text=方案设置")
    page.click("#plan-table tr:has-text('技能辽宁') >> text=重新开放")
    until = dt.date.today() + dt.timedelta(days=7)
    page.select_option("#id_holder", label="沈阳市")
    page.fill("#id_year", "2022")
    page.fill("#id_month", "10")
    page.fill("#id_until", until.isoformat())
    page.fill("#id_reason", "补报漏填的培训人次")
    page.click("#reopen-save")
    page.wait_for_selector("text=已重新开放2022年10月")
    _checked(page, found)
    submission = Submission.objects.get(plan__slug=PLAN, region__code=SHENYANG, year=2022, month=10, department=None)
    assert submission.reopened_until == until and submission.return_reason == "补报漏填的培训人次"
    assert "补报漏填的培训人次" in page.locator("#reopened-table").inner_text()

    # The log shows every change; nothing in the walk opened the Django admin.
    page.click("nav >> text=系统管理")
    page.click("text=管理操作记录")
    _checked(page, found)
    log = page.locator("#action-table").inner_text()
    for action in ("设置群机器人", "测试发送", "方案设置", "创建用户", "重置密码", "通报版式", "重新开放"):
        assert action in log
    assert AdminAction.objects.filter(user=cast["admin"]).count() >= 7
    shot(page, "admin-journey-log")
    assert not [url for url in opened if "/admin/" in url]
    assert found == {}
    page.context.close()

    # The department reporter sets its password from the link, once, then logs in with it.
    reporter = new_page(browser, bypass_csp=True)
    reporter.goto(reset_link)
    reporter.fill("#id_new_password1", "Lnrs-Spring-4821x")
    reporter.fill("#id_new_password2", "Lnrs-Spring-4821x")
    _checked(reporter, found)
    reporter.click("#reset-save")
    reporter.wait_for_selector("text=密码已设置，请用新密码登录")
    reporter.goto(reset_link)
    assert reporter.locator("#reset-invalid").is_visible()
    login(reporter, live_server, "dept_reporter", "Lnrs-Spring-4821x")
    assert "部门填报员" in reporter.inner_text("nav")
    reporter.click("#password-change-link")
    _checked(reporter, found)
    assert found == {}
    reporter.context.close()
