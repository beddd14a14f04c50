from django.core.management import call_command
from django.core.management.base import BaseCommand

from plans.models import Plan
from targets.demo import DEMO_PASSWORD, demo_load, demo_users_create


class Command(BaseCommand):
    help = "载入演示数据（演示数据，非真实数据）：各地分解目标、月度数据、报送状态，以及每个角色一个演示账号"

    def add_arguments(self, parser):
        parser.add_argument("--password", default=DEMO_PASSWORD, help="演示账号的密码")
        parser.add_argument(
            "--if-empty", action="store_true", help="已有方案时跳过种子方案与演示数据，只重置账号"
        )

    def handle(self, *args, password, if_empty, **options):
        if not (if_empty and Plan.objects.exists()):
            call_command("load_seed_plans", stdout=self.stdout)
            for slug, count in demo_load().items():
                self.stdout.write(f"演示数据：{slug} 月度数据 {count} 条")
        users = demo_users_create(password=password)
        self.stdout.write(self.style.SUCCESS(f"\n演示账号（密码均为 {password}）："))
        for username, role, region in users:
            self.stdout.write(f"  {username:<18} {role:<6} {region}")
