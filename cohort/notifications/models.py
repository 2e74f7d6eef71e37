from django.conf import settings
from django.db import models


class Notification(models.Model):
    """Something a member should see. `dedupe_key` makes "once per event" a database rule."""

    class Kind(models.TextChoices):
        DASHBOARD = "dashboard", "Dashboard"
        PROFILE = "profile", "Profile"

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

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"], name="notification_once_per_event"
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_recent"),
        ]

    def __str__(self) -> str:
        return self.text
