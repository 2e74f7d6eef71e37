from django.db.models import QuerySet

from cohort.notifications.models import Notification, NotificationPreference, PushSubscription


def notifications_of(*, user_id: int, unread_only: bool = False) -> QuerySet[Notification]:
    """The member's own notifications; page them newest first by id."""
    rows = Notification.objects.filter(recipient_id=user_id)
    return rows.filter(read_at__isnull=True) if unread_only else rows


def preference_get(*, user_id: int) -> NotificationPreference:
    """The member's preferences, unsaved defaults (site only) if they never chose."""
    found = NotificationPreference.objects.filter(user_id=user_id).first()
    return found or NotificationPreference(user_id=user_id)


def push_device_count(*, user_id: int) -> int:
    """How many browsers the member receives push notifications on."""
    return PushSubscription.objects.filter(user_id=user_id).count()
