"""Turning email on sends only what arrives after: a member who ticks an email box, or a site
whose email backend starts sending (EMAIL_HOST set, say), is not mailed the notifications
that were already waiting."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from cohort.accounts.tests.factories import MemberFactory
from cohort.notifications.emails import (
    notification_digests_send,
    notification_emails_send,
)
from cohort.notifications.models import EmailChannel, Notification, NotificationPreference
from cohort.notifications.services import NotificationDraft, notifications_create
from cohort.notifications.tests.factories import site_email_on_since

pytestmark = pytest.mark.django_db

PREFERENCES = "/notifications/preferences/"


def _notify(member, *texts, kind="dashboard"):
    notifications_create(
        drafts=[
            NotificationDraft(member.pk, text, "/map/", f"{kind}:{text}", kind=kind)
            for text in texts
        ]
    )


def _age(text, minutes):
    Notification.objects.filter(text=text).update(
        created_at=timezone.now() - dt.timedelta(minutes=minutes)
    )


@pytest.fixture
def site_email_on():
    """The site's email was on before the test's notifications arrived."""
    site_email_on_since(days=30)


def test_a_member_who_turns_email_on_gets_only_what_arrives_after(client, site_email_on):
    member = MemberFactory()
    _notify(member, "Before: you reached Burgos")
    _age("Before: you reached Burgos", 30)
    client.force_login(member)

    client.post(PREFERENCES, {"email_dashboard": "on"})
    assert notification_emails_send() == 0
    _notify(member, "After: you reached León")
    assert notification_emails_send() == 1

    assert [m.subject for m in mail.outbox] == ["Cohort: After: you reached León"]


def test_turning_on_a_second_kind_does_not_send_that_kinds_backlog(client, site_email_on):
    member = MemberFactory()
    client.force_login(member)
    client.post(PREFERENCES, {"email_dashboard": "on"})
    _notify(member, "Old profile news", kind="profile")
    _age("Old profile news", 10)

    client.post(PREFERENCES, {"email_dashboard": "on", "email_profile": "on"})
    _notify(member, "New dashboard news")
    _notify(member, "New profile news", kind="profile")

    assert notification_emails_send() == 2
    assert sorted(m.subject for m in mail.outbox) == [
        "Cohort: New dashboard news",
        "Cohort: New profile news",
    ]


def test_saving_choices_again_keeps_the_mark(client, site_email_on):
    member = MemberFactory()
    client.force_login(member)
    client.post(PREFERENCES, {"email_dashboard": "on"})
    first = NotificationPreference.objects.get(user=member).email_dashboard_since
    client.post(PREFERENCES, {"email_dashboard": "on", "daily_digest": "on"})
    assert NotificationPreference.objects.get(user=member).email_dashboard_since == first
    client.post(PREFERENCES, {})  # off, then on again: a new mark
    client.post(PREFERENCES, {"email_dashboard": "on"})
    assert NotificationPreference.objects.get(user=member).email_dashboard_since > first


def test_digests_too_leave_out_what_came_before_email_was_turned_on(client, site_email_on):
    member = MemberFactory()
    _notify(member, "Before")
    _age("Before", 30)
    client.force_login(member)
    client.post(PREFERENCES, {"email_dashboard": "on", "daily_digest": "on"})
    _notify(member, "After")

    assert notification_digests_send() == 1
    [digest] = mail.outbox
    assert "After" in digest.body and "Before" not in digest.body


def test_the_site_turning_email_on_does_not_send_the_backlog(settings):
    """A site that ran without sending (no scheduler, or another backend) and now sends:
    the notifications already waiting are not mailed; the next ones are."""
    member = MemberFactory()
    NotificationPreference.objects.create(user=member, email_dashboard=True)
    _notify(member, "Waiting since yesterday", "Waiting since an hour")
    _age("Waiting since yesterday", 24 * 60)
    _age("Waiting since an hour", 60)

    assert notification_emails_send() == 0  # the first send through this backend
    assert EmailChannel.objects.get().backend == settings.EMAIL_BACKEND
    _notify(member, "Fresh")
    assert notification_emails_send() == 1
    assert [m.subject for m in mail.outbox] == ["Cohort: Fresh"]


def test_a_new_backend_starts_its_own_mark(settings, site_email_on):
    member = MemberFactory()
    NotificationPreference.objects.create(user=member, email_dashboard=True)
    _notify(member, "Sent by the first backend")
    assert notification_emails_send() == 1
    _notify(member, "Waiting when the backend changed")
    _age("Waiting when the backend changed", 5)

    settings.EMAIL_BACKEND = "cohort.notifications.tests.test_email_turned_on.OtherBackend"
    _notify(member, "After the change")
    assert notification_emails_send() == 0  # its first send: it starts now
    assert EmailChannel.objects.count() == 2


class OtherBackend:
    """Another backend, for the channel's identity (sends into the locmem outbox)."""

    def __new__(cls, *args, **kwargs):
        from django.core.mail.backends.locmem import EmailBackend

        return EmailBackend(*args, **kwargs)
