"""Notification emails over SMTP to a real local server (aiosmtpd), not a mocked backend."""

import datetime as dt
import email
import socket
from email.policy import default

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone

from cohort.accounts.tests.factories import MemberFactory
from cohort.notifications.models import Notification, NotificationPreference
from cohort.notifications.services import NotificationDraft, notifications_create
from cohort.notifications.tasks import send_notification_digests_task, send_notification_emails_task
from cohort.notifications.tests.factories import site_email_on_since

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
    site_email_on_since(days=1 / 24)
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


def test_a_digest_is_written_in_the_members_language(inbox):
    digest = _member(email_dashboard=True, daily_digest=True)
    digest.language = "es"
    digest.save(update_fields=["language"])
    _notify(digest, "¡Has llegado a Burgos!")
    assert send_notification_digests_task.delay().get() == 1
    [message] = inbox.messages
    assert message["Subject"] == "Cohort: tu resumen diario (1 notificación)"
    body = message.get_content()
    assert body.startswith(f"Hola, {digest.display_name}:") and "Lo que ha pasado en Cohort" in body


class RefusingInbox(Inbox):
    """An SMTP server that refuses one recipient (550), as a real one refuses a bad mailbox."""

    def __init__(self, refused: str, answer: str):
        super().__init__()
        self.refused, self.answer = refused, answer

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == self.refused:
            return self.answer
        envelope.rcpt_tos.append(address)
        return "250 OK"


@pytest.fixture
def refusing_inbox(settings):
    """`start(refused)` starts a server that refuses that one address."""
    controllers = []

    def start(refused: str, answer: str = "550 5.1.1 No such mailbox") -> RefusingInbox:
        handler = RefusingInbox(refused, answer)
        controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
        controller.start()
        controllers.append(controller)
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD = "", ""
        site_email_on_since(days=1 / 24)
        return handler

    yield start
    for controller in controllers:
        controller.stop()


def test_a_multi_line_text_goes_out_under_a_one_line_subject(inbox):
    member = _member(email_dashboard=True)
    _notify(member, "Before it")
    _notify(member, "Ana: hello\r\nBcc: someone@example.com\nthird\u2028line\tend")
    _notify(member, "After it")
    assert send_notification_emails_task.delay().get() == 3
    subjects = sorted(m["Subject"] for m in inbox.messages)
    assert subjects == [
        "Cohort: After it",
        "Cohort: Ana: hello Bcc: someone@example.com third line end",
        "Cohort: Before it",
    ]
    assert all(m["Bcc"] is None for m in inbox.messages)
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()


def test_a_refused_message_is_marked_failed_and_the_others_still_go_out(refusing_inbox):
    first, refused, last = (_member(email_dashboard=True) for _ in range(3))
    inbox = refusing_inbox(refused.email)
    for member in (first, refused, last):
        _notify(member, f"Hello {member.pk}")
    assert send_notification_emails_task.delay().get() == 2
    assert sorted(m["To"] for m in inbox.messages) == sorted([first.email, last.email])
    failed = Notification.objects.get(recipient=refused)
    assert failed.emailed_at is None
    assert failed.email_failed_at is not None
    assert "550" in failed.email_error and "mailbox" in failed.email_error
    # The next run neither re-sends the good ones nor retries the refused one.
    assert send_notification_emails_task.delay().get() == 0
    assert len(inbox.messages) == 2


def test_a_refused_digest_is_marked_failed_and_the_other_digests_still_go_out(
    refusing_inbox,
):
    members = [_member(email_dashboard=True, daily_digest=True) for _ in range(3)]
    inbox = refusing_inbox(members[1].email)
    for member in members:
        _notify(member, "One\nthing", "Another")
    assert send_notification_digests_task.delay().get() == 2
    assert sorted(m["To"] for m in inbox.messages) == sorted([members[0].email, members[2].email])
    failed = Notification.objects.filter(recipient=members[1])
    assert [n.email_failed_at is not None for n in failed] == [True, True]
    assert all("550" in n.email_error for n in failed)
    assert send_notification_digests_task.delay().get() == 0
    assert len(inbox.messages) == 2


def test_a_message_refused_for_now_stays_due_for_the_next_run(refusing_inbox):
    waits, other = _member(email_dashboard=True), _member(email_dashboard=True)
    inbox = refusing_inbox(waits.email, answer="451 4.7.1 Try again later")
    _notify(waits, "Greylisted")
    _notify(other, "Goes out")
    assert send_notification_emails_task.delay().get() == 1
    assert [m["To"] for m in inbox.messages] == [other.email]
    waiting = Notification.objects.get(recipient=waits)
    assert (waiting.emailed_at, waiting.email_failed_at) == (None, None)
    inbox.refused = ""  # the server takes it now
    assert send_notification_emails_task.delay().get() == 1
    assert [m["To"] for m in inbox.messages] == [other.email, waits.email]


def test_an_unreachable_server_marks_nothing_failed_and_leaves_all_due(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", _free_port()  # nobody listens
    settings.EMAIL_USE_TLS, settings.EMAIL_TIMEOUT = False, 2
    site_email_on_since(days=1 / 24)
    member = _member(email_dashboard=True)
    _notify(member, "Waits for the server")
    with pytest.raises(OSError):
        send_notification_emails_task.delay().get()
    waiting = Notification.objects.get(recipient=member)
    assert (waiting.emailed_at, waiting.email_failed_at, waiting.email_error) == (None, None, "")
