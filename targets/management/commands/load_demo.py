from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from plans.models import Plan
from skills_admin.lib import clock
from targets.demo import DEMO_DATE, DEMO_PASSWORD, demo_activity_clear, demo_load, demo_robot_set, demo_users_create


class Command(BaseCommand):
    help = "载入演示数据（演示数据，非真实数据）：各地分解目标、月度数据、报送状态，以及每个角色一个演示账号"

    def add_arguments(self, parser):
        parser.add_argument("--password", default=DEMO_PASSWORD, help="演示账号的密码")
        parser.add_argument("--if-empty", action="store_true", help="已有方案时跳过种子方案与演示数据，只重置账号")
        parser.add_argument(
            "--reset",
            action="store_true",
            help="把演示恢复原样：重新载入演示数据和账号，清除催报、通知和发送记录",
        )
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="在生产环境(DJANGO_PRODUCTION=true)中仍载入演示数据和账号；必须用 --password 给出非公开的强密码",
        )

    def handle(self, *args, password, if_empty, reset, allow_production, **options):
        if settings.PRODUCTION:
            _check_production(password, allow_production)
        if reset:
            demo_activity_clear()
        if reset or not (if_empty and Plan.objects.exists()):
            call_command("load_seed_plans", stdout=self.stdout)
            for slug, count in demo_load(late_regions=clock.demo_date() is not None).items():
                self.stdout.write(f"演示数据：{slug} 月度数据 {count} 条")
            call_command("load_demo_styles", stdout=self.stdout)  # reports' demo: a 红头 style per seed plan
            if department := demo_robot_set():
                self.stdout.write(f"演示数据：{department}的群机器人地址（演示地址，不实际发送）")
        users = demo_users_create(password=password)
        shown = password if password == DEMO_PASSWORD else "（您用 --password 指定的密码）"
        self.stdout.write(self.style.SUCCESS(f"\n演示账号（密码均为 {shown}）："))
        for username, role, region in users:
            self.stdout.write(f"  {username:<18} {role:<6} {region}")
        if clock.demo_date() is not None:
            self.stdout.write(
                f"\n演示日期：{clock.demo_date():%Y年%m月%d日}（填报期限、待办、催报和自动通报按这一天计算）"
            )
        else:
            self.stdout.write(
                f"\n提示：设置 DEMO_DATE={DEMO_DATE:%Y-%m-%d} 让演示的填报月份处于填报期（bin/serve 已设置）"
            )


def _check_production(password: str, allow_production: bool) -> None:
    """Demo accounts and data never reach production by accident, and never with the published password."""
    if not allow_production:
        raise CommandError(
            "生产环境不载入演示数据和演示账号。创建第一个管理员请用 `manage.py createsuperuser`"
            "（见 docs/production.md）；确需演示环境请加 --allow-production 并用 --password 指定强密码。"
        )
    if password == DEMO_PASSWORD:
        raise CommandError("生产环境不能使用公开的演示密码，请用 --password 指定强密码")
    try:
        validate_password(password)
    except ValidationError as exc:
        raise CommandError("；".join(exc.messages)) from exc
