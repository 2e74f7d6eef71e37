from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models.functions import Coalesce, Least
from django.utils.translation import gettext_lazy

from cohort.accounts.models import User


def _counted_steps_rule():
    """The one home of what a day counts, computed by the database into `counted_steps` and
    read by progress, streaks, points, dashboards and analytics alike: a rejected day counts
    nothing; a flagged day awaiting review counts at most the member's plausible maximum
    (their flag threshold when it was logged; nothing when unknown) until it is confirmed;
    any other day counts in full."""
    whole = models.IntegerField()
    cap = Coalesce(models.F("plausible_steps"), models.Value(0), output_field=whole)
    return models.Case(
        models.When(review="rejected", then=models.Value(0)),
        models.When(review="pending", then=Least(models.F("steps"), cap, output_field=whole)),
        default=models.F("steps"),
        output_field=whole,
    )


class DailyActivityQuerySet(models.QuerySet["DailyActivity"]):
    def for_viewer(self, viewer) -> "DailyActivityQuerySet":
        """Days of members whose group the viewer may see (accounts' Group.for_viewer:
        mentors their groups', coordinators their division's, organisers everyone's)."""
        return self.filter(user__in=User.objects.for_viewer(viewer))


class DailyActivity(models.Model):
    """One member's steps on one day (their own calendar day). The source of truth that
    progress, streaks and points derive from."""

    class Source(models.TextChoices):
        WEB = "web", gettext_lazy("Web")
        API = "api", "API"
        CSV = "csv", gettext_lazy("CSV import")
        SHEET = "sheet", gettext_lazy("Sheet sync")
        CORRECTION = "correction", gettext_lazy("Organiser correction")
        GOOGLE_HEALTH = "google_health", "Google Health"
        WITHINGS = "withings", "Withings"
        OURA = "oura", "Oura"
        POLAR = "polar", "Polar"
        APPLE_HEALTH = "apple_health", "Apple Health"

    class Review(models.TextChoices):
        NONE = "", gettext_lazy("Not flagged")
        PENDING = "pending", gettext_lazy("Flagged, awaiting review")
        CONFIRMED = "confirmed", gettext_lazy("Confirmed")
        REJECTED = "rejected", gettext_lazy("Rejected")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="daily_activity",
        db_index=False,  # the unique (user, date) index serves lookups by user
    )
    date = models.DateField()
    steps = models.PositiveIntegerField(validators=[MinValueValidator(0)])
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.WEB)
    review = models.CharField(max_length=10, choices=Review.choices, default="", blank=True)
    plausible_steps = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text=gettext_lazy(
            "The member's flag threshold when the day was flagged: while it awaits "
            "review it counts at most this many steps."
        ),
    )
    counted_steps = models.GeneratedField(
        expression=_counted_steps_rule(),
        output_field=models.IntegerField(),
        db_persist=True,
        help_text=gettext_lazy("What the day counts towards progress, streaks and points."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DailyActivityQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "daily activity"
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(fields=["user", "date"], name="one_activity_row_per_day"),
        ]
        indexes = [
            models.Index(fields=["date"], name="activity_date"),
            models.Index(
                fields=["review"],
                condition=models.Q(review="pending"),
                name="activity_pending_review",
            ),
            # The nightly job sums each member's counted days, and finds their streaks,
            # from this index alone (index-only scans on PostgreSQL): 3x faster than
            # visiting the rows.
            models.Index(
                fields=["user", "date"],
                include=["counted_steps"],
                condition=models.Q(counted_steps__gt=0),
                name="activity_counted_steps",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.date}: {self.steps}"


class SheetSource(models.Model):
    """A group's published spreadsheet of steps, read by `sync_sheet`."""

    group = models.OneToOneField(
        "accounts.Group", on_delete=models.CASCADE, related_name="sheet_source"
    )
    url = models.URLField(
        max_length=500,
        help_text=gettext_lazy('A published CSV or a web app answering {"values": [...]}.'),
    )
    is_enabled = models.BooleanField(default=True)
    last_synced_at = models.DateTimeField(null=True, blank=True)
    last_result = models.CharField(max_length=300, blank=True)

    def __str__(self) -> str:
        return f"Sheet for {self.group_id}"


class Streak(models.Model):
    """Consecutive days with activity, kept by the activity services (kind activity, from
    DailyActivity in the member's own days) and by the LeetCode sync (kind leetcode, from
    the public submission calendar). Never written from a member-facing form."""

    class Kind(models.TextChoices):
        ACTIVITY = "activity", gettext_lazy("Activity")
        LEETCODE = "leetcode", "LeetCode"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="streaks"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    current = models.PositiveIntegerField(default=0)
    longest = models.PositiveIntegerField(default=0)
    last_day = models.DateField(
        null=True, blank=True, help_text=gettext_lazy("The latest day counted.")
    )
    # Activity: "count:sum:sum of squares" of the counted days (days since 2000-01-01), so
    # the nightly job rebuilds only the streaks whose days changed.
    days_signature = models.CharField(max_length=60, blank=True, editable=False)
    synced_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_streak_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}: {self.current} (longest {self.longest})"
