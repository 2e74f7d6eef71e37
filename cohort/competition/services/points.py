"""The points ledger: every award goes through `points_award`, which appends entries and
keeps the member's category totals and season score in the same transaction."""

from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext

from cohort.competition.leaderboards.services import points_refresh
from cohort.competition.models import Category, CategoryTotal, PointsEntry, Season, SeasonScore
from cohort.core.exceptions import Conflict


def points_award(
    *,
    user_id: int,
    season: Season,
    category: Category,
    source: str,
    points: int,
    reason: str,
    group_id: int | None = None,
) -> PointsEntry | None:
    """Make what `source` has earned this member in `season` equal `points`: append the
    difference as a new entry, or nothing when it already is (a double click, a second
    approval, a rerun). Returns the new entry or None. Raises Conflict for a finalised
    season. Serialised per member and season by their score row's lock. `group_id`: the
    member's group, when the caller has it (the refresh then need not look it up)."""
    with transaction.atomic():
        _season_hold(season)
        score_row = _score_row_locked(user_id=user_id, season=season)
        so_far = PointsEntry.objects.filter(source=source).aggregate(
            net=Sum("points"), entries=Count("id")
        )
        earned, sequence = so_far["net"] or 0, so_far["entries"]
        if earned == points:
            return None
        if connection.vendor == "postgresql":
            entry = _entry_and_totals_postgres(
                score_row,
                season=season,
                category=category,
                points=points - earned,
                reason=reason[:200],
                source=source,
                sequence=sequence,
            )
        else:
            try:
                with transaction.atomic():
                    entry = PointsEntry.objects.create(
                        user_id=user_id,
                        season=season,
                        category=category,
                        points=points - earned,
                        reason=reason[:200],
                        source=source,
                        source_key=f"{source}#{sequence}",
                    )
            except IntegrityError:  # the same source for another member or season: a bug
                raise Conflict(
                    gettext("%(repr)s was already awarded elsewhere.") % {"repr": repr(source)}
                ) from None
            _category_total_add(
                user_id=user_id, season=season, category=category, delta=entry.points
            )
            score_row.score = season_score_compute(user_id=user_id, season=season)
            score_row.save(update_fields=["score", "updated_at"])
    groups = None if group_id is None else [group_id]
    points_refresh(season_id=season.pk, user_ids=[user_id], group_ids=groups)
    return entry


_ENTRY_SQL = """
INSERT INTO {entry} (user_id, season_id, category_id, points, reason, source, source_key,
    created_at)
VALUES (%(user)s, %(season)s, %(category)s, %(points)s, %(reason)s, %(source)s, %(key)s, %(now)s)
ON CONFLICT (source_key) DO NOTHING RETURNING id
"""
# The category's total moved by the entry, and every total of the member's season with its
# cap (the moved one as the upsert left it: the outer SELECT sees the table as before).
_TOTALS_SQL = """
WITH added AS (
    INSERT INTO {total} (user_id, season_id, category_id, points)
    VALUES (%(user)s, %(season)s, %(category)s, %(points)s)
    ON CONFLICT (user_id, season_id, category_id)
    DO UPDATE SET points = {total}.points + EXCLUDED.points
    RETURNING category_id, points
)
SELECT a.points, c.season_cap FROM added a JOIN {category} c ON c.id = a.category_id
UNION ALL
SELECT t.points, c.season_cap FROM {total} t JOIN {category} c ON c.id = t.category_id
WHERE t.user_id = %(user)s AND t.season_id = %(season)s AND t.category_id <> %(category)s
"""
_SCORE_SQL = "UPDATE {score} SET score = %(score)s, updated_at = %(now)s WHERE id = %(id)s"


def _entry_and_totals_postgres(
    score_row: SeasonScore,
    *,
    season: Season,
    category: Category,
    points: int,
    reason: str,
    source: str,
    sequence: int,
) -> PointsEntry:
    """The entry, the category total and the season score on PostgreSQL in three statements
    (the ORM's way takes six to nine, a savepoint pair among them). Caller holds the score
    row's lock, as for _category_total_add."""
    tables = {
        "entry": PointsEntry._meta.db_table,
        "total": CategoryTotal._meta.db_table,
        "category": Category._meta.db_table,
        "score": SeasonScore._meta.db_table,
    }
    params: dict[str, Any] = {
        "user": score_row.user_id, "season": score_row.season_id, "category": category.pk,
        "points": points, "reason": reason, "source": source, "key": f"{source}#{sequence}",
        "now": timezone.now(), "id": score_row.pk,
    }  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(_ENTRY_SQL.format(**tables), params)
        created = cursor.fetchone()
        if created is None:  # the same source for another member or season: a caller bug
            raise Conflict(
                gettext("%(repr)s was already awarded elsewhere.") % {"repr": repr(source)}
            )
        cursor.execute(_TOTALS_SQL.format(**tables), params)
        capped = sum(min(max(total, 0), cap) for total, cap in cursor.fetchall())
        params["score"] = min(capped, season.point_cap)
        cursor.execute(_SCORE_SQL.format(**tables), params)
    score_row.score, score_row.updated_at = params["score"], params["now"]
    return PointsEntry(
        id=created[0], user_id=score_row.user_id, season_id=score_row.season_id,
        category=category, points=points, reason=reason, source=source,
        source_key=params["key"], created_at=params["now"],
    )  # fmt: skip


def season_score_compute(*, user_id: int, season: Season) -> int:
    """Each category's total capped at its cap, summed, capped at the season's cap; never
    below zero."""
    totals = CategoryTotal.objects.filter(user_id=user_id, season=season).values_list(
        "points", "category__season_cap"
    )
    capped = sum(min(max(points, 0), cap) for points, cap in totals)
    return min(capped, season.point_cap)


def _season_hold(season: Season) -> None:
    """Hold the season against finalising until this award commits (a share lock on
    PostgreSQL: awards don't wait for each other, only for the finaliser's update lock)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT status FROM competition_season WHERE id = %s FOR SHARE", [season.pk]
            )
            status = cursor.fetchone()[0]
    else:
        status = Season.objects.filter(pk=season.pk).values_list("status", flat=True).get()
    if status == Season.Status.FINALISED:
        raise Conflict(
            gettext("%(name)s is finalised; its points are frozen.") % {"name": season.name}
        )


def _score_row_locked(*, user_id: int, season: Season) -> SeasonScore:
    row = SeasonScore.objects.select_for_update().filter(user_id=user_id, season=season).first()
    if row is not None:
        return row
    try:
        with transaction.atomic():
            SeasonScore.objects.create(user_id=user_id, season=season)
    except IntegrityError:  # a concurrent first award made it
        pass
    return SeasonScore.objects.select_for_update().get(user_id=user_id, season=season)


def _category_total_add(*, user_id: int, season: Season, category: Category, delta: int) -> None:
    """Caller holds the member's score row lock, so the get-or-create cannot race."""
    total, _ = CategoryTotal.objects.get_or_create(
        user_id=user_id, season=season, category=category
    )
    total.points += delta
    total.save(update_fields=["points"])
