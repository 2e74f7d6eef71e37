from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy


class AuditEvent(models.Model):
    """Who did what sensitive thing, when, and from where. Append-only."""

    class Action(models.TextChoices):
        SIGN_IN = "sign_in", gettext_lazy("Signed in")
        SIGN_IN_FAILED = "sign_in_failed", gettext_lazy("Failed sign-in")
        LOCKOUT = "lockout", gettext_lazy("Locked out")
        SIGN_OUT = "sign_out", gettext_lazy("Signed out")
        PASSWORD_ROTATED = "password_rotated", gettext_lazy("Group password changed")
        PERSONAL_PASSWORD_SET = "personal_password_set", gettext_lazy("Personal password set")
        PASSKEY_ADDED = "passkey_added", gettext_lazy("Passkey added")
        PASSKEY_REMOVED = "passkey_removed", gettext_lazy("Passkey removed")
        GROUP_CREATED = "group_created", gettext_lazy("Group created")
        MEMBER_ADDED = "member_added", gettext_lazy("Member added")
        MEMBER_REMOVED = "member_removed", gettext_lazy("Member removed")
        MEMBER_MOVED = "member_moved", gettext_lazy("Member moved")
        MEMBER_RESTORED = "member_restored", gettext_lazy("Former member brought back")
        MEMBER_JOINED = "member_joined", gettext_lazy("Member joined by invite")
        LEADER_CHANGED = "leader_changed", gettext_lazy("Group leader changed")
        MEMBERS_IMPORTED = "members_imported", gettext_lazy("Members imported")
        ACTIVITY_CORRECTED = (
            "activity_corrected",
            gettext_lazy("Activity corrected by an organiser"),
        )
        ACTIVITY_REVIEWED = "activity_reviewed", gettext_lazy("Flagged activity reviewed")
        ACTIVITY_IMPORTED = "activity_imported", gettext_lazy("Activity imported")
        TOKEN_CREATED = "token_created", gettext_lazy("API token created")
        TOKEN_REVOKED = "token_revoked", gettext_lazy("API token revoked")
        SUBMISSION_REVIEWED = "submission_reviewed", gettext_lazy("Submission reviewed")
        SUBMISSION_WITHDRAWN = (
            "submission_withdrawn",
            gettext_lazy("Submission withdrawn before review"),
        )
        MESSAGE_READ_BY_ORGANISER = (
            "message_read_by_organiser",
            "Message thread read by an organiser",
        )
        TWO_FACTOR_ENROLLED = "two_factor_enrolled", gettext_lazy("Two-factor device enrolled")
        TWO_FACTOR_VERIFIED = "two_factor_verified", gettext_lazy("Two-factor code accepted")
        TWO_FACTOR_FAILED = "two_factor_failed", gettext_lazy("Wrong two-factor code")
        TWO_FACTOR_RESET = "two_factor_reset", gettext_lazy("Two-factor device reset")
        TWO_FACTOR_RECOVERY_CODES = (
            "two_factor_recovery_codes",
            gettext_lazy("Two-factor recovery codes made"),
        )
        TWO_FACTOR_RECOVERY_USED = (
            "two_factor_recovery_used",
            gettext_lazy("Two-factor recovery code used"),
        )
        ROLE_CHANGED = "role_changed", gettext_lazy("Role changed")
        MENTOR_ASSIGNED = "mentor_assigned", gettext_lazy("Mentor assigned to a group")
        MENTOR_UNASSIGNED = "mentor_unassigned", gettext_lazy("Mentor removed from a group")
        SEASON_FINALISED = "season_finalised", gettext_lazy("Season finalised")
        TITLES_GRANTED = "titles_granted", gettext_lazy("Titles granted")
        DATA_EXPORTED = "data_exported", gettext_lazy("Data exported")
        RECORDS_PRUNED = "records_pruned", gettext_lazy("Old records deleted")
        ACCOUNT_CLOSED = "account_closed", gettext_lazy("Account closed")
        SITE_SET_UP = "site_set_up", gettext_lazy("First organiser created from the set-up link")
        TEXT_CHANGED = "text_changed", gettext_lazy("Privacy or terms text changed")
        JOB_RUN_REQUESTED = "job_run_requested", gettext_lazy("Scheduled job run by hand")
        SEASON_CREATED = "season_created", gettext_lazy("Season created")
        SEASON_DATES_CHANGED = "season_dates_changed", gettext_lazy("Season dates changed")
        SEASON_ACTIVATED = "season_activated", gettext_lazy("Season activated by hand")

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    action = models.CharField(max_length=32, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ip = models.GenericIPAddressField(null=True, blank=True)
    target_type = models.CharField(max_length=32, blank=True)
    target_id = models.BigIntegerField(null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["action", "-created_at"], name="audit_action_recent")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.get_action_display()}"


class JobRun(models.Model):
    """One run of a scheduled job: when, how much, how it ended."""

    class Outcome(models.TextChoices):
        RUNNING = "running", gettext_lazy("Running")
        SUCCEEDED = "succeeded", gettext_lazy("Succeeded")
        FAILED = "failed", gettext_lazy("Failed")

    name = models.CharField(max_length=64)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.RUNNING)
    chunks_total = models.PositiveIntegerField(default=0)
    chunks_done = models.PositiveIntegerField(default=0)
    rows = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["name", "-started_at"], name="jobrun_name_recent")]

    def __str__(self) -> str:
        return f"{self.name} {self.started_at:%Y-%m-%d %H:%M} {self.outcome}"

    @property
    def duration_seconds(self) -> float | None:
        if self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()


class ScheduledJob(models.Model):
    """One job of the beat schedule as the embedded default's in-process scheduler runs it:
    when its last run was claimed. A scheduler claims a run by moving `last_run_at` on from
    the value it read (a conditional UPDATE), so of several server processes exactly one
    runs each due job."""

    name = models.CharField(max_length=64, unique=True)
    last_run_at = models.DateTimeField()
    last_finished_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
