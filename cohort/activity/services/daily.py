"""Logging one member's day: validate, upsert the row, push the change to their progress."""

import datetime as dt
import math
from typing import Any

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import IntegrityError, connection, transaction
from django.db.models import Avg, Count, Field, Q, StdDev
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_lazy, ngettext

from cohort.accounts import permissions
from cohort.accounts.models import User
from cohort.activity.models import DailyActivity
from cohort.activity.services.flags import flagged_days_notify
from cohort.activity.services.points import activity_points_settle
from cohort.activity.services.recompute import progress_recompute_users
from cohort.activity.services.streaks import activity_streak_refresh
from cohort.activity.signals import day_changed
from cohort.competition.leaderboards.services import member_moved_refresh
from cohort.competition.selectors.seasons import CATEGORIES_KEY, SEASON_CURRENT_KEY
from cohort.core.caching import cache_get_many
from cohort.core.clock import user_today
from cohort.core.exceptions import InvalidInput, PermissionDenied
from cohort.journeys.models import Enrollment
from cohort.journeys.selectors import CHAIN_KEY, path_chain_get
from cohort.journeys.services import enrollment_apply_steps
from cohort.ops.models import AuditEvent
from cohort.ops.services import audit_record

_HISTORY_DAYS = 90
_MIN_HISTORY = 7


def _streak_and_points_refresh(*, user: User, day: dt.date, found: dict | None = None) -> None:
    """Caller is in the day's transaction: the member's streak and activity points follow
    (_progress_apply drops their group's cached dashboard); listeners hear of the day once it
    commits."""
    activity_streak_refresh(user_id=user.pk, today=user_today(user))
    activity_points_settle(user_id=user.pk, day=day, found=found, group_id=user.group_id)
    user_id, group_id = user.pk, user.group_id
    transaction.on_commit(
        lambda: day_changed.send(sender=None, user_id=user_id, group_id=group_id, day=day)
    )


STAFF_LOG_REFUSED = gettext_lazy(
    "Only members log steps: a mentor's, coordinator's or organiser's steps would count "
    "nowhere. Organisers correct a member's day in the admin."
)


def activity_validate(
    *, user: User, day: dt.date, steps: int, is_correction: bool, chain: list | None = None
) -> None:
    """Raise InvalidInput with the reason a day cannot be logged (PermissionDenied for a
    staff account: only members walk the path, so steps logged for staff would show nowhere).
    `chain`: path_chain_get() when the caller already has it."""
    if not permissions.may_log_activity(user):
        raise PermissionDenied(STAFF_LOG_REFUSED)
    if not isinstance(steps, int) or isinstance(steps, bool):
        raise InvalidInput(gettext("Steps must be a whole number."))
    if steps < 0:
        raise InvalidInput(gettext("Steps cannot be negative."))
    if steps > settings.ACTIVITY_MAX_STEPS:
        raise InvalidInput(
            gettext("%(format)s steps in a day is more than the %(format2)s allowed.")
            % {"format": format(steps, ","), "format2": format(settings.ACTIVITY_MAX_STEPS, ",")}
        )
    today = user_today(user)
    if day > today:
        raise InvalidInput(gettext("That day has not happened yet."))
    if not is_correction and day < edit_window_days(today)[-1]:
        raise InvalidInput(edit_window_refusal(today))
    outside = day_outside_path(day, chain)
    if outside:
        raise InvalidInput(gettext("%(outside)s.") % {"outside": outside})


def edit_window_days(today: dt.date) -> list[dt.date]:
    """The days a member may log or change themselves, newest first: today and the
    ACTIVITY_EDIT_WINDOW_DAYS - 1 days before it. The one home of the rule: the log page
    offers these days and activity_validate refuses any other."""
    return [today - dt.timedelta(days=back) for back in range(settings.ACTIVITY_EDIT_WINDOW_DAYS)]


def edit_window_refusal(today: dt.date) -> str:
    """Why a day before the window is refused, naming the first day allowed."""
    days = edit_window_days(today)
    if len(days) == 1:
        return gettext("Only today can be logged or changed.")
    return ngettext(
        "Days can be logged or changed from %(day)s: today and the %(count)s day before it.",
        "Days can be logged or changed from %(day)s: today and the %(count)s days before it.",
        len(days) - 1,
    ) % {"day": date_format(days[-1], "j F"), "count": len(days) - 1}


