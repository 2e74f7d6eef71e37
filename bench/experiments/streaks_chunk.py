"""Time the nightly streak step on one chunk of 10,000 members (500 groups): once as it
finds them, then again with nothing changed, then with every member's days marked changed.

    .venv/bin/python bench/experiments/streaks_chunk.py [--chunk 3]
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/: _django.py

from _django import database_argument, setup


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chunk", type=int, default=3, help="which 500 groups (0-based)")
    database_argument(parser)
    args = parser.parse_args()
    setup(args.database_url)

    from django.db import connection, transaction

    from cohort.accounts.models import Group, User
    from cohort.activity.models import Streak
    from cohort.activity.services.streaks import activity_streaks_refresh

    groups = Group.objects.order_by("pk").values_list("pk", flat=True)
    groups = list(groups[args.chunk * 500 : (args.chunk + 1) * 500])
    members = User.objects.filter(group_id__in=groups, role=User.Role.MEMBER)
    for label, prepare in (
        ("as found", lambda: None),
        ("nothing changed", lambda: None),
        ("every member's days changed", lambda: _mark_changed(Streak, members)),
    ):
        prepare()
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")  # as the nightly job does
            started = time.perf_counter()
            written = activity_streaks_refresh(members=members)
            print(f"{label}: {time.perf_counter() - started:.2f} s, {written:,} rows written")


def _mark_changed(streak_model, members) -> None:
    streak_model.objects.filter(user__in=members).update(days_signature="changed")


if __name__ == "__main__":
    main()
