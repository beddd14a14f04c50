import time

from django.core.management.base import BaseCommand

from targets.loadgen import SCALES, generate_load
from targets.models import MonthlyFigure


class Command(BaseCommand):
    help = "生成合成数据（非真实数据）用于性能测试：province = 14市约100县40指标12个月；national = 31省约340市约2850县"

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(SCALES), default="province")
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args, scale, seed, **options):
        started = time.perf_counter()
        plan = generate_load(scale=scale, seed=seed)
        figures = MonthlyFigure.objects.filter(allocation__target__key_task__plan=plan).count()
        self.stdout.write(
            f"已生成合成数据“{plan.title}”：月度数据 {figures} 条，用时 {time.perf_counter() - started:.1f} 秒"
        )