def day_outside_path(day: dt.date, chain: list | None = None) -> str | None:
    """Why `day` cannot count towards the current path and the paths chained after it
    (before the first starts or after the last ends), or None when it can. Logging, imports
    and sheet syncs all ask here. `chain`: path_chain_get() when the caller already has it."""
    if chain is None:
        chain = path_chain_get()
    if not chain:
        return None
    first, last = chain[0], chain[-1]
    if day < first.start_date:
        return f"{day} is outside {first.name}, which starts on {first.start_date}"
    if last.end_date and day > last.end_date:
        return f"{day} is outside {last.name}, which ends on {last.end_date}"
    return None


def plausible_steps_for(*, user: User, day: dt.date) -> int:
    """The member's flag threshold for `day`: the manual-entry cap, or less when their own
    history (counted days) says a day far above it is implausible. A logged day above it is
    flagged for review and counts at most this much until a mentor confirms it."""
    history = (
        DailyActivity.objects.filter(
            user=user, date__gte=day - dt.timedelta(days=_HISTORY_DAYS), date__lt=day
        )
        .exclude(review=DailyActivity.Review.REJECTED)
        .aggregate(days=Count("id"), mean=Avg("counted_steps"), spread=StdDev("counted_steps"))
    )
    return _plausible_from(history["days"], history["mean"], history["spread"])


def _plausible_from(days: int, mean, spread) -> int:
    """plausible_steps_for from the history's count, mean and (population) deviation."""
    if days < _MIN_HISTORY:
        return settings.ACTIVITY_FLAG_STEPS
    # A floor under the deviation, so a member with very regular days is not flagged
    # for a slightly longer walk.
    spread = max(float(spread or 0), settings.ACTIVITY_FLAG_MIN_SPREAD)
    return min(settings.ACTIVITY_FLAG_STEPS, math.floor(float(mean) + 3 * spread))


def day_review_decide(
    *, before: tuple[int, str] | None, steps: int, plausible: int
) -> tuple[str, int | None]:
    """(review, plausible steps) of a day logged or imported at `steps`, given the (steps,
    review) of the row it replaces. A rejected day stays rejected at the same or a higher
    count, and at any count still above the threshold: only a lower, plausible count makes
    it an ordinary day again. A confirmed day stays confirmed at the same or a lower count.
    Otherwise a day above the threshold awaits review."""
    review = DailyActivity.Review
    flagged = steps > plausible
    if before is not None:
        old_steps, old_review = before
        if old_review == review.REJECTED and (steps >= old_steps or flagged):
            return review.REJECTED, None
        if old_review == review.CONFIRMED and steps <= old_steps:
            return review.CONFIRMED, None
    return (review.PENDING, plausible) if flagged else (review.NONE, None)


# -- A day that a device and the member both set: the one home of the rule ----------------------
# 1. The device's total stands: a sync writes it, over a typed count or an earlier sync.
# 2. A count typed above the device's total for that day is accepted but flagged for the
#    mentor's review, counting the device's total until a mentor confirms it.
# 3. A sync never lowers a day a mentor (or an organiser's correction) confirmed.
# A device day goes through activity_log like a typed one (bounds, edit window, flags,
# progress, streak and points in the same transaction).

DEVICE_SOURCES = frozenset(
    {
        DailyActivity.Source.GOOGLE_HEALTH,
        DailyActivity.Source.WITHINGS,
        DailyActivity.Source.OURA,
        DailyActivity.Source.POLAR,
        DailyActivity.Source.APPLE_HEALTH,
    }
)
TYPED_SOURCES = frozenset({DailyActivity.Source.WEB, DailyActivity.Source.API})


