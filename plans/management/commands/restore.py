import gzip
import tempfile
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from plans.models import Plan


class Command(BaseCommand):
    help = "从 backup 生成的 .json.gz 文件恢复数据（目标数据库须为空）"

    def add_arguments(self, parser):
        parser.add_argument("input", type=Path)

    def handle(self, *args, input: Path, **options):
        if Plan.objects.exists():
            raise CommandError("数据库中已有方案数据；请在空数据库上恢复，以免覆盖")
        with (
            gzip.open(input, "rt", encoding="utf-8") as handle,
            tempfile.NamedTemporaryFile("w", suffix=".json", encoding="utf-8") as plain,
        ):
            plain.write(handle.read())
            plain.flush()
            with transaction.atomic():
                call_command("loaddata", plain.name, verbosity=0)
        self.stdout.write(f"已从 {input} 恢复")
