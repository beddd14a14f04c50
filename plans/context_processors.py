from plans.scope import scope_for


def navigation(request):
    """The current user's scope, for the navigation bar."""
    return {"scope": scope_for(getattr(request, "user", None))}
