"""Time the nightly job (`update_progress`) on the data of bench/generate.py, against the
member-by-member loop over the same data, and check both give the same enrollments.

    .venv/bin/python bench/experiments/nightly.py [--loop-sample N] [--chunk-groups 500]

Both are timed from the same state (enrollments at zero, no notifications: every
milestone notified at once) and again over unchanged data (the steady nightly case);
the job also after 1,000 more steps on every member's latest day (a night after a sheet
sync moved everyone). --skip-loop times the job only.
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/: _django.py

from _django import database_argument, setup

FIELDS = ("user_id", "steps", "distance", "progress", "current_milestone_id", "notified_order")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chunk-groups", type=int, default=None)
    parser.add_argument(
        "--loop-sample",
        type=int,
        default=0,
        help="time the loop on the first N members and scale up (0: all members)",
    )
    parser.add_argument("--skip-loop", action="store_true", help="time update_progress only")
    database_argument(parser)
    args = parser.parse_args()
    setup(args.database_url)

    from django.core.management import call_command

    from cohort.accounts.models import User
    from cohort.activity.models import DailyActivity

    members = User.objects.filter(role=User.Role.MEMBER).count()
    days = DailyActivity.objects.count()
    print(f"Data: {members:,} members, {days:,} days of activity.")

    _reset()
    cold = _timed(lambda: call_command("update_progress", chunk_groups=args.chunk_groups))
    set_based = _snapshot()
    _vacuum()
    warm = _timed(lambda: call_command("update_progress", chunk_groups=args.chunk_groups))
    print(f"update_progress from zero: {cold:.2f} s; again on unchanged data: {warm:.2f} s")
    print(f"update_progress after a new day's steps for everyone: {_time_new_day(args):.2f} s")
    if args.skip_loop:
        return

    _reset()
    loop_cold, looped = _time_loop(args.loop_sample)
    if _snapshot(limit=looped) != set_based[:looped]:
        raise SystemExit("The loop and update_progress disagree: a bug in one of them.")
    _vacuum()
    loop_warm, _ = _time_loop(args.loop_sample)
    scale = members / looped
    note = "" if looped == members else f" (timed on {looped:,} members, scaled)"
    print(
        f"member-by-member loop from zero: {loop_cold * scale:.1f} s; again: "
        f"{loop_warm * scale:.1f} s{note}; same enrollments as update_progress: yes"
    )
    print(
        f"ratio loop / update_progress: from zero {loop_cold * scale / cold:.0f}x, "
        f"on unchanged data {loop_warm * scale / warm:.0f}x"
    )


def _time_new_day(args) -> float:
    """Add 1,000 steps to every member's latest day, as a sheet sync would (no incremental
    update), time the job that takes them in, then take them back out."""
    from django.core.management import call_command
    from django.db.models import F, Max

    from cohort.activity.models import DailyActivity

    latest = DailyActivity.objects.aggregate(day=Max("date"))["day"]
    DailyActivity.objects.filter(date=latest).update(steps=F("steps") + 1_000)
    _vacuum()
    try:
        return _timed(lambda: call_command("update_progress", chunk_groups=args.chunk_groups))
    finally:
        DailyActivity.objects.filter(date=latest).update(steps=F("steps") - 1_000)
        call_command("update_progress", chunk_groups=args.chunk_groups)
        _vacuum()


def _reset() -> None:
    from cohort.journeys.models import Enrollment
    from cohort.notifications.models import Notification

    Notification.objects.all().delete()
    Enrollment.objects.update(
        steps=0, distance=0, progress=0, current_milestone=None, notified_order=0
    )
    _vacuum()


def _vacuum() -> None:
    """What autovacuum does in the background of a live site, done now so runs compare."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE journeys_enrollment, notifications_notification")


def _snapshot(limit: int | None = None) -> list:
    from cohort.journeys.models import Enrollment

    rows = Enrollment.objects.order_by("user_id").values_list(*FIELDS)
    return list(rows[:limit] if limit else rows)


def _timed(run) -> float:
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def _time_loop(sample: int) -> tuple[float, int]:
    from naive_loop import progress_loop_all

    count = [0]
    seconds = _timed(lambda: count.__setitem__(0, progress_loop_all(limit=sample or None)))
    return seconds, count[0]


if __name__ == "__main__":
    main()
