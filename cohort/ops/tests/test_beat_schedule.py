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
