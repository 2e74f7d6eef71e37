"""Item 4: text a person writes (a message, a review comment, an announcement title) ends up
in notification emails. A line break in it must never reach a header (no injected Bcc, no
BadHeaderError that stops every later email): the subject is one clean line."""

import pytest
from django.core import mail

from cohort.accounts.tests.factories import GroupFactory, MemberFactory
from cohort.competition.tests.factories import SeasonFactory
from cohort.messaging.models import Announcement
from cohort.messaging.services import AnnouncementDraft, announcement_create, message_send
from cohort.messaging.tests.factories import ThreadFactory
from cohort.notifications.models import Notification, NotificationPreference
from cohort.notifications.tasks import send_notification_emails_task
from cohort.notifications.tests.factories import site_email_on_since
from cohort.reviews.services import submission_create, submission_review
from cohort.reviews.tests.factories import AssignmentFactory, episode_of, mentor_of

pytestmark = pytest.mark.django_db

INJECTED = "\r\nBcc: victim@example.com\r\n"


def test_written_text_with_line_breaks_never_reaches_a_header_and_never_stops_the_rest():
    site_email_on_since(days=1)
    group = GroupFactory()
    student, other = MemberFactory(group=group), MemberFactory(group=group)
    mentor = mentor_of(group)
    for member in (student, other):
        NotificationPreference.objects.create(user=member, email_dashboard=True)
    season = SeasonFactory()
    work = submission_create(
        user=student,
        assignment_id=AssignmentFactory(episode=episode_of(season, 1)).pk,
        text="my work",
    )

    message_send(sender=mentor, thread=ThreadFactory(student=student, mentor=mentor),
                 text=f"Hello{INJECTED}see you")  # fmt: skip
    submission_review(
        reviewer=mentor, submission_id=work.pk, decision="changes",
        feedback=f"Two things:{INJECTED}- the intro\n- the end",
    )  # fmt: skip
    announcement_create(
        author=mentor,
        draft=AnnouncementDraft(
            title=f"Walk on Friday{INJECTED}X-Evil: 1",
            text="Meet at the gate.",
            audience=Announcement.Audience.GROUPS,
            group_ids=[group.pk],
        ),
        publish=True,
    )
    due = Notification.objects.filter(recipient__in=[student, other]).count()
    assert due == 4  # the message, the review, the announcement twice

    assert send_notification_emails_task.delay().get() == due
    assert len(mail.outbox) == due
    for sent in mail.outbox:
        message = sent.message()
        assert "\n" not in sent.subject and "\r" not in sent.subject
        assert message["Bcc"] is None and message["X-Evil"] is None
        assert sent.recipients() in ([student.email], [other.email])
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()
