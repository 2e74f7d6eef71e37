"""Notification emails over SMTP to a real local server (aiosmtpd), not a mocked backend."""

import datetime as dt
import email
import socket
from email.policy import default

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone

from cohort.accounts.tests.factories import MemberFactory
from cohort.notifications.emails import email_channel_start
from cohort.notifications.models import EmailChannel, Notification, NotificationPreference
from cohort.notifications.services import NotificationDraft, notifications_create
from cohort.notifications.tasks import send_notification_digests_task, send_notification_emails_task

pytestmark = pytest.mark.django_db


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=default))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def inbox(settings):
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS, settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD = False, "", ""
    settings.SITE_URL = "https://cohort.example"
    # The site's email was already on when the tests' notifications arrive (turning it on
    # sends only what arrives after: test_email_turned_on.py).
    email_channel_start()
    EmailChannel.objects.update(started_at=timezone.now() - dt.timedelta(hours=1))
    yield handler
    controller.stop()


def _member(**choices):
    member = MemberFactory()
    if choices:
        NotificationPreference.objects.create(user=member, **choices)
    return member


def _notify(member, *texts, kind="dashboard"):
    notifications_create(
        drafts=[
            NotificationDraft(member.pk, text, "/map/", f"{kind}:{text}", kind=kind)
            for text in texts
        ]
    )


def test_members_who_asked_get_one_email_each_and_only_once(inbox):
    wants = _member(email_dashboard=True)
    profile_only = _member(email_profile=True)
    silent = _member()
    _notify(wants, "You reached Burgos", "You reached León")
    _notify(profile_only, "Not this kind")
    _notify(silent, "Nobody asked")
    assert send_notification_emails_task.delay().get() == 2
    assert sorted(m["Subject"] for m in inbox.messages) == [
        "Cohort: You reached Burgos",
        "Cohort: You reached León",
    ]
    assert {m["To"] for m in inbox.messages} == {wants.email}
    assert "https://cohort.example/map/" in inbox.messages[0].get_content()
    assert send_notification_emails_task.delay().get() == 0
    assert len(inbox.messages) == 2


def test_read_or_stale_notifications_are_not_emailed(inbox):
    member = _member(email_dashboard=True)
    _notify(member, "Already seen", "Long ago")
    Notification.objects.filter(text="Already seen").update(read_at=timezone.now())
    Notification.objects.filter(text="Long ago").update(
        created_at=timezone.now() - dt.timedelta(days=3)
    )
    assert send_notification_emails_task.delay().get() == 0
    assert inbox.messages == []


def test_a_digest_member_gets_one_email_listing_the_day(inbox):
    digest = _member(email_dashboard=True, email_profile=True, daily_digest=True)
    _notify(digest, "You reached Burgos", "You reached León")
    _notify(digest, "Your group has a new leader", kind="profile")
    assert send_notification_emails_task.delay().get() == 0  # not one by one
    assert send_notification_digests_task.delay().get() == 1
    [message] = inbox.messages
    assert message["Subject"] == "Cohort: your daily digest (3 notifications)"
    body = message.get_content()
    assert "You reached Burgos" in body and "Your group has a new leader" in body
    assert send_notification_digests_task.delay().get() == 0
