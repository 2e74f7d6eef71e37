"""Activity streaks: consecutive days with counted steps, in the member's own calendar days.
One member's streak is refreshed in the transaction that changes their day; the nightly
recompute rebuilds a chunk of members with one set-based query and writes only the rows
that changed, so any drift (a missed refresh, a day that ended unlogged) is repaired."""

import datetime as dt
from dataclasses import dataclass, replace

from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from cohort.activity.models import DailyActivity, Streak
from cohort.core.clock import zone_today
from cohort.core.i18n import lazy_message
from cohort.notifications.services import NotificationDraft, notifications_create

ONE_DAY = dt.timedelta(days=1)
BROKEN_NOTICE_MIN = 3  # a run this long that ends earns a "streak broken" notification


@dataclass(frozen=True)
class StreakNumbers:
    current: int = 0
    longest: int = 0
    last_day: dt.date | None = None
    signature: str = ""  # of the days they came from (days_signature)


NO_STREAK = StreakNumbers()


def streak_current(*, trailing: int, last_day: dt.date | None, today: dt.date) -> int:
    """The run ending on `last_day` is current while that day is today or yesterday: a day
    not yet logged today keeps yesterday's run alive."""
    if last_day is None or last_day < today - ONE_DAY:
        return 0
    return trailing


def streak_compute(days, *, today: dt.date) -> StreakNumbers:
    """(current, longest, last day) of the runs of consecutive dates in `days`."""
    longest = run = 0
    previous = None
    for day in sorted(set(days)):
        run = run + 1 if previous is not None and day - previous == ONE_DAY else 1
        longest = max(longest, run)
        previous = day
    if previous is None:
        return NO_STREAK
    current = streak_current(trailing=run, last_day=previous, today=today)
    return StreakNumbers(current, longest, previous, days_signature(set(days)))


_EPOCH = dt.date(2000, 1, 1)


def days_signature(days) -> str:
    """What the nightly job compares to tell whether a member's counted days changed; the
    SQL in _SIGNATURES_SQL computes the same string."""
    offsets = [(day - _EPOCH).days for day in days]
    if not offsets:
        return ""
    return f"{len(offsets)}:{sum(offsets)}:{sum(o * o for o in offsets)}"


def _counted_days():
    return DailyActivity.objects.filter(counted_steps__gt=0)


def activity_streak_refresh(*, user_id: int, today: dt.date) -> StreakNumbers:
    """Recompute one member's activity streak from their days and store it when it changed.
    `today` is the member's own date (user_today). Call inside the day's transaction."""
    if connection.vendor == "postgresql":
        numbers, stored = _numbers_and_stored(user_id, today)
    else:
        days, stored = _days_and_stored(user_id)
        numbers = streak_compute(days, today=today)
    if (stored is None and numbers == NO_STREAK) or stored == _as_tuple(numbers):
        return numbers
    _streaks_write([_row(user_id, numbers)], [])
    return numbers


# One statement: the member's counted days and their stored streak (a logged day's budget).
_DAYS_AND_STORED_SQL = """
SELECT ARRAY(SELECT a.date FROM {activity} a WHERE a.user_id = %s AND a.counted_steps > 0),
    s.current, s.longest, s.last_day, s.days_signature
FROM (SELECT 1) AS one LEFT JOIN {streak} s ON s.user_id = %s AND s.kind = %s
"""


# One statement on PostgreSQL: the member's runs ("gaps and islands", as _ISLANDS_SQL) and the
# sums of days_signature, with their stored streak; the days themselves never leave the
# database (sending them as an array and parsing them cost twice the CPU, measured).
_NUMBERS_AND_STORED_SQL = """
WITH counted AS (
    SELECT a.date, a.date - CAST(ROW_NUMBER() OVER (ORDER BY a.date) AS integer) AS island,
        CAST(a.date - DATE '2000-01-01' AS bigint) AS offset_days
    FROM {activity} a WHERE a.user_id = %(user)s AND a.counted_steps > 0
), islands AS (
    SELECT MAX(date) AS last_day, COUNT(*) AS length FROM counted GROUP BY island
)
SELECT (SELECT length FROM islands ORDER BY last_day DESC LIMIT 1),
    (SELECT MAX(length) FROM islands), (SELECT MAX(last_day) FROM islands),
    (SELECT COUNT(*) FROM counted), (SELECT SUM(offset_days) FROM counted),
    (SELECT SUM(offset_days * offset_days) FROM counted),
    s.current, s.longest, s.last_day, s.days_signature
FROM (SELECT 1) AS one LEFT JOIN {streak} s ON s.user_id = %(user)s AND s.kind = %(kind)s
"""


