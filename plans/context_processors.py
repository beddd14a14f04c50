from plans.scope import scope_for
from skills_admin.lib import clock


def navigation(request):
    """The current user's scope, for the navigation bar."""
    return {"scope": scope_for(getattr(request, "user", None)), "demo_date": clock.demo_date()}
