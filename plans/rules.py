"""Object-level permissions (django-rules), all derived from plans.scope."""

import rules

from plans.scope import scope_for


@rules.predicate
def is_admin(user):
    return scope_for(user).is_admin


@rules.predicate
def can_enter_figures(user):
    return scope_for(user).can_enter_figures


@rules.predicate
def can_download_circulars(user):
    return scope_for(user).can_download_circulars


@rules.predicate
def covers_region(user, region):
    return region is not None and scope_for(user).covers(region)


@rules.predicate
def sees_plan(user, plan):
    from plans.models import Plan

    return plan is not None and Plan.objects.visible_to(user).filter(pk=plan.pk).exists()


rules.add_perm("plans.view_plan", sees_plan)
rules.add_perm("plans.manage_plans", is_admin)
rules.add_perm("targets.enter_figures", can_enter_figures & covers_region)
rules.add_perm("targets.view_region", covers_region)
rules.add_perm("targets.review_submissions", is_admin)
rules.add_perm("targets.manage_allocations", is_admin)
rules.add_perm("reports.download_circulars", can_download_circulars)
