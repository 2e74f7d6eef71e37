"""Notification emails and digests without Celery beat: the embedded default's in-process
scheduler sends them, and each has a management command."""

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from cohort.accounts.tests.factories import MemberFactory
from cohort.notifications.models import NotificationPreference
from cohort.notifications.services import NotificationDraft, notifications_create
from cohort.notifications.tests.factories import site_email_on_since
from cohort.ops import schedule
from cohort.ops.models import ScheduledJob

pytestmark = pytest.mark.django_db


def _overdue(*names, days=2):
    ScheduledJob.objects.filter(name__in=names).update(
        last_run_at=timezone.now() - dt.timedelta(days=days)
    )


def test_the_embedded_default_emails_notifications_without_celery_beat(settings):
    settings.REDIS_URL, settings.CELERY_BROKER_URL = "", ""
    site_email_on_since(days=1)
    member = MemberFactory()
    NotificationPreference.objects.create(user=member, email_dashboard=True)
    schedule.schedule_run_due()  # first sight of every job
    notifications_create(drafts=[NotificationDraft(member.pk, "You reached Burgos", "/map/")])
    _overdue("send-notification-emails", days=0)
    ScheduledJob.objects.filter(name="send-notification-emails").update(
        last_run_at=timezone.now() - dt.timedelta(seconds=settings.NOTIFICATION_EMAIL_SECONDS + 1)
    )

    assert schedule.schedule_run_due() == ["send-notification-emails"]
    assert [m.subject for m in mail.outbox] == ["Cohort: You reached Burgos"]
    assert schedule.schedule_run_due() == []  # claimed: not due again for a minute
    job = ScheduledJob.objects.get(name="send-notification-emails")
    assert job.last_finished_at is not None and job.last_error == ""


def test_the_email_commands_send_and_say_how_many(settings):
    site_email_on_since(days=1)
    now, digest = MemberFactory(), MemberFactory()
    NotificationPreference.objects.create(user=now, email_dashboard=True)
    NotificationPreference.objects.create(user=digest, email_dashboard=True, daily_digest=True)
    for member in (now, digest):
        notifications_create(drafts=[NotificationDraft(member.pk, "Hello", "/")])

    out = io.StringIO()
    call_command("send_notification_emails", stdout=out)
    call_command("send_notification_digests", stdout=out)
    assert out.getvalue().splitlines() == ["Sent 1 notification email.", "Sent 1 digest."]
    assert len(mail.outbox) == 2