def _numbers_and_stored(user_id: int, today: dt.date) -> tuple[StreakNumbers, tuple | None]:
    """streak_compute of the member's counted days, and their stored (current, longest, last
    day, signature) or None, from one statement on PostgreSQL."""
    sql = _NUMBERS_AND_STORED_SQL.format(
        activity=DailyActivity._meta.db_table, streak=Streak._meta.db_table
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, {"user": user_id, "kind": Streak.Kind.ACTIVITY})
        trailing, longest, last_day, count, total, squares, *stored = cursor.fetchone()
    numbers = NO_STREAK
    if count:
        current = streak_current(trailing=trailing, last_day=last_day, today=today)
        numbers = StreakNumbers(current, longest, last_day, f"{count}:{total}:{squares}")
    return numbers, (tuple(stored) if stored[0] is not None else None)


def _days_and_stored(user_id: int) -> tuple[list[dt.date], tuple | None]:
    """The member's counted days and their stored (current, longest, last day, signature),
    None when they have no streak row yet."""
    stored_rows = Streak.objects.filter(user_id=user_id, kind=Streak.Kind.ACTIVITY)
    if connection.vendor != "postgresql":
        days = list(_counted_days().filter(user_id=user_id).values_list("date", flat=True))
        fields = ("current", "longest", "last_day", "days_signature")
        return days, stored_rows.values_list(*fields).first()
    sql = _DAYS_AND_STORED_SQL.format(
        activity=DailyActivity._meta.db_table, streak=Streak._meta.db_table
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [user_id, user_id, Streak.Kind.ACTIVITY])
        days, *stored = cursor.fetchone()
    return days, (tuple(stored) if stored[0] is not None else None)


def _as_tuple(numbers: StreakNumbers) -> tuple:
    return numbers.current, numbers.longest, numbers.last_day, numbers.signature


def _row(user_id: int, numbers: StreakNumbers, pk: int | None = None) -> Streak:
    return Streak(
        pk=pk,
        user_id=user_id,
        kind=Streak.Kind.ACTIVITY,
        current=numbers.current,
        longest=numbers.longest,
        last_day=numbers.last_day,
        days_signature=numbers.signature,
        updated_at=timezone.now(),
    )


_FIELDS = ["current", "longest", "last_day", "days_signature", "updated_at"]


def _streaks_write(new: list[Streak], changed: list[Streak]) -> None:
    """One upsert (INSERT ... ON CONFLICT (user, kind) DO UPDATE) for new and changed rows
    alike: it also covers a row a member's first log made meanwhile, and it is fast where
    bulk_update's CASE per row is quadratic (measured: 7.6 s for 10,000 rows)."""
    for row in changed:
        row.pk = None
    Streak.objects.bulk_create(
        [*new, *changed],
        batch_size=2000,
        update_conflicts=True,
        unique_fields=["user", "kind"],
        update_fields=_FIELDS,
    )


# "Gaps and islands": within one member's counted days ordered by date, date minus row
# number is the same for every day of a run. Each island gives its last day and length;
# the member's latest island is the trailing run, the longest is the longest. One
# statement per chunk. The members come as a sorted list of ids (`= ANY` on PostgreSQL),
# so the index hands the days over already in (member, date) order: measured, that saves
# the sort of 800,000 rows per chunk (0.9 to 0.6 s; the nightly job also turns JIT off).
_ISLANDS_SQL = """
WITH counted AS (
    SELECT a.user_id, a.date, {island_key} AS island
    FROM {activity} a
    WHERE a.user_id {members} AND a.counted_steps > 0
), islands AS (
    SELECT user_id, MAX(date) AS last_day, COUNT(*) AS length
    FROM counted GROUP BY user_id, island
), ranked AS (
    SELECT user_id, last_day, length,
        MAX(length) OVER (PARTITION BY user_id) AS longest,
        ROW_NUMBER() OVER (PARTITION BY user_id ORDER BY last_day DESC) AS pos
    FROM islands
)
SELECT user_id, length, longest, last_day FROM ranked WHERE pos = 1
"""

_ROW_NUMBER = "ROW_NUMBER() OVER (PARTITION BY a.user_id ORDER BY a.date)"
_ISLAND_KEY = {
    "postgresql": f"a.date - CAST({_ROW_NUMBER} AS integer)",
    "sqlite": f"julianday(a.date) - {_ROW_NUMBER}",
}


def _as_date(value) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))  # SQLite answers text


