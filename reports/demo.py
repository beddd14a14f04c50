"""演示数据 for the circulars: a 通报版式 for every seed plan, so that the demo circular is 红头 with its own
文号 and 主送 out of the box. Marked is_demo; an admin's own style (is_demo=False) is never overwritten."""

from __future__ import annotations

from django.db import transaction

from plans.models import Plan
from reports.models import CircularStyle

DEMO_STYLES = {
    "liaoning-2022": {
        "masthead": "辽宁省人力资源和社会保障厅",
        "number_prefix": "辽人社函",
        "recipients": "各市人力资源社会保障局，沈抚示范区人力资源部门",
        "copy_to": "省发展改革委，省财政厅，省教育厅，省退役军人事务厅",
        "printed_by": "辽宁省人力资源和社会保障厅办公室",
    },
    "jilin-2022": {
        "masthead": "吉林省人力资源和社会保障厅",
        "number_prefix": "吉人社函",
        "recipients": "各市（州）、长白山管委会人力资源社会保障局",
        "copy_to": "省发展改革委，省财政厅，省教育厅",
        "printed_by": "吉林省人力资源和社会保障厅办公室",
    },
    "suqian-2022": {
        "masthead": "宿迁市人力资源和社会保障局",
        "number_prefix": "宿人社函",
        "recipients": "各县（区）人力资源社会保障局，市各功能区人力资源部门",
        "copy_to": "市发展改革委，市财政局，市教育局",
        "printed_by": "宿迁市人力资源和社会保障局办公室",
    },
    "hubin-2019": {
        "masthead": "湖滨区人力资源和社会保障局",
        "number_prefix": "湖人社函",
        "recipients": "各乡（街道）人力资源和社会保障所，区直有关单位",
        "copy_to": "区发展改革委，区财政局，区教育局",
        "printed_by": "湖滨区人力资源和社会保障局办公室",
    },
}


@transaction.atomic
def demo_styles_load() -> int:
    """Create or refresh the demo style of every seed plan present; returns how many were written."""
    written = 0
    for plan in Plan.objects.filter(slug__in=DEMO_STYLES):
        style = CircularStyle.objects.filter(plan=plan).first()
        if style is not None and not style.is_demo:
            continue
        CircularStyle.objects.update_or_create(plan=plan, defaults={**DEMO_STYLES[plan.slug], "is_demo": True})
        written += 1
    return written
