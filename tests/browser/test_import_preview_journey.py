"""An admin imports a plan from its full text: the preview shows every sentence's role, a role and a reading are
corrected (a wrong figure refused with the preview kept), the plan is imported with both and its review shows
them; the preview page has no WCAG 2.1 AA violation, its 更正读数 open."""

import pytest

from tests.browser.conftest import login, new_page, shot
from tests.browser.test_accessibility import _violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = """关于印发某省职业技能提升行动方案的通知
二、主要任务
(一)开展农民工技能培训。每年培训农民工10万人次以上。2023年,全省已新增技能人才8万人。(省人社厅按职责分工负责)
""".encode()


def test_admin_previews_corrects_and_imports_a_full_text(browser, live_server, cast):
    page = new_page(browser, bypass_csp=True)  # axe is injected inline
    login(page, live_server, "admin")
    page.goto(f"{live_server.url}/plans/")
    page.click("text=导入方案")
    page.fill("#id_slug", "fulltext-journey")
    page.fill("#id_title", "某省职业技能提升行动方案")
    page.fill("#id_year", "2024")
    page.select_option("#id_region", index=1)
    page.select_option("#id_layout", "fulltext")
    page.set_input_files("#id_file", {"name": "方案.txt", "mimeType": "text/plain", "buffer": TEXT})
    page.check("#id_dry_run")
    page.click("form[enctype] button.btn-primary")
    page.wait_for_selector("#statements")
    assert "已有成绩" in page.content()
    assert _violations(page) == []
    shot(page, "import-preview")
    page.select_option("#role-1", "target")
    page.click("#statements ~ form details.reading-fix summary")  # 更正读数 of the first target
    page.fill("input[name='reading-0-0-value']", "十来万")
    assert _violations(page) == []
    page.click("button:has-text('确认导入')")
    page.wait_for_load_state("networkidle")
    assert "第1句第1个目标：数值“十来万”无法识别为数字" in page.content()
    assert page.input_value("#role-1") == "target"  # the choices made are still there
    page.fill("input[name='reading-0-0-value']", "12万")
    page.click("button:has-text('确认导入')")
    page.wait_for_load_state("networkidle")
    assert "更正识别2处" in page.content(), page.inner_text("main")[:300]
    page.click("text=导入识别记录")
    assert "第1个目标数值：100000 → 120000" in page.inner_text("main")
    assert not page.js_errors
    page.context.close()
