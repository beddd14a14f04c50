from celery import current_app as app  # the project's Celery app (skills_admin/celery.py), set as current
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "立即执行一遍定时任务（自动通报、每日催报、督办升级……），即 Celery beat 按计划执行的任务"

    def add_arguments(self, parser):
        parser.add_argument("names", nargs="*", help="只执行这些计划项（CELERY_BEAT_SCHEDULE 的名字）")

    def handle(self, *args, names, **options):
        schedule = settings.CELERY_BEAT_SCHEDULE
        unknown = sorted(set(names) - set(schedule))
        if unknown:
            raise CommandError(f"没有这些计划项：{'、'.join(unknown)}；可选：{'、'.join(schedule)}")
        app.loader.import_default_modules()
        for name, entry in schedule.items():
            if names and name not in names:
                continue
            result = app.tasks[entry["task"]].apply()
            self.stdout.write(f"{name}: {result.status} {result.result if result.successful() else ''}")
