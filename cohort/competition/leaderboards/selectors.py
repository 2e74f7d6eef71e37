"""Leaderboard pages and "my rank", from Redis when its board is ready, else the database.
Either way a page costs a fixed number of queries, and both give the same answer."""

import binascii
import logging
from base64 import urlsafe_b64decode, urlsafe_b64encode
from dataclasses import dataclass

import redis
from django.db.models import OuterRef, Q, Subquery
from django.utils.translation import gettext

from cohort.accounts import permissions
from cohort.accounts.models import Group, User
from cohort.competition.leaderboards import store
from cohort.competition.leaderboards.cache import (
    PERSON_TTL,
    board_page_key,
    board_pages_version,
    board_pages_version_key,
    board_person_key,
)
from cohort.competition.leaderboards.standings import (
    ALL_BOARDS,
    GROUPS,
    LIFETIME,
    MEMBER_BOARDS,
    POINTS,
    PROGRESS,
    Standing,
    group_order,
    group_scores,
    member_rows,
    ranked,
)
from cohort.competition.models import OwnedTitle, Season
from cohort.competition.selectors.seasons import SEASON_CURRENT_KEY, season_current
from cohort.core.caching import cache_count, cache_get_many, cache_set, cache_set_many
from cohort.core.exceptions import InvalidInput, NotFound
from cohort.core.redis_cache import cache_degraded
from cohort.journeys.selectors import CURRENT_PATH_KEY, path_current_get

logger = logging.getLogger(__name__)

PAGE_SIZE = 50


@dataclass(frozen=True)
class Scope:
    """Everyone (None, None), one group, or one division."""

    group_id: int | None = None
    division_id: int | None = None

    @property
    def is_everyone(self) -> bool:
        return self.group_id is None and self.division_id is None


@dataclass
class Row:
    rank: int
    id: int
    name: str
    score: int  # hundredths
    group_name: str = ""
    total: int | None = None  # groups: the total, in hundredths
    active: int | None = None  # groups: members who logged
    is_viewer: bool = False
    title: str = ""  # the member's equipped title


@dataclass
class BoardPage:
    board: str
    rows: list[Row]
    start: int
    size: int
    source: str  # "redis" or "database"
    unit: str
    # The Redis board was not built (flushed or new): the caller queues a rebuild.
    is_board_missing: bool = False

    @property
    def next_start(self) -> int | None:
        after = self.start + PAGE_SIZE
        return after if after < self.size else None

    @property
    def previous_start(self) -> int | None:
        return max(0, self.start - PAGE_SIZE) if self.start else None


@dataclass(frozen=True)
class Context:
    """What a board ranks within: the current path (progress, groups), a season (points) or
    all time (lifetime, id 0). Only a live context has a Redis board."""

    family: str  # "path", "season" or "all": whose writes invalidate its cached pages
    id: int
    unit: str
    is_live: bool = True


_FAMILIES = {PROGRESS: "path", GROUPS: "path", POINTS: "season", LIFETIME: "all"}
# The key each family's context is cached under, read in the same round trip as the page.
_CONTEXT_KEYS = {"path": CURRENT_PATH_KEY, "season": SEASON_CURRENT_KEY}


def board_context(board: str, season_id: int | None = None, found: dict | None = None) -> Context:
    """The context of `board` (`found`: cache values already fetched); NotFound when there
    is nothing to rank yet."""
    found = found or {}
    if board not in ALL_BOARDS:
        raise NotFound(
            gettext("No leaderboard called %(repr)s; try %(join)s.")
            % {"repr": repr(board), "join": ", ".join(ALL_BOARDS)}
        )
    if board == POINTS:
        season = season_current(found)
        if season_id is not None and (season is None or season.pk != season_id):
            season = Season.objects.filter(pk=season_id).first()
            if season is None:
                raise NotFound(
                    gettext("No season with id %(season_id)s.") % {"season_id": season_id}
                )
        if season is None:
            raise NotFound(gettext("There is no season running, so no points board yet."))
        return Context("season", season.pk, "points", season.status == Season.Status.ACTIVE)
    if board == LIFETIME:
        return Context("all", 0, "points")
    path = path_current_get(found)
    if path is None:
        raise NotFound(gettext("There is no current path, so no leaderboard yet."))
    return Context("path", path.id, path.unit)


def _check(board: str, scope: Scope) -> None:
    if board not in ALL_BOARDS:
        raise NotFound(
            gettext("No leaderboard called %(repr)s; try %(join)s.")
            % {"repr": repr(board), "join": ", ".join(ALL_BOARDS)}
        )
    if board == GROUPS and scope.group_id is not None:
        raise InvalidInput(gettext("The groups board ranks groups; it has no group scope."))


