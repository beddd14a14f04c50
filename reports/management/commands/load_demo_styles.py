from django.core.management.base import BaseCommand

from reports.demo import demo_styles_load


class Command(BaseCommand):
    help = "为每个种子方案载入演示用通报版式（演示数据）：红头、文号前缀、主送、抄送、印发；不覆盖管理员自设的版式"

    def handle(self, *args, **options):
        self.stdout.write(f"演示通报版式：{demo_styles_load()} 个")
