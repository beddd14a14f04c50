"""`manage.py parse_targets`: read target statements from stdin, one a line; print one JSON object a line."""

import json
import sys

from django.core.management.base import BaseCommand

from plans.reading import policy_parameters, read_targets


class Command(BaseCommand):
    requires_system_checks = []  # reads text only: no database, no URLs
    help = (
        "从标准输入逐行读取工作目标原文，每行输出一个 JSON：原文、识别出的目标（数值、单位、限定、类型、周期、"
        "每单位定额）及政策参数（补贴标准等，不作目标）"
    )

    def handle(self, *args, **options):
        for line in sys.stdin:
            text = line.strip()
            if text:
                self.stdout.write(json.dumps(_reading(text), ensure_ascii=False))


def _reading(text: str) -> dict:
    targets = [target.to_json_dict() for target in read_targets(text)]
    return {"text": text, "targets": targets, "policy": policy_parameters(text)}
