from targets.models import Notification


def notifications(request):
    """The unread count of the bell (one query per page for a signed-in user)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "unread_notifications": Notification.objects.filter(
            user=user, read_at__isnull=True, done_at__isnull=True
        ).count()
    }
