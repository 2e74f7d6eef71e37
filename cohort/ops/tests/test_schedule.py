"""The embedded default runs the whole beat schedule in-process (no Redis, no broker): one
scheduler thread per server process, each run claimed in the database; every scheduled job
is also a management command."""

import datetime as dt
import importlib
import threading

import pytest
from django.core.management import get_commands
from django.utils import timezone

from cohort.ops import schedule
from cohort.ops.models import ScheduledJob
from cohort.ops.services import scheduled_job_claim
from config.celery import COMMANDS, _beat_schedule

pytestmark = pytest.mark.django_db


def _overdue(*names, days=2):
    ScheduledJob.objects.filter(name__in=names).update(
        last_run_at=timezone.now() - dt.timedelta(days=days)
    )


def test_every_scheduled_job_is_also_a_management_command():
    assert COMMANDS.keys() == _beat_schedule().keys()
    commands = get_commands()
    for name, command in COMMANDS.items():
        assert command.split()[0] in commands, f"{name}: no command {command!r}"


def test_a_job_seen_for_the_first_time_waits_for_its_next_time():
    assert schedule.schedule_run_due() == []
    assert set(ScheduledJob.objects.values_list("name", flat=True)) == set(COMMANDS)


def test_the_whole_schedule_runs_in_process_without_redis_or_a_broker(settings):
    settings.REDIS_URL, settings.CELERY_BROKER_URL = "", ""
    schedule.schedule_run_due()
    _overdue(*COMMANDS)

    ran = schedule.schedule_run_due()

    assert sorted(ran) == sorted(COMMANDS)
    assert list(ScheduledJob.objects.exclude(last_error="").values_list("name", "last_error")) == []


def test_a_failing_job_is_recorded_and_the_others_still_run(settings, monkeypatch):
    schedule.schedule_run_due()
    _overdue("prune-old-records", "send-notification-digests")

    def broken():
        raise RuntimeError("disk full")

    monkeypatch.setattr("cohort.ops.retention.records_prune", broken)
    monkeypatch.setattr("cohort.ops.tasks.records_prune", broken)
    ran = schedule.schedule_run_due()

    assert sorted(ran) == ["prune-old-records", "send-notification-digests"]
    failed = ScheduledJob.objects.get(name="prune-old-records")
    assert "disk full" in failed.last_error


def test_only_one_claim_of_a_run_wins():
    schedule.schedule_run_due()
    seen = ScheduledJob.objects.get(name="prune-old-records").last_run_at
    assert scheduled_job_claim(name="prune-old-records", seen=seen) is True
    assert scheduled_job_claim(name="prune-old-records", seen=seen) is False


def test_the_scheduler_thread_is_off_in_tests_and_starts_once_per_process(settings, monkeypatch):
    assert schedule.schedule_start_in_process() is None  # conftest turns it off in tests
    release = threading.Event()
    monkeypatch.setattr(schedule, "_loop", lambda: release.wait(5))
    monkeypatch.setattr(schedule, "_thread", None)
    settings.SCHEDULE_IN_PROCESS = True
    try:
        first = schedule.schedule_start_in_process()
        assert first is not None and first.is_alive() and first.daemon
        assert schedule.schedule_start_in_process() is first
    finally:
        release.set()
        first.join(5)


def test_the_server_entry_points_start_the_scheduler(monkeypatch):
    started = []
    monkeypatch.setattr(schedule, "schedule_start_in_process", lambda: started.append(1))
    import config.asgi
    import config.wsgi

    started.clear()  # a first import above may have called it already
    importlib.reload(config.wsgi)
    assert started == [1]
    importlib.reload(config.asgi)
    assert started == [1, 1]