def _members_clause(ids: list[int]) -> tuple[str, list]:
    """`a.user_id <clause>` for a sorted list of ids: `= ANY` on PostgreSQL (an index scan in
    id order), placeholders on SQLite."""
    if connection.vendor == "postgresql":
        return "= ANY(%s)", [ids]
    return f"IN ({', '.join(['%s'] * len(ids))})", list(ids)


def _islands(ids: list[int]) -> dict[int, tuple]:
    """{user_id: (trailing run, longest run, last day)} for members with counted days."""
    members, params = _members_clause(ids)
    sql = _ISLANDS_SQL.format(
        members=members,
        island_key=_ISLAND_KEY[connection.vendor],
        activity=DailyActivity._meta.db_table,
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {uid: (trailing, longest, _as_date(last)) for uid, trailing, longest, last in cursor}


_SIGNATURES_SQL = """
SELECT a.user_id, COUNT(*), SUM({offset}), SUM({offset} * {offset})
FROM {activity} a
WHERE a.user_id {members} AND a.counted_steps > 0
GROUP BY a.user_id
"""
_OFFSET = {
    "postgresql": "CAST(a.date - DATE '2000-01-01' AS bigint)",
    "sqlite": "CAST(julianday(a.date) - julianday('2000-01-01') AS INTEGER)",
}


def _signatures(ids: list[int]) -> dict[int, str]:
    """{user_id: days_signature} of members with counted days: one aggregate over the index,
    no sort."""
    members, params = _members_clause(ids)
    sql = _SIGNATURES_SQL.format(
        members=members, offset=_OFFSET[connection.vendor], activity=DailyActivity._meta.db_table
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {uid: f"{count}:{total}:{squares}" for uid, count, total, squares in cursor}


def _stored(ids: list[int]) -> tuple[dict[int, StreakNumbers], dict[int, int]]:
    """The members' stored activity streaks, and their rows' ids."""
    rows = Streak.objects.filter(user_id__in=ids, kind=Streak.Kind.ACTIVITY).values_list(
        "user_id", "pk", "current", "longest", "last_day", "days_signature"
    )
    numbers, pks = {}, {}
    for uid, pk, current, longest, last_day, signature in rows:
        numbers[uid] = StreakNumbers(current, longest, _as_date(last_day), signature)
        pks[uid] = pk
    return numbers, pks


def activity_streaks_refresh(*, members) -> int:
    """Bring the activity streaks of `members` (a User queryset: a chunk of the nightly job,
    or the members an import touched) up to date: rebuild from their days (one set-based
    query) only those whose counted days changed since their streak was stored; for the
    others only whether yesterday went unlogged can change. Writes only the rows that differ
    and notifies each member whose run of BROKEN_NOTICE_MIN+ days has just ended. Returns
    the number of rows written."""
    people = list(members.order_by("id").values_list("id", "time_zone"))
    if not people:
        return 0
    ids = [uid for uid, _ in people]
    signatures = _signatures(ids)
    stored, pks = _stored(ids)
    stale = [uid for uid in ids if signatures.get(uid, "") != stored.get(uid, NO_STREAK).signature]
    islands = _islands(stale) if stale else {}
    new: list[Streak] = []
    changed: list[Streak] = []
    broken: list[tuple[int, StreakNumbers]] = []
    todays: dict[str, dt.date] = {}
    for uid, zone in people:
        if zone not in todays:
            todays[zone] = zone_today(zone)
        before = stored.get(uid, NO_STREAK)
        if uid in stale:
            trailing, longest, last_day = islands.get(uid, (0, 0, None))
            current = streak_current(trailing=trailing, last_day=last_day, today=todays[zone])
            numbers = StreakNumbers(current, longest, last_day, signatures.get(uid, ""))
        else:
            current = streak_current(
                trailing=before.current, last_day=before.last_day, today=todays[zone]
            )
            numbers = replace(before, current=current)
        if numbers == before:
            continue
        (changed if uid in pks else new).append(_row(uid, numbers, pks.get(uid)))
        if before.current >= BROKEN_NOTICE_MIN and numbers.current == 0:
            broken.append((uid, before))
    _streaks_write(new, changed)
    _notify_broken(broken)
    return len(new) + len(changed)


def _notify_broken(broken: list[tuple[int, StreakNumbers]]) -> None:
    drafts = [
        NotificationDraft(
            recipient_id=uid,
            text=lazy_message(
                gettext_noop(
                    "Your %(days)s-day activity streak has ended. Log a day to start a new one."
                ),
                days=before.current,
            ),
            link=reverse("activity:log"),
            # One notice per run: the run is named by its last day.
            dedupe_key=f"streak-broken:activity:{before.last_day}",
        )
        for uid, before in broken
    ]
    notifications_create(drafts=drafts)
