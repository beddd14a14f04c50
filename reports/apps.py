from django.apps import AppConfig

from skills_admin.lib.versions import generation_bump


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "看板与通报"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from plans.models import Department, KeyTask, KeyTaskDepartment, Measure, Plan, Region
        from targets.models import Target

        # Figures, allocations and submissions renew their regions' versions (roll-ups, submission services);
        # these models change outside those services (admin, fixtures), so they renew the generation.
        for model in (Plan, KeyTask, Measure, Target, Region, Department, KeyTaskDepartment):
            post_save.connect(_bump, sender=model, dispatch_uid=f"dashboards-{model.__name__}-save")
            post_delete.connect(_bump, sender=model, dispatch_uid=f"dashboards-{model.__name__}-delete")


def _bump(sender, **kwargs):
    generation_bump()
