"""Accessibility of the pages reporters use all day (WCAG 2.1 AA): names, landmarks, errors announced."""

import re

from django.urls import reverse

from tests.conftest import SHENYANG

GRID = ("liaoning-2022", 2022, 11, SHENYANG)


def _grid(client):
    return client.get(reverse("targets:grid", args=GRID)).content.decode()


def test_every_page_has_a_skip_link_to_main_and_a_labelled_navigation(cast, client_for, demo_plan):
    html = _grid(client_for(cast["shenyang_reporter"]))
    assert '<a class="visually-hidden-focusable skip-link" href="#main">跳到主要内容</a>' in html
    assert 'id="main" tabindex="-1"' in html and 'aria-label="主导航"' in html
    assert "bg-primary" not in html.split("</nav>")[0]  # the 2.36:1 blue is gone


def test_every_grid_input_is_named_after_its_target(cast, client_for, demo_plan):
    html = _grid(client_for(cast["shenyang_reporter"])).split('id="grid-form"')[1].split("</form>")[0]
    controls = re.findall(r"<(?:input|select|textarea)\b[^>]*>", html)
    visible = [c for c in controls if 'type="hidden"' not in c]
    assert visible
    for control in visible:
        if "<button" in control:
            continue
        label = re.search(r'aria-label="([^"]+)"', control)
        assert label, control
        assert label.group(1) not in ("备注", "本月完成", "进展", "完成日期"), control
    remarks = [re.search(r'aria-label="([^"]+)"', c).group(1) for c in visible if 'name="remark_' in c]
    assert len(remarks) == len(set(remarks))  # 28 remarks are no longer all "备注"


def test_a_refused_save_is_announced_and_the_invalid_input_is_marked(cast, client_for, demo_plan):
    client = client_for(cast["shenyang_reporter"])
    html = _grid(client)
    version = html.split('name="version" value="')[1].split('"')[0]
    first = re.search(r'name="value_(\d+)"', html).group(1)
    response = client.post(reverse("targets:grid", args=GRID), {"version": version, f"value_{first}": "abc"})
    page = response.content.decode()
    assert 'role="alert"' in page and "不是数字" in page
    assert re.search(rf'name="value_{first}"[^>]*aria-invalid="true"', page)
    assert "js/grid.js" in page  # moves the focus to the first error


def test_charts_have_a_text_alternative_pointing_to_the_table(cast, client_for, demo_plan):
    html = client_for(cast["admin"]).get(reverse("reports:overview") + "?plan=liaoning-2022").content.decode()
    assert 'role="img" aria-label="各项指标完成率（图表；数据见本页表格）"' in html
