import gzip
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand

BACKUP_MODELS = ["auth.user", "plans", "targets", "reports"]


class Command(BaseCommand):
    help = "备份全部方案、目标、分解、月度数据、报送状态、修改记录与用户到一个 .json.gz 文件"

    def add_arguments(self, parser):
        parser.add_argument("output", type=Path)

    def handle(self, *args, output: Path, **options):
        buffer = StringIO()
        call_command("dumpdata", *BACKUP_MODELS, natural_foreign=False, indent=None, stdout=buffer)
        output.parent.mkdir(parents=True, exist_ok=True)
        tmp = output.with_suffix(output.suffix + ".tmp")
        with gzip.open(tmp, "wt", encoding="utf-8") as handle:
            handle.write(buffer.getvalue())
        tmp.replace(output)
        self.stdout.write(f"已备份到 {output}（{output.stat().st_size // 1024} KB）")
