"""Pre-computed summaries per day, group, path and season, rebuilt by `recompute_analytics`.

Every summary is kept per group, so a coordinator's view of their division is a filter and
the sums across groups stay exact (a member belongs to one group)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy


class DailyGroupSummary(models.Model):
    """One group's activity on one day: members with steps > 0, their total and average."""

    date = models.DateField()
    group = models.ForeignKey("accounts.Group", on_delete=models.CASCADE, related_name="+")
    active_members = models.PositiveIntegerField(default=0)
    total_steps = models.BigIntegerField(default=0)
    average_steps = models.PositiveIntegerField(
        default=0, help_text=gettext_lazy("Per active member.")
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "daily group summaries"
        constraints = [
            models.UniqueConstraint(fields=["date", "group"], name="daily_group_summary_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.group_id}: {self.total_steps}"


class PathProgressSummary(models.Model):
    """How many of a group's members on a path stand in each progress bucket: 0 is 0–10%,
    ..., 9 is 90–100% (not finished), 10 is finished."""

    FINISHED = 10

    path = models.ForeignKey("journeys.Path", on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey("accounts.Group", on_delete=models.CASCADE, related_name="+")
    bucket = models.PositiveSmallIntegerField()
    members = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "path progress summaries"
        constraints = [
            models.UniqueConstraint(
                fields=["path", "group", "bucket"], name="path_progress_summary_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.path_id} {self.group_id} bucket {self.bucket}: {self.members}"


class SeasonCategorySummary(models.Model):
    """A group's raw points in one category of one season, and how many members have any."""

    season = models.ForeignKey("competition.Season", on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey("competition.Category", on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey("accounts.Group", on_delete=models.CASCADE, related_name="+")
    points_total = models.BigIntegerField(default=0)
    members_with_points = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "season category summaries"
        constraints = [
            models.UniqueConstraint(
                fields=["season", "category", "group"], name="season_category_summary_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.season_id} {self.category_id} {self.group_id}: {self.points_total}"


class SubmissionStatusSummary(models.Model):
    """A group's submissions of one season's assignments (through their episode) by status."""

    season = models.ForeignKey("competition.Season", on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey("accounts.Group", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=8)
    submissions = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "submission status summaries"
        constraints = [
            models.UniqueConstraint(
                fields=["season", "group", "status"], name="submission_status_summary_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.season_id} {self.group_id} {self.status}: {self.submissions}"


class MentorWorkload(models.Model):
    """A mentor's load: active students in the groups they mentor, pending reviews there,
    the median time they took to review over the last 30 days, and the band."""

    class Band(models.TextChoices):
        LIGHT = "light", gettext_lazy("Light")
        BALANCED = "balanced", gettext_lazy("Balanced")
        OVERLOADED = "overloaded", gettext_lazy("Overloaded")

    mentor = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    students = models.PositiveIntegerField(default=0)
    pending_reviews = models.PositiveIntegerField(default=0)
    median_review_seconds = models.PositiveIntegerField(null=True, blank=True)
    band = models.CharField(max_length=10, choices=Band.choices)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.mentor_id}: {self.band}"
