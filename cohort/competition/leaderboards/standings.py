"""Scores and ranks computed in the database: the truth that Redis mirrors, and the answer
whenever Redis is down, flushed or being rebuilt.

Scores are whole hundredths (of the path's unit), so Redis and the database compare the
same integers. Ranking is competition ranking ("1224"): a score's rank is one more than the
number of strictly higher scores; within a tie, the older account (or group) comes first.
"""

from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, F, IntegerField, Q, QuerySet, Sum
from django.db.models.functions import Cast

from cohort.accounts.models import Group, User
from cohort.competition.models import Legacy, SeasonScore
from cohort.journeys.models import Enrollment

PROGRESS, GROUPS, POINTS, LIFETIME = "progress", "groups", "points", "lifetime"
MEMBER_BOARDS = (PROGRESS, POINTS, LIFETIME)  # one row per member
ALL_BOARDS = (PROGRESS, POINTS, LIFETIME, GROUPS)


@dataclass(frozen=True)
class Standing:
    id: int  # a user id (progress) or a group id (groups)
    score: int  # hundredths
    rank: int = 0


def _walkers() -> Q:
    return Q(user__role=User.Role.MEMBER, user__is_active=True, user__group__isnull=False)


def progress_rows(path_id: int, *, group_id=None, division_id=None) -> QuerySet:
    """(user_id, score) of every active member on the path, best first, oldest first in a tie."""
    rows = _scoped(Enrollment.objects.filter(_walkers(), path_id=path_id), group_id, division_id)
    score = Cast(F("distance") * 100, IntegerField())
    return rows.annotate(score=score).order_by("-score", "user_id").values_list("user_id", "score")


def _scoped(rows: QuerySet, group_id, division_id) -> QuerySet:
    if group_id is not None:
        rows = rows.filter(user__group_id=group_id)
    if division_id is not None:
        rows = rows.filter(user__group__division_id=division_id)
    return rows


def points_rows(season_id: int, *, group_id=None, division_id=None) -> QuerySet:
    """(user_id, season score) of every active member with points in the season, best first."""
    rows = _scoped(
        SeasonScore.objects.filter(_walkers(), season_id=season_id), group_id, division_id
    )
    return rows.order_by("-score", "user_id").values_list("user_id", "score")


def lifetime_rows(*, group_id=None, division_id=None) -> QuerySet:
    """(user_id, legacy score) of every active member who finished a season, best first."""
    rows = _scoped(Legacy.objects.filter(_walkers()), group_id, division_id)
    return rows.order_by("-score", "user_id").values_list("user_id", "score")


def member_rows(board: str, context_id: int, *, group_id=None, division_id=None) -> QuerySet:
    """The (user_id, score) rows of a member board: `context_id` is the path (progress) or
    the season (points); lifetime has none."""
    if board == PROGRESS:
        return progress_rows(context_id, group_id=group_id, division_id=division_id)
    if board == POINTS:
        return points_rows(context_id, group_id=group_id, division_id=division_id)
    return lifetime_rows(group_id=group_id, division_id=division_id)


def group_scores(path_id: int, *, group_ids=None, division_id=None) -> dict[int, tuple]:
    """{group_id: (score, total, active)}: the average per active member (one who has logged
    steps on the path) in hundredths, rounded down, the group's total and its active count."""
    groups = Group.objects.all()
    if group_ids is not None:
        groups = groups.filter(pk__in=group_ids)
    if division_id is not None:
        groups = groups.filter(division_id=division_id)
    on_path = Q(members__enrollments__path_id=path_id) & Q(
        members__role=User.Role.MEMBER, members__is_active=True
    )
    totals = groups.annotate(
        total=Sum("members__enrollments__distance", filter=on_path),
        active=Count("members", filter=on_path & Q(members__enrollments__steps__gt=0)),
    ).values_list("pk", "total", "active")
    found = {}
    for group_id, total, active in totals:
        hundredths = int((total or 0) * 100)
        found[group_id] = (hundredths // active if active else 0, hundredths, active)
    return found


_MEMBER_AND_GROUP_SQL = """
SELECT
    (SELECT CAST(e.distance * 100 AS integer) FROM {enrollment} e JOIN {user} u ON u.id = e.user_id
     WHERE e.user_id = %(user)s AND e.path_id = %(path)s AND u.role = %(member)s AND u.is_active
         AND u.group_id IS NOT NULL),
    g.id, t.total, t.active
FROM (SELECT 1) AS one
LEFT JOIN {group} g ON g.id = %(group)s
LEFT JOIN LATERAL (
    SELECT SUM(e.distance) AS total, COUNT(*) FILTER (WHERE e.steps > 0) AS active
    FROM {user} u JOIN {enrollment} e ON e.user_id = u.id AND e.path_id = %(path)s
    WHERE u.group_id = g.id AND u.role = %(member)s AND u.is_active
) t ON true
"""


def member_and_group_scores(
    path_id: int, *, user_id: int, group_id: int | None
) -> tuple[int | None, tuple | None]:
    """(the member's progress score, None when they are off the board; their group's
    (score, total, active) as group_scores gives it, None when there is no such group), in
    one statement on PostgreSQL: what a logged day puts on the boards."""
    if connection.vendor != "postgresql":
        score = dict(progress_rows(path_id).filter(user_id=user_id)).get(user_id)
        groups = group_scores(path_id, group_ids=[group_id]) if group_id is not None else {}
        return score, groups.get(group_id) if group_id is not None else None
    sql = _MEMBER_AND_GROUP_SQL.format(
        enrollment=Enrollment._meta.db_table, user=User._meta.db_table, group=Group._meta.db_table
    )
    params = {"user": user_id, "path": path_id, "group": group_id, "member": User.Role.MEMBER}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        score, found_group, total, active = cursor.fetchone()
    if found_group is None:
        return score, None
    hundredths = int((total or 0) * 100)
    return score, (hundredths // active if active else 0, hundredths, active)


def ranked(pairs, *, start: int = 0, first_rank: int = 1) -> list[Standing]:
    """Competition ranks for (id, score) pairs sorted best first, the first of them at
    position `start` with rank `first_rank` (a page cut from a longer board)."""
    standings = []
    for position, (item_id, score) in enumerate(pairs):
        if not standings:
            rank = first_rank
        elif standings[-1].score == score:
            rank = standings[-1].rank
        else:
            rank = start + position + 1
        standings.append(Standing(item_id, score, rank))
    return standings


def group_order(scores: dict[int, tuple]) -> list[tuple[int, int]]:
    return sorted(((gid, s[0]) for gid, s in scores.items()), key=lambda p: (-p[1], p[0]))