def _from_redis(ctx: Context, scope: Scope, ask) -> tuple:
    """(`ask()`'s answer from the Redis board or None to answer from the database, whether
    the board is missing). None for no Redis, a narrower scope or a past season, Redis
    failing, or a board not built (flushed or new): that last one is "missing", and the
    caller hands it to `leaderboards_rebuild_soon` (a write, so not done here)."""
    if store.client() is None or not ctx.is_live or not scope.is_everyone or cache_degraded():
        return None, False  # a degraded cache means Redis is down: no waiting for its timeout
    try:
        found = ask()
    except redis.RedisError:
        logger.warning("leaderboards: Redis unavailable, answering from the database")
        return None, False
    return found, found is None


def _database_page(ctx: Context, board: str, scope: Scope, start: int, count: int):
    """(standings, size) from the database: for member boards, OFFSET/LIMIT and one COUNT
    for the first row's rank; for groups, every group's score (one aggregate query)."""
    if board == GROUPS:
        everything = ranked(group_order(group_scores(ctx.id, division_id=scope.division_id)))
        return everything[start : start + count], len(everything)
    rows = member_rows(board, ctx.id, group_id=scope.group_id, division_id=scope.division_id)
    pairs = list(rows[start : start + count])
    if not pairs:
        return [], rows.count()
    higher = rows.filter(score__gt=pairs[0][1]).count()
    return ranked(pairs, start=start, first_rank=higher + 1), rows.count()


def _database_position(ctx: Context, board: str, scope: Scope, me: int) -> int | None:
    if board == GROUPS:
        order = group_order(group_scores(ctx.id, division_id=scope.division_id))
        return next((i for i, (gid, _) in enumerate(order) if gid == me), None)
    rows = member_rows(board, ctx.id, group_id=scope.group_id, division_id=scope.division_id)
    mine = rows.filter(user_id=me).values_list("score", flat=True).first()
    if mine is None:
        return None
    return rows.filter(Q(score__gt=mine) | Q(score=mine, user_id__lt=me)).count()


def board_page(
    *, board: str, scope: Scope, viewer: User, start: int = 0, season_id: int | None = None
) -> BoardPage:
    """PAGE_SIZE rows from position `start` (0-based). The page, without what depends on
    the viewer, is cached until the next write that moves anyone (a new generation); the
    context, the generation and the page come in one cache round trip."""
    _check(board, scope)
    if start < 0:
        raise InvalidInput(gettext("A page starts at 0 or later."))
    family = _FAMILIES[board]
    key = board_page_key(board, scope.group_id, scope.division_id, season_id, start)
    keys = [board_pages_version_key(family), key]
    if family in _CONTEXT_KEYS:
        keys.append(_CONTEXT_KEYS[family])
    found = cache_get_many(keys)
    ctx = board_context(board, season_id, found)
    version = found.get(keys[0]) or board_pages_version(family)
    stamp = (ctx.id, version)
    hit = found.get(key)
    cache_count("leaderboard_page", hit=hit is not None and hit[0] == stamp)
    is_board_missing = False
    if hit is not None and hit[0] == stamp:
        standings, size, source, details = hit[1]
    else:
        standings, size, source, details, is_board_missing = _page_data(ctx, board, scope, start)
        # A read-through fill (what this read computed, under the version it read), not a
        # write of new state: it stays in the selector.
        cache_set(key, (stamp, (standings, size, source, details)), 300)
    rows = _rows(board, standings, details, viewer)
    return BoardPage(board, rows, start, size, source, ctx.unit, is_board_missing)


def _page_data(ctx: Context, board: str, scope: Scope, start: int):
    found, is_board_missing = _from_redis(
        ctx, scope, lambda: store.page(ctx.id, board, start, PAGE_SIZE)
    )
    if found is not None:
        standings, size = found
        source = "redis"
    else:
        standings, size = _database_page(ctx, board, scope, start, PAGE_SIZE)
        source = "database"
    return standings, size, source, _details(board, ctx, standings), is_board_missing


def board_me(
    *, board: str, scope: Scope, viewer: User, neighbours: int = 2, season_id: int | None = None
) -> dict:
    """The viewer's (or their group's) rank with `neighbours` rows each side, and the start
    of the page that holds it ("jump to me")."""
    _check(board, scope)
    ctx = board_context(board, season_id)
    me = viewer.group_id if board == GROUPS else viewer.pk
    if me is None:
        raise NotFound(gettext("You are not on this board."))
    position = None
    found, is_board_missing = _from_redis(
        ctx, scope, lambda: store.around(ctx.id, board, me, neighbours)
    )
    if found is not None:
        position, nearby = found
    if position is None:
        position = _database_position(ctx, board, scope, me)
        if position is None:
            raise NotOnBoard("You are not on this board yet.", is_board_missing=is_board_missing)
        first = max(0, position - neighbours)
        nearby, _ = _database_page(ctx, board, scope, first, position - first + neighbours + 1)
    rows = _rows(board, nearby, _details(board, ctx, nearby), viewer)
    mine = next(r for r in rows if r.is_viewer)
    return {
        "rank": mine.rank,
        "row": mine,
        "neighbours": rows,
        "page_start": _page_of(position),
        "is_board_missing": is_board_missing,
    }