def day_device_write_wanted(
    *, before: tuple[int, str, str] | None, steps: int, source: str
) -> bool:
    """Whether a device sync reporting `steps` for a day should write it, given the (steps,
    review, source) the day holds (None: no row). Rules 1 and 3 above; an unchanged day is
    not written again."""
    if before is None:
        return True
    old_steps, old_review, old_source = before
    if old_review == DailyActivity.Review.CONFIRMED and steps < old_steps:
        return False
    return not (old_source == source and old_steps == steps)


def day_typed_over_device_cap(
    *, before: tuple[int, str, str] | None, steps: int, source: str
) -> int | None:
    """Rule 2 above: the device's total when the member types a higher count over a device
    day (the day then counts at most that until reviewed), else None."""
    if before is None or source not in TYPED_SOURCES:
        return None
    old_steps, _, old_source = before
    if old_source in DEVICE_SOURCES and steps > old_steps:
        return old_steps
    return None


def _upsert(*, user: User, day: dt.date, steps: int, source: str, decide):
    """Caller is in a transaction. `decide(before)` gives (review, plausible steps) from the
    replaced row's (steps, review, source), or None for a new day, read under the row lock. Returns
    (row, steps counted before the change)."""
    row = DailyActivity.objects.select_for_update().filter(user=user, date=day).first()
    if row is None:
        review, plausible = decide(None)
        try:
            with transaction.atomic():
                row = DailyActivity.objects.create(
                    user=user, date=day, steps=steps, source=source, review=review,
                    plausible_steps=plausible,
                )  # fmt: skip
            return row, 0
        except IntegrityError:  # a concurrent first log of the same day won the insert
            row = DailyActivity.objects.select_for_update().get(user=user, date=day)
    row.user = user  # the answer reads the member: no second query for them
    before = row.counted_steps
    review, plausible = decide((row.steps, row.review, row.source))
    _day_write(row, steps=steps, source=source, review=review, plausible_steps=plausible)
    return row, before


# The day's row locked and the member's history (plausible_steps_for's figures) in one
# statement; the row is absent (NULLs) when the day is new.
_LOCK_AND_HISTORY_SQL = """
SELECT a.id, a.steps, a.review, a.counted_steps, a.created_at, a.source, h.days, h.mean,
    h.spread
FROM (
    SELECT COUNT(*) AS days, AVG(counted_steps) AS mean, STDDEV_POP(counted_steps) AS spread
    FROM {activity}
    WHERE user_id = %(user)s AND date >= %(since)s AND date < %(day)s AND review <> %(rejected)s
) h
LEFT JOIN LATERAL (
    SELECT id, steps, review, counted_steps, created_at, source FROM {activity}
    WHERE user_id = %(user)s AND date = %(day)s FOR UPDATE
) a ON true
"""
# Each write also stamps the member's last logged day, in the same statement.
_SEEN_CTE = """
WITH seen AS (
    UPDATE {user} SET last_logged_on = %(day)s
    WHERE id = %(user)s AND (last_logged_on IS NULL OR last_logged_on < %(day)s)
)
"""
_UPDATE_SQL = """
UPDATE {activity} SET steps = %(steps)s, source = %(source)s, review = %(review)s,
    plausible_steps = %(plausible)s, updated_at = %(now)s
WHERE id = %(id)s RETURNING id, counted_steps, created_at
"""
_INSERT_SQL = """
INSERT INTO {activity} (user_id, date, steps, source, review, plausible_steps, created_at,
    updated_at)
VALUES (%(user)s, %(day)s, %(steps)s, %(source)s, %(review)s, %(plausible)s, %(now)s, %(now)s)
ON CONFLICT (user_id, date) DO NOTHING RETURNING id, counted_steps, created_at
"""


