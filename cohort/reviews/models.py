"""Assignments (work to hand in, worth points in a category, perhaps required by an episode)
and members' submissions of them, which mentors approve or send back."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from cohort.competition.models import Category, Episode
from cohort.core.models import TimeStampedModel


class Assignment(TimeStampedModel):
    title = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="assignments")
    episode = models.ForeignKey(
        Episode, null=True, blank=True, on_delete=models.CASCADE, related_name="assignments"
    )
    points = models.PositiveIntegerField()
    is_required = models.BooleanField(
        default=True, help_text="Its approval is needed to finish the episode."
    )
    is_open = models.BooleanField(default=True, help_text="Members may hand it in.")

    class Meta:
        ordering = ["episode__number", "title"]

    def __str__(self) -> str:
        return self.title


class Submission(TimeStampedModel):
    class Status(models.TextChoices):
        PENDING = "pending", "Awaiting review"
        APPROVED = "approved", "Approved"
        CHANGES_REQUESTED = "changes", "Changes requested"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="submissions"
    )
    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="submissions")
    text = models.TextField(blank=True)
    file = models.FileField(upload_to="submissions/%Y/%m/", blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reviewed_submissions",
    )
    feedback = models.TextField(blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "assignment", "status"], name="submission_user_status"),
            models.Index(
                fields=["created_at"], condition=Q(status="pending"), name="submission_pending"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.assignment_id} ({self.status})"
