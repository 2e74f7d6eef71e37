from django.conf import settings

from cohort.notifications.unread import unread_count_get


def navigation(request):
    """The unread badge in the navigation, counted only when a page shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_unread_count": lambda: unread_count_get(user_id=user.pk),
        "nav_poll_seconds": settings.NOTIFICATION_POLL_SECONDS,
    }
