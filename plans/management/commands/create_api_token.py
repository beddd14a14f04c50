from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from plans.models import ApiToken


class Command(BaseCommand):
    help = "为用户创建接口令牌（Authorization: Bearer <令牌>）；令牌只显示这一次，库中只存其摘要"

    def add_arguments(self, parser):
        parser.add_argument("username", help="用户名")
        parser.add_argument("--name", required=True, help="令牌用途，如“数据大屏”")
        parser.add_argument("--days", type=int, default=None, help="有效天数（默认 API_TOKEN_DAYS）")

    def handle(self, *args, username: str, name: str, days: int | None, **options):
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"用户“{username}”不存在或已停用")
        token, key = ApiToken.issue(user, name, days=days)
        self.stderr.write(
            f"已为{username}创建令牌“{name}”（{token.prefix}…，{token.expires_at:%Y-%m-%d}到期），"
            "请立即保存，之后无法再次查看："
        )
        self.stdout.write(key)
