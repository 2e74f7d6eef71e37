import datetime as dt

from django.utils import timezone

from cohort.notifications.emails import email_channel_start
from cohort.notifications.models import EmailChannel


def site_email_on_since(days: float = 1) -> None:
    """The site's email backend (the one in settings now) was on `days` ago, so the test's
    notifications arrive after it and are mailed (turning email on sends only what arrives
    after: test_email_turned_on.py)."""
    email_channel_start()
    EmailChannel.objects.update(started_at=timezone.now() - dt.timedelta(days=days))
