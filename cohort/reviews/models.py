"""Assignments (work to hand in, worth points in a category, perhaps required by an episode)
and members' submissions of them (text, a link, files), which mentors approve or send back."""

import posixpath
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy

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
        default=True, help_text=gettext_lazy("Its approval is needed to finish the episode.")
    )
    is_open = models.BooleanField(default=True, help_text=gettext_lazy("Members may hand it in."))
    due_on = models.DateField(null=True, blank=True)
    accepts_text = models.BooleanField(
        default=True, help_text=gettext_lazy("Members may write an answer.")
    )
    accepts_link = models.BooleanField(
        default=True, help_text=gettext_lazy("Members may give a link.")
    )
    accepts_files = models.BooleanField(
        default=True, help_text=gettext_lazy("Members may attach files.")
    )

    class Meta:
        ordering = ["episode__number", "title"]

    def __str__(self) -> str:
        return self.title


class Submission(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", gettext_lazy("Draft")
        PENDING = "pending", gettext_lazy("Awaiting review")
        APPROVED = "approved", gettext_lazy("Approved")
        CHANGES_REQUESTED = "changes", gettext_lazy("Changes requested")
        REJECTED = "rejected", gettext_lazy("Rejected")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="submissions"
    )
    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="submissions")
    text = models.TextField(blank=True)
    link = models.URLField(max_length=500, blank=True)
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


def _file_path(instance: "SubmissionFile", filename: str) -> str:
    """A random name under submissions/ (the original name is kept in a column): names never
    collide, on S3 nothing is overwritten, and a stored name reveals nothing."""
    extension = posixpath.splitext(filename)[1].lower()[:10]
    return f"submissions/{instance.submission_id}/{uuid.uuid4().hex}{extension}"


class SubmissionFile(TimeStampedModel):
    """One file of a submission, in the default storage (private; served by our view)."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to=_file_path, max_length=255)
    original_name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=100)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name
