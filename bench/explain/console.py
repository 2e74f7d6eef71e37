"""The organiser's console at 100,000 members: each query of the overview's figures and of
the mentors' load, timed (best of five) for an organiser (everyone) and a coordinator (one
division of 2,000), and the console's pages in-process (Django's test client), cold (the
overview's one-minute cache emptied) and warm.

`--fill` first writes a synthetic programme straight into an EMPTY database with SQL: 50
divisions, 5,000 groups of 20 members (last sign-in up to 20 days ago, last logged day up
to 12 days ago), 2,500 mentors of two groups each, 5,000 pending submissions and 2,000
flagged days. Only the columns the console reads are filled (no days of activity: the
console reads none but the flagged ones).

    .venv/bin/python bench/explain/console.py --database-url postgres://.../cohort_console --fill
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/: _django.py

from _django import database_argument, setup

FILL = """
INSERT INTO accounts_division (name, is_personal_password_required, created_at, updated_at)
  SELECT 'Division ' || i, false, now(), now() FROM generate_series(1, 50) i;
INSERT INTO accounts_group (name, division_id, password, password_changed_at, member_count,
                            created_at, updated_at)
  SELECT 'Group ' || i, (SELECT min(id) FROM accounts_division) + (i % 50), '!', now(), 20,
         now(), now() FROM generate_series(1, 5000) i;
INSERT INTO accounts_user (password, last_login, email, display_name, role, group_id,
                           time_zone, marker_colour, last_logged_on, hide_name_outside_group,
                           leetcode_username, is_active, date_joined)
  SELECT '!', now() - random() * interval '20 days', 'm' || i || '@x.example', 'Member ' || i,
         'member', (SELECT min(id) FROM accounts_group) + (i % 5000), 'UTC', '',
         current_date - (random() * 12)::int, false, '', true, now()
  FROM generate_series(1, 100000) i;
INSERT INTO accounts_user (password, email, display_name, role, time_zone, marker_colour,
                           hide_name_outside_group, leetcode_username, is_active, date_joined)
  SELECT '!', 'mentor' || i || '@x.example', 'Mentor ' || i, 'mentor', 'UTC', '', false, '',
         true, now() FROM generate_series(1, 2500) i;
INSERT INTO accounts_user (password, email, display_name, role, division_id, time_zone,
                           marker_colour, hide_name_outside_group, leetcode_username,
                           is_active, date_joined)
  VALUES ('!', 'organiser@x.example', 'Organiser', 'organiser', NULL, 'UTC', '', false, '',
          true, now()),
         ('!', 'coordinator@x.example', 'Coordinator', 'coordinator',
          (SELECT min(id) FROM accounts_division), 'UTC', '', false, '', true, now());
INSERT INTO accounts_group_mentors (group_id, user_id)
  SELECT g.id, (SELECT min(id) FROM accounts_user WHERE role = 'mentor')
               + ((g.id - (SELECT min(id) FROM accounts_group)) % 2500)
  FROM accounts_group g;
INSERT INTO competition_category (name, slug, season_cap, rule, points_per_day, min_steps,
                                  "order", monthly_target)
  VALUES ('Work', 'work', 500, 'work', 0, 0, 0, 0);
INSERT INTO reviews_assignment (created_at, updated_at, title, description, points,
                                is_required, is_open, category_id, accepts_files,
                                accepts_link, accepts_text)
  SELECT now(), now(), 'Task', '', 10, true, true, id, true, true, true
  FROM competition_category;
INSERT INTO reviews_submission (created_at, updated_at, text, status, feedback,
                                assignment_id, user_id, link)
  SELECT now() - random() * interval '9 days', now(), 'x', 'pending', '',
         (SELECT min(id) FROM reviews_assignment), id, ''
  FROM accounts_user WHERE role = 'member' AND id % 20 = 0;
INSERT INTO activity_dailyactivity (date, steps, source, review, created_at, updated_at,
                                    user_id, plausible_steps)
  SELECT current_date - 1, 60000, 'web', 'pending', now(), now(), id, 20000
  FROM accounts_user WHERE role = 'member' AND id % 50 = 0;
ANALYZE;
"""

PAGES = ["/organise/", "/organise/mentors/", "/organise/audit/", "/organise/seasons/"]


def _best_queries(run, times=5) -> tuple[float, list[float]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    best_total, best = None, []
    for _ in range(times):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            run()
            total = (time.perf_counter() - started) * 1000
        each = [float(q["time"]) * 1000 for q in captured.captured_queries]
        best = each if not best else [min(a, b) for a, b in zip(best, each, strict=False)]
        best_total = total if best_total is None else min(best_total, total)
    return best_total, best


def _pages(users) -> None:
    from django.conf import settings
    from django.core.cache import cache
    from django.test import Client
    from django.test.utils import override_settings, setup_test_environment

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["*"]
    static = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    settings.STORAGES = {**settings.STORAGES, "staticfiles": static}
    with override_settings(ORGANISER_2FA_REQUIRED=False):
        for user in users:
            client = Client()
            client.force_login(user)
            for url in PAGES:
                cold = []
                for _ in range(3):
                    cache.clear()
                    started = time.perf_counter()
                    response = client.get(url)
                    cold.append((time.perf_counter() - started) * 1000)
                started = time.perf_counter()
                client.get(url)
                warm = (time.perf_counter() - started) * 1000
                size = len(response.content) // 1024
                print(
                    f"  {user.role:11} {url:20} {response.status_code} cold {min(cold):5.0f} ms"
                    f"  warm {warm:5.0f} ms  {size} KB"
                )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    database_argument(parser)
    parser.add_argument("--fill", action="store_true", help="write the synthetic programme")
    args = parser.parse_args()
    setup(args.database_url)
    from django.db import connection

    from cohort.accounts.models import User
    from cohort.organise.selectors import _overview_compute, mentor_load_list

    if args.fill:
        if User.objects.exists():
            sys.exit("--fill writes into an empty database only")
        with connection.cursor() as cursor:
            cursor.execute(FILL)
    organiser = User.objects.filter(role="organiser").first()
    coordinator = User.objects.filter(role="coordinator").exclude(division=None).first()
    print(f"{User.objects.filter(role='member').count():,} members")
    for viewer in (organiser, coordinator):
        division = None if viewer.role == "organiser" else viewer.division_id
        total, each = _best_queries(lambda division=division: _overview_compute(division))
        print(
            f"overview figures ({viewer.role}): {total:.0f} ms; queries {[round(t) for t in each]}"
        )
        total, each = _best_queries(lambda viewer=viewer: mentor_load_list(viewer=viewer))
        print(f"mentors' load ({viewer.role}): {total:.0f} ms; queries {[round(t) for t in each]}")
    print("pages:")
    _pages([organiser, coordinator])


if __name__ == "__main__":
    main()
