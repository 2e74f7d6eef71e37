"""The nightly job: rebuild every enrollment on the current chain from DailyActivity with
set-based SQL, a chunk of groups at a time. Idempotent: any number of runs, or a run after
one killed half-way, leaves the same result and never a second milestone notification."""

import datetime as dt
import math

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, OuterRef, Subquery
from django.utils import timezone

from cohort.accounts.models import User
from cohort.activity.models import DailyActivity
from cohort.activity.services.points import activity_points_settle_members
from cohort.activity.services.streaks import activity_streaks_refresh
from cohort.competition.leaderboards.services import standings_refresh
from cohort.core.i18n import in_language
from cohort.journeys.models import Enrollment, Milestone
from cohort.journeys.selectors import PathView, path_chain_get
from cohort.journeys.services import enrollment_follow_on, milestone_notice
from cohort.notifications.services import notifications_create_from_query


def _counted_days(path: PathView):
    """Days that count towards `path`: counted steps, and not after its end."""
    days = DailyActivity.objects.filter(counted_steps__gt=0)
    return days.filter(date__lte=path.end_date) if path.end_date else days


# One statement per path and chunk: sum each enrollment's counted days, derive distance,
# percent, milestone and completion in integer hundredths (rounding down exactly like
# journeys.progress), and write only the rows whose values differ, so a run over unchanged
# data writes nothing. Runs on PostgreSQL and on SQLite 3.39+ (UPDATE ... FROM, IS DISTINCT).
_RECOMPUTE_SQL = """
WITH totals AS MATERIALIZED (
    SELECT e.id, (
        SELECT COALESCE(SUM(a.counted_steps), 0) FROM activity_dailyactivity a
        WHERE a.user_id = e.user_id AND a.date >= e.started_on AND a.counted_steps > 0 {until}
    ) AS steps
    FROM journeys_enrollment e
    WHERE e.path_id = %s AND e.user_id IN ({walkers})
), measured AS (
    SELECT id, steps, {least}(steps * 100 / %s, %s) AS hundredths FROM totals
), computed AS (
    SELECT id, steps, hundredths / 100.0 AS distance,
        (hundredths * 10000 / %s) / 100.0 AS progress,
        (SELECT m.id FROM journeys_milestone m
         WHERE m.path_id = %s AND m.distance <= hundredths / 100.0
         ORDER BY m.distance DESC LIMIT 1) AS milestone_id,
        hundredths >= %s AS complete
    FROM measured
)
UPDATE journeys_enrollment
SET steps = c.steps, distance = c.distance, progress = c.progress,
    current_milestone_id = c.milestone_id,
    completed_at = CASE WHEN c.complete THEN COALESCE(journeys_enrollment.completed_at, %s) END,
    updated_at = %s
FROM computed c
WHERE journeys_enrollment.id = c.id AND (
    journeys_enrollment.steps <> c.steps
    OR journeys_enrollment.distance <> c.distance
    OR journeys_enrollment.progress <> c.progress
    OR journeys_enrollment.current_milestone_id IS DISTINCT FROM c.milestone_id
    OR (journeys_enrollment.completed_at IS NULL) = c.complete
)
"""


def _recompute_path(path: PathView, members) -> int:
    """Rebuild steps, distance, percent, milestone and completion of `members` on `path`.
    Returns how many enrollments changed."""
    walkers, walker_params = members.order_by().values("id").query.sql_with_params()
    total = int(path.total_distance * 100)
    sql = _RECOMPUTE_SQL.format(
        until="AND a.date <= %s" if path.end_date else "",
        walkers=walkers,
        least="LEAST" if connection.vendor == "postgresql" else "MIN",
    )
    params: list[int | dt.date] = [*([path.end_date] if path.end_date else [])]
    params += [path.id, *walker_params, path.steps_per_unit, total, total, path.id, total]
    now = timezone.now()
    params += [now, now]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


# Each member's milestones above notified_order up to the one reached, with the path's
# notices passed in as VALUES so the text comes from journeys.services.milestone_notice,
# once per language: each member gets the one of their profile language ("" the default).
_NEW_MILESTONES_SQL = """
WITH notice(lang, ord, text, link, dedupe_key) AS (VALUES {rows})
SELECT e.user_id, n.text, n.link, n.dedupe_key
FROM journeys_enrollment e
JOIN journeys_milestone reached ON reached.id = e.current_milestone_id
JOIN accounts_user u ON u.id = e.user_id
JOIN notice n ON n.ord > e.notified_order AND n.ord <= reached."order"
  AND n.lang = CASE WHEN u.language = '' THEN %s ELSE u.language END
WHERE e.path_id = %s AND e.user_id IN ({walkers}) AND reached."order" > e.notified_order
"""


