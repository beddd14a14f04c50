from django.core.management.base import BaseCommand

from targets.importer import load_seed_fixtures


class Command(BaseCommand):
    help = "载入种子方案(fixtures/regions 与 fixtures/plans)：四份真实方案文件的地区、任务、措施与目标"

    def handle(self, *args, **options):
        for plan in load_seed_fixtures():
            tasks = plan.key_tasks.count()
            self.stdout.write(f"已载入：{plan.title}（{plan.document_number or '无文号'}，重点任务{tasks}项）")
