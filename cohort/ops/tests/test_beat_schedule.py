import pickle

from config.celery import _beat_schedule


def test_the_beat_schedule_pickles():
    """celery beat's persistent scheduler stores the schedule with pickle: an entry that
    cannot be pickled (a lambda) stopped beat at start."""
    schedule = _beat_schedule()
    restored = pickle.loads(pickle.dumps(schedule))  # noqa: S301 - our own object
    assert [(name, repr(entry["schedule"]), entry["task"]) for name, entry in restored.items()] == [
        (name, repr(entry["schedule"]), entry["task"]) for name, entry in schedule.items()
    ]


def test_a_daily_job_runs_at_its_time_in_its_own_zone_not_in_utc(settings):
    """Celery reads a crontab's hours in the app's zone (UTC) whatever its nowfun: the nightly
    job "at 23:59 in America/Chicago" fell due at 23:59 UTC, 17:59 in Chicago."""
    import datetime as dt
    import zoneinfo

    import time_machine
    from celery.schedules import maybe_schedule

    from config.celery import app

    settings.NIGHTLY_TIME, settings.NIGHTLY_TIME_ZONE = "23:59", "America/Chicago"
    chicago = zoneinfo.ZoneInfo("America/Chicago")
    nightly = maybe_schedule(_beat_schedule()["update-progress-nightly"]["schedule"], app=app)
    last_run = dt.datetime(2026, 12, 1, 23, 59, 5, tzinfo=chicago).astimezone(dt.UTC)

    def due_at(hour: int, minute: int) -> bool:
        when = dt.datetime(2026, 12, 2, hour, minute, tzinfo=chicago)
        with time_machine.travel(when, tick=False):
            return nightly.is_due(last_run).is_due

    assert not due_at(17, 59)  # 23:59 UTC
    assert not due_at(23, 58)
    assert due_at(23, 59)
    restored = pickle.loads(pickle.dumps(nightly))  # noqa: S301 - our own object
    with time_machine.travel(dt.datetime(2026, 12, 2, 18, 0, tzinfo=chicago), tick=False):
        assert not restored.is_due(last_run).is_due