def _notify_new_milestones(path: PathView, members) -> None:
    """Notify each milestone passed since the last run, once each, in two statements."""
    notices = []
    for m in path.milestones:
        text, link, key = milestone_notice(m, path)
        for code, _name in settings.LANGUAGES:
            with in_language(code):
                notices.append((code, m.order, str(text), link, key))
    if not notices:
        return
    walkers, walker_params = members.order_by().values("id").query.sql_with_params()
    select = _NEW_MILESTONES_SQL.format(
        rows=", ".join(["(%s, %s, %s, %s, %s)"] * len(notices)), walkers=walkers
    )
    params = [value for notice in notices for value in notice]
    params += [settings.LANGUAGE_CODE, path.id, *walker_params]
    notifications_create_from_query(select_sql=select, params=params)
    reached_order = Milestone.objects.filter(pk=OuterRef("current_milestone_id")).values("order")
    Enrollment.objects.filter(
        path_id=path.id, user__in=members, current_milestone__order__gt=F("notified_order")
    ).update(notified_order=Subquery(reached_order[:1]))


def finishing_day(*, user_id: int, started_on: dt.date, path: PathView) -> dt.date | None:
    """The day the member's running total on `path` reached its end, or None."""
    needed = math.ceil(path.total_distance * path.steps_per_unit)
    days = _counted_days(path).filter(user_id=user_id, date__gte=started_on).order_by("date")
    running = 0
    for day, steps in days.values_list("date", "counted_steps").iterator():
        running += steps
        if running >= needed:
            return day
    return None


def _enroll_finishers_in_next(path: PathView, enrollments) -> None:
    if not path.next_path_id:
        return
    finishers = enrollments.filter(completed_at__isnull=False).exclude(
        user__enrollments__path_id=path.next_path_id
    )
    for enrollment in finishers.only("user_id", "started_on", "completed_at"):
        day = finishing_day(user_id=enrollment.user_id, started_on=enrollment.started_on, path=path)
        if day is not None:
            enrollment_follow_on(user_id=enrollment.user_id, path=path, finished_on=day)


def _recompute_members(members) -> int:
    """Recompute `members` (a User queryset) on the current chain, and their activity streaks
    and activity points; one transaction."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Measured: JIT compiling took 260 of the progress statement's 440 ms per chunk,
            # and 0.1 s of the streaks' 0.65 s; these statements gain nothing from it.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
        activity_streaks_refresh(members=members)
        activity_points_settle_members(members=members)
        return _recompute_chain(members)


def _recompute_chain(members) -> int:
    """Caller is in a transaction."""
    chain = path_chain_get()
    if not chain:
        return 0
    rows = 0
    _enroll_missing(chain[0], members)
    for path in chain:
        enrollments = Enrollment.objects.filter(path_id=path.id, user__in=members)
        changed = _recompute_path(path, members)
        rows += enrollments.count()
        if changed:  # unchanged rows passed no new milestone: their notices went out
            _notify_new_milestones(path, members)
        _enroll_finishers_in_next(path, enrollments)
    standings_refresh(group_ids=members.values_list("group_id", flat=True).distinct())
    return rows


def _walkers():
    return User.objects.filter(role=User.Role.MEMBER, is_active=True)


def progress_recompute_groups(*, group_ids: list[int]) -> int:
    """Recompute every member of these groups (a chunk of the nightly job)."""
    if not group_ids:  # no groups yet: an empty IN () cannot be written as SQL
        return 0
    return _recompute_members(_walkers().filter(group_id__in=group_ids))


def progress_recompute_users(*, user_ids: list[int]) -> int:
    """Recompute these members, after an import or sync changed many of their days."""
    if not user_ids:
        return 0
    return _recompute_members(_walkers().filter(pk__in=user_ids))


def _enroll_missing(path: PathView, members) -> None:
    missing = members.exclude(enrollments__path_id=path.id).values_list("id", flat=True)
    Enrollment.objects.bulk_create(
        [Enrollment(user_id=uid, path_id=path.id, started_on=path.start_date) for uid in missing],
        ignore_conflicts=True,
        batch_size=2000,
    )
