"""Announcements (staff to an audience, with read state per member) and one message thread
per mentor and student."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy

from cohort.accounts.models import Division, Group
from cohort.core.models import TimeStampedModel


class Announcement(TimeStampedModel):
    """News from a mentor (to groups they mentor), a coordinator (their division) or an
    organiser (everyone). Members see it once published and until it expires."""

    class Audience(models.TextChoices):
        GROUPS = "groups", gettext_lazy("Groups")
        DIVISION = "division", gettext_lazy("A division")
        EVERYONE = "everyone", gettext_lazy("Everyone")

    class Priority(models.IntegerChoices):
        NORMAL = 0, gettext_lazy("Normal")
        HIGH = 1, gettext_lazy("High")

    class Status(models.TextChoices):
        DRAFT = "draft", gettext_lazy("Draft")
        PUBLISHED = "published", gettext_lazy("Published")

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    audience = models.CharField(max_length=10, choices=Audience.choices)
    groups = models.ManyToManyField(Group, blank=True, related_name="announcements")
    division = models.ForeignKey(
        Division, null=True, blank=True, on_delete=models.CASCADE, related_name="announcements"
    )
    title = models.CharField(max_length=150)
    text = models.TextField(max_length=5000)
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.NORMAL)
    event_on = models.DateField(
        null=True, blank=True, help_text=gettext_lazy("The day of the event, if any.")
    )
    expires_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-priority", "-published_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(audience="division") | models.Q(division__isnull=False),
                name="announcement_division_audience_has_division",
            ),
        ]
        indexes = [
            # The members' list: published ones by audience, high priority and newest first.
            models.Index(
                fields=["audience", "-priority", "-published_at"],
                condition=models.Q(status="published"),
                name="announcement_published",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class AnnouncementRead(models.Model):
    """A member has read an announcement. The unique (user, announcement) index answers
    "has this member read it" for each row of the list without a scan."""

    announcement = models.ForeignKey(Announcement, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    read_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "announcement"], name="announcement_read_once_per_member"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.announcement_id}"


class ThreadQuerySet(models.QuerySet["Thread"]):
    def with_is_current(self) -> "ThreadQuerySet":
        """Each thread with `is_current`: its mentor mentors the student's group now and the
        student's account is open (a closed account keeps its group id for the group's
        figures, but its threads close). Access follows that relationship (see
        for_participant); the thread itself is kept."""
        mentors_now = Group.mentors.through.objects.filter(
            group_id=models.OuterRef("student__group_id"), user_id=models.OuterRef("mentor_id")
        )
        open_and_mentored = models.Q(models.Exists(mentors_now), student__closed_at__isnull=True)
        return self.annotate(
            is_current=models.ExpressionWrapper(
                open_and_mentored, output_field=models.BooleanField()
            )
        )

    def for_participant(self, viewer) -> "ThreadQuerySet":
        """The threads the viewer may open as one of its two people: a student all of
        theirs (they keep their history), a mentor only those of students whose group they
        mentor now. Each with `is_current` (whether it may still be written to)."""
        return (
            self.with_is_current()
            .filter(models.Q(student_id=viewer.pk) | models.Q(mentor_id=viewer.pk))
            .exclude(mentor_id=viewer.pk, is_current=False)
        )


class Thread(models.Model):
    """The one conversation between a mentor and a student. Each side keeps the id of the
    last message it has read, so its unread count is the other side's messages after it.
    It can be written to only while the mentor mentors the student's group."""

    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentor_threads"
    )
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="student_threads"
    )
    mentor_last_read_id = models.BigIntegerField(default=0)
    student_last_read_id = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    last_message_at = models.DateTimeField(default=timezone.now)

    objects = ThreadQuerySet.as_manager()

    class Meta:
        ordering = ["-last_message_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["mentor", "student"], name="thread_once_per_pair"),
        ]

    def __str__(self) -> str:
        return f"Thread {self.mentor_id} ↔ {self.student_id}"

    def is_participant(self, user) -> bool:
        return user.pk in (self.mentor_id, self.student_id)


class Message(models.Model):
    thread = models.ForeignKey(
        Thread, on_delete=models.CASCADE, related_name="messages", db_index=False
    )
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(max_length=5000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        # Unread counts and the thread page read a thread's messages by id.
        indexes = [models.Index(fields=["thread", "id"], name="message_thread_id")]

    def __str__(self) -> str:
        return self.text[:40]