def _day_log_postgres(*, user: User, day: dt.date, steps: int, source: str, decide):
    """_upsert and the last-logged stamp on PostgreSQL in two statements: the row locked with
    the member's history, then one write (an INSERT ... ON CONFLICT DO NOTHING for a new day;
    if a concurrent first log of the day won, its row is locked and updated instead).
    `decide(before, plausible)` as in activity_log. Returns (row, steps counted before)."""
    tables = {"activity": DailyActivity._meta.db_table, "user": User._meta.db_table}
    params: dict[str, Any] = {
        "user": user.pk,
        "day": day,
        "since": day - dt.timedelta(days=_HISTORY_DAYS),
        "rejected": DailyActivity.Review.REJECTED,
        "steps": steps,
        "source": source,
        "now": timezone.now(),
    }
    with connection.cursor() as cursor:
        cursor.execute(_LOCK_AND_HISTORY_SQL.format(**tables), params)
        found_id, old_steps, old_review, before, created, old_source, *history = cursor.fetchone()
        plausible = _plausible_from(*history)
        if found_id is None:
            params["review"], params["plausible"] = decide(None, plausible)
            cursor.execute((_SEEN_CTE + _INSERT_SQL).format(**tables), params)
            inserted = cursor.fetchone()
            if inserted is None:  # a concurrent first log of the same day won the insert
                cursor.execute(_LOCK_AND_HISTORY_SQL.format(**tables), params)
                found_id, old_steps, old_review, before, created, old_source, *_ = cursor.fetchone()
        if found_id is not None:
            old = (old_steps, old_review, old_source)
            params["review"], params["plausible"] = decide(old, plausible)
            params["id"] = found_id
            cursor.execute((_SEEN_CTE + _UPDATE_SQL).format(**tables), params)
            inserted = cursor.fetchone()
            before = before or 0
        else:
            before = 0
    row = DailyActivity(
        id=inserted[0], user=user, date=day, steps=steps, source=source,
        review=params["review"], plausible_steps=params["plausible"],
        created_at=inserted[2], updated_at=params["now"],
    )  # fmt: skip
    row.counted_steps = inserted[1]
    return row, before


def _column(name: str) -> tuple[Field, str]:
    """A DailyActivity field stored in a column of its own, and that column."""
    field = DailyActivity._meta.get_field(name)
    if not isinstance(field, Field) or field.column is None:
        raise FieldDoesNotExist(f"DailyActivity.{name} has no column")
    return field, field.column


def _day_write(row: DailyActivity, **values) -> None:
    """Update the row's fields and read back the counted steps the database computes from
    them, in one statement (save() would need a second query to refresh the column)."""
    values["updated_at"] = timezone.now()
    columns = [_column(name) for name in values]
    assignments = ", ".join(f"{connection.ops.quote_name(column)} = %s" for _, column in columns)
    params = [f.get_db_prep_save(values[f.name], connection) for f, _ in columns]
    sql = (  # the columns come from the model, never from input
        f"UPDATE {DailyActivity._meta.db_table} SET {assignments} "  # noqa: S608
        "WHERE id = %s RETURNING counted_steps"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, row.pk])
        (row.counted_steps,) = cursor.fetchone()
    for name, value in values.items():
        setattr(row, name, value)


def _progress_apply(
    *,
    user_id: int,
    group_id: int | None,
    day: dt.date,
    delta_steps: int,
    chain=None,
    held: list[Enrollment] | None = None,
) -> None:
    """Move the member along by the change; when that finishes a path with a next one, the
    member's recompute enrolls them in it from the day after their total crossed the end.
    `held`: see enrollment_apply_steps."""
    chain_list = path_chain_get() if chain is None else chain
    changed = enrollment_apply_steps(
        user_id=user_id, day=day, delta_steps=delta_steps, chain=chain_list, held=held
    )
    current = chain_list[0].id if chain_list else None
    moved = any(e.path_id == current for e in changed)
    # The group's dashboard shows the day whatever it changed (steps, streak, points).
    member_moved_refresh(user_id=user_id, group_id=group_id, path_id=current if moved else None)
    chain = {p.id: p for p in chain_list}
    next_ids = {
        next_id
        for e in changed
        if e.completed_at is not None and (next_id := chain[e.path_id].next_path_id)
    }
    if next_ids and Enrollment.objects.filter(user_id=user_id, path_id__in=next_ids).count() < len(
        next_ids
    ):
        progress_recompute_users(user_ids=[user_id])
        if held is not None:
            held.clear()  # the recompute changed them: the answer reads them again


