import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """Something a member should see. `dedupe_key` makes "once per event" a database rule."""

    class Kind(models.TextChoices):
        DASHBOARD = "dashboard", gettext_lazy("Dashboard")
        PROFILE = "profile", gettext_lazy("Profile")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        db_index=False,  # the unique (recipient, dedupe_key) index serves lookups by recipient
    )
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.DASHBOARD)
    text = models.CharField(max_length=300)
    link = models.CharField(max_length=200, blank=True)
    dedupe_key = models.CharField(max_length=100, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # Set when the notification was sent by email (or taken into a digest), by the job
    # that claims it, so two workers never send it twice.
    emailed_at = models.DateTimeField(null=True, blank=True)
    # Set when the mail server refused this one for good (a refused mailbox, a message it
    # cannot take): it is never retried, and the others of its batch still go out.
    email_failed_at = models.DateTimeField(null=True, blank=True)
    # db_default: the INSERT ... SELECT of notifications_create_from_query leaves it out.
    email_error = models.CharField(max_length=200, blank=True, default="", db_default="")
    # Set when the push job took it (sent to the member's devices, or nothing to send): a
    # notification is pushed at most once. Held while the member's quiet hours last.
    pushed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"], name="notification_once_per_event"
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_recent"),
            models.Index(
                fields=["recipient"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread",
            ),
            models.Index(
                fields=["created_at"],
                condition=models.Q(emailed_at__isnull=True, read_at__isnull=True),
                name="notification_to_email",
            ),
        ]

    def __str__(self) -> str:
        return self.text


class NotificationPreference(models.Model):
    """How a member wants notifications besides the site: by email per kind, right away or
    in one daily digest. Without a row: on the site only."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email_dashboard = models.BooleanField(
        gettext_lazy("email me dashboard notifications"), default=False
    )
    email_profile = models.BooleanField(
        gettext_lazy("email me profile notifications"), default=False
    )
    daily_digest = models.BooleanField(
        gettext_lazy("one daily digest instead of an email each"), default=False
    )
    # When each kind's email was last turned on: older notifications of that kind are not
    # mailed (turning email on sends only what arrives after). Empty: no mark (rows made
    # before the mark existed, or directly in the admin).
    email_dashboard_since = models.DateTimeField(null=True, blank=True, editable=False)
    email_profile_since = models.DateTimeField(null=True, blank=True, editable=False)
    # Push to the member's devices (those with a PushSubscription), per kind, outside their
    # quiet hours (in their own time zone; start after end spans midnight; empty: none).
    push_dashboard = models.BooleanField(
        _("push dashboard notifications"), default=True, db_default=True
    )
    push_profile = models.BooleanField(
        _("push profile notifications"), default=True, db_default=True
    )
    quiet_hours_start = models.TimeField(_("quiet hours from"), null=True, blank=True)
    quiet_hours_end = models.TimeField(_("quiet hours until"), null=True, blank=True)

    def __str__(self) -> str:
        return f"Notification preferences of {self.user_id}"

    def pushes_kind(self, kind: str) -> bool:
        return {
            Notification.Kind.DASHBOARD: self.push_dashboard,
            Notification.Kind.PROFILE: self.push_profile,
        }.get(kind, False)

    def is_quiet_at(self, local_time: dt.time) -> bool:
        """Whether `local_time` (the member's own clock) falls in their quiet hours."""
        start, end = self.quiet_hours_start, self.quiet_hours_end
        if start is None or end is None or start == end:
            return False
        if start < end:
            return start <= local_time < end
        return local_time >= start or local_time < end

    def emails_kind(self, kind: str) -> bool:
        return {
            Notification.Kind.DASHBOARD: self.email_dashboard,
            Notification.Kind.PROFILE: self.email_profile,
        }.get(kind, False)


class EmailChannel(models.Model):
    """An email backend the site has sent notifications through, and since when. Notifications
    created before the backend in use started are not mailed through it, so turning the
    site's email on (setting EMAIL_HOST, say) does not send the backlog."""

    backend = models.CharField(max_length=200, unique=True)
    started_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.backend} since {self.started_at:%Y-%m-%d %H:%M}"


class PushSubscription(models.Model):
    """One browser's Web Push subscription (PushManager.subscribe()): where to post and the
    keys to encrypt for it. A member may have several devices; the push service's 404 or
    410 (the subscription is gone) removes the row."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions"
    )
    endpoint = models.URLField(max_length=1000, unique=True)
    p256dh = models.CharField(max_length=200)  # the browser's public key, base64url
    auth = models.CharField(max_length=100)  # the shared auth secret, base64url
    user_agent = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_pushed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Push subscription {self.pk} of {self.user_id}"

    def as_info(self) -> dict:
        """The subscription as pywebpush takes it."""
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}