class NotOnBoard(NotFound):
    """The viewer has no row on the board; `is_board_missing` as board_me's answer says it."""

    def __init__(self, detail: str, *, is_board_missing: bool):
        super().__init__(detail)
        self.is_board_missing = is_board_missing


def _page_of(position: int) -> int:
    return position - position % PAGE_SIZE


def _details(board: str, ctx: Context, standings: list[Standing]) -> dict:
    """What the rows show besides rank and score, the same for every viewer: for members,
    one cache round trip (and two queries for those not cached); for groups, two queries
    (names, totals)."""
    ids = [s.id for s in standings]
    if board in MEMBER_BOARDS:
        return board_people_details(ids)
    names = dict(Group.objects.filter(pk__in=ids).values_list("pk", "name"))
    totals = group_scores(ctx.id, group_ids=ids)
    return {gid: (names.get(gid, "a former group"), *totals.get(gid, (0, 0, 0))[1:]) for gid in ids}


def board_people_details(ids: list[int]) -> dict[int, tuple]:
    """{user_id: (name, hides name, group id, group name, equipped title)}: from the cache,
    the missing ones from the database (one query) and cached for next time (a read-through
    fill; the nightly rebuild warms everyone, see services.board_people_warm)."""
    keys = {user_id: board_person_key(user_id) for user_id in ids}
    found = cache_get_many(keys.values())
    people = {user_id: found[key] for user_id, key in keys.items() if key in found}
    missing = [user_id for user_id in ids if user_id not in people]
    cache_count("leaderboard_people", hit=not missing)
    if missing:
        fresh = board_people_load(User.objects.filter(pk__in=missing))
        cache_set_many({keys[pk]: value for pk, value in fresh.items()}, PERSON_TTL)
        people.update(fresh)
    return people


def board_people_load(users) -> dict[int, tuple]:
    """Row details of these users from the database, as board_people_details gives them.
    One query."""
    worn = OwnedTitle.objects.filter(user=OuterRef("pk"), is_equipped=True).values("title__name")
    rows = users.annotate(title=Subquery(worn[:1])).values_list(
        "pk", "display_name", "hide_name_outside_group", "group_id", "group__name", "title"
    )
    return {
        pk: (name, hidden, gid, gname or "", title or "")
        for pk, name, hidden, gid, gname, title in rows
    }


def _rows(board: str, standings: list[Standing], details: dict, viewer: User) -> list[Row]:
    # request.user is a lazy proxy: its attributes, read once, not once a row
    viewer_id, viewer_group_id = viewer.pk, viewer.group_id
    if board in MEMBER_BOARDS:
        rows = []
        for s in standings:
            name, hidden, group_id, group_name, title = details.get(
                s.id, ("a former member", False, None, "", "")
            )
            if hidden and group_id != viewer_group_id and s.id != viewer_id:
                name = f"a member of {group_name}" if group_name else "a member"
            is_viewer = s.id == viewer_id
            rows.append(
                Row(s.rank, s.id, name, s.score, group_name, is_viewer=is_viewer, title=title)
            )
        return rows
    return [
        Row(
            rank=s.rank,
            id=s.id,
            name=details[s.id][0],
            score=s.score,
            total=details[s.id][1],
            active=details[s.id][2],
            is_viewer=s.id == viewer_group_id,
        )
        for s in standings
    ]


def scope_for_viewer(*, viewer: User, group_id: int | None, division_id: int | None) -> Scope:
    """The scope asked for, if the viewer may see it: a group they may see (404 otherwise),
    their own division (organisers: any), or everyone."""
    from cohort.accounts.selectors import group_get_for_viewer

    if group_id is not None and division_id is not None:
        raise InvalidInput(gettext("Ask for a group or a division, not both."))
    if group_id is not None:
        return Scope(group_id=group_get_for_viewer(viewer=viewer, group_id=group_id).pk)
    if division_id is not None:
        if not permissions.may_see_division(viewer, division_id):
            raise NotFound(gettext("No such division."))
        return Scope(division_id=division_id)
    return Scope()


def cursor_encode(start: int | None) -> str | None:
    """The opaque cursor of a start position (None for none)."""
    if start is None:
        return None
    return urlsafe_b64encode(f"start={start}".encode()).decode().rstrip("=")


def cursor_decode(cursor: str | None) -> int:
    """The start position a cursor stands for; InvalidInput for a forged one."""
    if not cursor:
        return 0
    try:
        text = urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        name, value = text.split("=", 1)
        # No board holds a billion rows; a larger start would overflow the database's OFFSET.
        if name != "start" or not value.isdigit() or len(value) > 9:
            raise ValueError
        return int(value)
    except (ValueError, UnicodeDecodeError, binascii.Error):
        raise InvalidInput(gettext("That cursor is not one this board gave out.")) from None