def activity_log(
    *,
    user: User,
    day: dt.date,
    steps: int,
    source: str = DailyActivity.Source.WEB,
    actor: User | None = None,
    ip: str | None = None,
) -> DailyActivity:
    """Set a member's steps for a day (members: their own, inside the edit window; organisers:
    anyone's, audited) and update their progress in the same transaction."""
    is_correction = actor is not None and actor.pk != user.pk
    if is_correction and not permissions.may_correct_activity(actor):
        raise PermissionDenied(gettext("Only organisers can change another member's day."))
    # The cached path chain, categories and season in one round trip; the chain once:
    # validation and progress both need it.
    found = cache_get_many([CHAIN_KEY, CATEGORIES_KEY, SEASON_CURRENT_KEY])
    chain = path_chain_get(found)
    activity_validate(user=user, day=day, steps=steps, is_correction=is_correction, chain=chain)
    if is_correction:
        source = DailyActivity.Source.CORRECTION

    def decide(before, plausible):
        if is_correction:
            return DailyActivity.Review.CONFIRMED, None
        cap = day_typed_over_device_cap(before=before, steps=steps, source=source)
        if cap is not None:
            plausible = min(plausible, cap)
        return day_review_decide(
            before=before[:2] if before else None, steps=steps, plausible=plausible
        )

    with transaction.atomic():
        if connection.vendor == "postgresql":
            row, before = _day_log_postgres(
                user=user, day=day, steps=steps, source=source, decide=decide
            )
        else:
            plausible = 0 if is_correction else plausible_steps_for(user=user, day=day)
            row, before = _upsert(
                user=user,
                day=day,
                steps=steps,
                source=source,
                decide=lambda found: decide(found, plausible),
            )
            User.objects.filter(
                Q(last_logged_on__isnull=True) | Q(last_logged_on__lt=day), pk=user.pk
            ).update(last_logged_on=day)
        held: list[Enrollment] = []
        _progress_apply(
            user_id=user.pk,
            group_id=user.group_id,
            day=day,
            delta_steps=row.counted_steps - before,
            chain=chain,
            held=held,
        )
        _progress_after_set(row, held, chain)
        _streak_and_points_refresh(user=user, day=day, found=found)
        if row.review == DailyActivity.Review.PENDING:
            flagged_days_notify(days=[(user.pk, day)])
        if is_correction:
            audit_record(
                action=AuditEvent.Action.ACTIVITY_CORRECTED,
                actor=actor,
                ip=ip,
                target=row,
                user_id=user.pk,
                date=day.isoformat(),
                steps=steps,
                before=before,
            )
    return row


def _progress_after_set(row: DailyActivity, held: list[Enrollment], chain: list) -> None:
    """Give the answer the member's enrollments as the transaction left them, each with its
    current milestone's name (from the chain), so it need not read them again:
    `row.progress_after`, a list of (enrollment, milestone name or None). Left unset when
    the log changed no enrollment or one sits on a path outside the chain."""
    names = {m.id: m.name for path in chain for m in path.milestones}
    if held and all(
        e.current_milestone_id in names or e.current_milestone_id is None for e in held
    ):
        row.progress_after = [(e, names.get(e.current_milestone_id)) for e in held]  # type: ignore[attr-defined]


def activity_review(*, activity: DailyActivity, decision: str, actor: User) -> DailyActivity:
    """Confirm or reject a flagged day: a confirmed day counts in full, a rejected one for
    nothing (see DailyActivity.counted_steps)."""
    if decision not in (DailyActivity.Review.CONFIRMED, DailyActivity.Review.REJECTED):
        raise InvalidInput(gettext("Decide 'confirmed' or 'rejected'."))
    with transaction.atomic():
        locked = DailyActivity.objects.select_for_update(of=("self",)).select_related("user")
        row = locked.get(pk=activity.pk)
        before = row.counted_steps
        _day_write(row, review=decision)  # confirmed: counts in full; rejected: nothing
        _progress_apply(
            user_id=row.user_id,
            group_id=row.user.group_id,
            day=row.date,
            delta_steps=row.counted_steps - before,
        )
        _streak_and_points_refresh(user=row.user, day=row.date)
        audit_record(
            action=AuditEvent.Action.ACTIVITY_REVIEWED, actor=actor, target=row, decision=decision
        )
    return row
