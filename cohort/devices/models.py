"""A member's connection to a device provider (tokens encrypted at rest) and the sync log."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cohort.devices.crypto import token_decrypt, token_encrypt
from cohort.devices.providers.base import Tokens


class DeviceConnectionQuerySet(models.QuerySet["DeviceConnection"]):
    def active(self) -> DeviceConnectionQuerySet:
        return self.filter(status=DeviceConnection.Status.ACTIVE)


class DeviceConnection(models.Model):
    """One per member and provider. The tokens are Fernet ciphertext (crypto.py); `tokens`
    and `tokens_set` are the only ways in and out."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Connected")
        RECONNECT = "reconnect", _("Reconnect needed")
        DISCONNECTED = "disconnected", _("Disconnected")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="device_connections"
    )
    provider = models.CharField(max_length=16)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.ACTIVE)
    access_token_encrypted = models.TextField(blank=True, default="")
    refresh_token_encrypted = models.TextField(blank=True, default="")
    expires_at = models.DateTimeField(null=True, blank=True)
    scope = models.CharField(max_length=500, blank=True, default="")
    external_user_id = models.CharField(max_length=128, blank=True, default="")
    connected_at = models.DateTimeField(null=True, blank=True)
    last_sync_at = models.DateTimeField(null=True, blank=True)
    last_sync_ok_at = models.DateTimeField(null=True, blank=True)
    days_filled = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True, default="")
    failures = models.PositiveSmallIntegerField(default=0)  # in a row, for the backoff
    retry_not_before = models.DateTimeField(null=True, blank=True)
    # The member's local day whose nightly sync was claimed (a conditional UPDATE), so two
    # beats or workers never run the same night twice.
    nightly_on = models.DateField(null=True, blank=True)

    objects = DeviceConnectionQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "provider"], name="one_connection_per_provider")
        ]
        indexes = [
            models.Index(fields=["provider", "external_user_id"], name="device_external_user"),
            models.Index(
                fields=["provider", "user"],
                condition=models.Q(status="active"),
                name="device_active",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider} for user {self.user_id} ({self.status})"

    @property
    def tokens(self) -> Tokens:
        return Tokens(
            access_token=token_decrypt(self.access_token_encrypted),
            refresh_token=token_decrypt(self.refresh_token_encrypted),
            expires_at=self.expires_at,
            scope=self.scope,
            external_user_id=self.external_user_id,
        )

    def tokens_set(self, tokens: Tokens | None) -> None:
        """Store `tokens` encrypted, or erase them all (None)."""
        self.access_token_encrypted = token_encrypt(tokens.access_token) if tokens else ""
        self.refresh_token_encrypted = token_encrypt(tokens.refresh_token) if tokens else ""
        self.expires_at = tokens.expires_at if tokens else None
        self.scope = tokens.scope if tokens else ""
        if tokens and tokens.external_user_id:
            self.external_user_id = tokens.external_user_id


class SyncRun(models.Model):
    """One sync of one member with one provider: what it wrote, asked and how it ended."""

    class Kind(models.TextChoices):
        BACKFILL = "backfill", _("Back-fill on connect")
        NIGHTLY = "nightly", _("Nightly")
        HOURLY = "hourly", _("Today so far")
        WEBHOOK = "webhook", _("Webhook")
        MANUAL = "manual", _("By hand")

    class Outcome(models.TextChoices):
        OK = "ok", _("Synced")
        RETRY = "retry", _("Will retry")
        RECONNECT = "reconnect", _("Reconnect needed")
        FAILED = "failed", _("Failed")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    provider = models.CharField(max_length=16)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    started_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField(default=0)
    days_written = models.PositiveIntegerField(default=0)
    requests = models.PositiveIntegerField(default=0)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    error = models.CharField(max_length=300, blank=True, default="")

    class Meta:
        indexes = [models.Index(fields=["user", "-started_at"], name="syncrun_user_recent")]

    def __str__(self) -> str:
        return f"{self.provider} {self.kind} for user {self.user_id}: {self.outcome}"
