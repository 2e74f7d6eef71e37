"""`prune` deletes rows past their retention and keeps recent and unread ones."""

import datetime as dt
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone

from cohort.ops.models import AuditEvent, JobRun
from cohort.ops.retention import records_prune
from cohort.ops.tasks import prune_old_records_task
from cohort.ops.tests.factories import AuditEventFactory, JobRunFactory

pytestmark = pytest.mark.django_db


def _notification_model():
    # notifications sits above ops in the layers: looked up by name, as the service does.
    return apps.get_model("notifications", "Notification")


def _days_ago(days: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)


@pytest.fixture
def rows():
    """Old and recent rows of each kind; returns the ids that must survive a prune."""
    notification = _notification_model()
    member = get_user_model().objects.create_user(email="m@example.com", display_name="M")

    def note(text: str, *, age: int, read: bool):
        row = notification.objects.create(recipient=member, text=text)
        notification.objects.filter(pk=row.pk).update(
            created_at=_days_ago(age), read_at=_days_ago(age) if read else None
        )
        return row.pk

    def job(age: int):
        row = JobRunFactory(name="update_progress")
        JobRun.objects.filter(pk=row.pk).update(started_at=_days_ago(age))
        return row.pk

    def audit(age: int):
        row = AuditEventFactory(action=AuditEvent.Action.SIGN_IN)
        AuditEvent.objects.filter(pk=row.pk).update(created_at=_days_ago(age))
        return row.pk

    def session(key: str, *, expires_in_days: int):
        Session.objects.create(
            session_key=key, session_data="", expire_date=_days_ago(-expires_in_days)
        )
        return key

    session("expired", expires_in_days=-1)
    note("old read", age=200, read=True)
    note("old read 2", age=181, read=True)
    job(91)
    audit(400)
    return {
        "notifications": {
            note("old unread", age=400, read=False),
            note("recent read", age=179, read=True),
        },
        "job_runs": {job(89)},
        "audit": {audit(364)},
        "sessions": {session("live", expires_in_days=1)},
    }


def _surviving():
    return {
        "notifications": set(_notification_model().objects.values_list("pk", flat=True)),
        "job_runs": set(JobRun.objects.values_list("pk", flat=True)),
        # The prune's own record of what it deleted is not one of the rows under test.
        "audit": set(
            AuditEvent.objects.exclude(action=AuditEvent.Action.RECORDS_PRUNED).values_list(
                "pk", flat=True
            )
        ),
        "sessions": set(Session.objects.values_list("pk", flat=True)),
    }


def test_old_rows_go_while_recent_and_unread_ones_stay(rows):
    out = StringIO()
    call_command("prune", stdout=out)
    assert _surviving() == rows
    assert "read notifications: deleted 2 " in out.getvalue()
    assert "job runs: deleted 1 " in out.getvalue()
    assert "audit events: deleted 1 " in out.getvalue()
    assert "expired sessions: deleted 1 " in out.getvalue()
    pruned = AuditEvent.objects.get(action=AuditEvent.Action.RECORDS_PRUNED)
    assert pruned.detail == {
        "read notifications": 2,
        "job runs": 1,
        "audit events": 1,
        "expired sessions": 1,
    }


def test_dry_run_counts_and_deletes_nothing(rows):
    before = _surviving()
    out = StringIO()
    call_command("prune", "--dry-run", stdout=out)
    assert _surviving() == before
    assert "read notifications: would delete 2 " in out.getvalue()
    assert "audit events: would delete 1 " in out.getvalue()


def test_days_on_the_command_line_override_the_settings(rows):
    call_command("prune", "--notifications-days", "100", "--audit-days", "1000", stdout=StringIO())
    surviving = _surviving()
    assert len(surviving["notifications"]) == 1  # only the unread one is left
    assert len(surviving["audit"]) == 2


def test_deletes_in_batches_until_nothing_old_is_left(rows):
    for _ in range(5):
        row = JobRunFactory(name="sync_sheets")
        JobRun.objects.filter(pk=row.pk).update(started_at=_days_ago(120))
    results = {r.name: r.count for r in records_prune(batch_size=2)}
    assert results == {
        "read notifications": 2,
        "job runs": 6,
        "audit events": 1,
        "expired sessions": 1,
    }
    assert _surviving() == rows


def test_the_nightly_task_prunes_with_the_settings(rows, settings):
    settings.RETENTION_JOB_RUN_DAYS = 30
    assert prune_old_records_task() == {
        "read notifications": 2,
        "job runs": 2,
        "audit events": 1,
        "expired sessions": 1,
    }
