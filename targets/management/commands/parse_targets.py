"""`manage.py parse_targets`: read target statements from stdin, one a line; print one JSON object a line."""

import json
import sys

from django.core.management.base import BaseCommand

from plans.reading import read_targets


class Command(BaseCommand):
    requires_system_checks = []  # reads text only: no database, no URLs
    help = "从标准输入逐行读取工作目标原文，每行输出一个 JSON：原文及识别出的目标（数值、单位、限定、类型、周期）"

    def handle(self, *args, **options):
        for line in sys.stdin:
            text = line.strip()
            if text:
                self.stdout.write(json.dumps(_reading(text), ensure_ascii=False))


def _reading(text: str) -> dict:
    return {"text": text, "targets": [target.to_json_dict() for target in read_targets(text)]}
