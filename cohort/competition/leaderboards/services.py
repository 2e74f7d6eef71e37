"""Keeping the Redis leaderboards current: every write that moves a member refreshes their
group's rows after commit; a rebuild reloads everything (nightly, after a flush, or by
command) into a side key swapped in at the end."""

import logging
from collections.abc import Callable, Iterable

import redis
from celery import current_app
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q

from cohort.accounts.models import User
from cohort.competition.leaderboards import store
from cohort.competition.leaderboards.cache import (
    PERSON_TTL,
    REBUILD_QUEUED_KEY,
    board_pages_forget,
    board_pages_version_key,
    board_people_forget,
    board_person_key,
    group_dashboard_forget,
    group_dashboard_version_keys,
)
from cohort.competition.leaderboards.selectors import board_people_load
from cohort.competition.leaderboards.standings import (
    GROUPS,
    LIFETIME,
    POINTS,
    PROGRESS,
    group_scores,
    lifetime_rows,
    member_and_group_scores,
    points_rows,
    progress_rows,
)
from cohort.competition.selectors.seasons import season_current
from cohort.core.caching import cache_forget, cache_set_many
from cohort.core.redis_cache import cache_degraded
from cohort.journeys.selectors import path_current_get

logger = logging.getLogger(__name__)

_BATCH = 10_000


def standings_refresh(
    *, group_ids: Iterable[int | None] = (), user_ids: Iterable[int] = ()
) -> None:
    """Once the caller's transaction commits, drop the cached leaderboard pages and put these
    groups' members, these members and these groups at their current scores in Redis."""
    groups = {gid for gid in group_ids if gid is not None}
    users = set(user_ids)
    if groups:  # the pages' and the groups' dashboards' versions in one round trip
        forget = [board_pages_version_key("path"), *group_dashboard_version_keys(groups)]
        transaction.on_commit(lambda: cache_forget(forget))
    else:
        transaction.on_commit(lambda: board_pages_forget("path"))
        group_dashboard_forget(user_ids=users)
    if store.client() is None:
        return
    if groups or users:
        transaction.on_commit(lambda: _refresh_now(groups, users))


def _refresh_now(group_ids: set[int], user_ids: set[int]) -> None:
    path = path_current_get()
    if path is None:
        return

    def write() -> None:
        ticket = store.ticket()
        # The members as one subquery on users: an OR across the enrollment and user tables
        # made PostgreSQL read every enrollment and user (about 200 ms a logged day at 100,000).
        walkers = User.objects.filter(Q(group_id__in=group_ids) | Q(pk__in=user_ids))
        scores = dict(progress_rows(path.id).filter(user_id__in=walkers.values("pk")))
        groups = group_scores(path.id, group_ids=group_ids)
        gone = [u for u in user_ids if u not in scores]
        group_board = {g: found[0] for g, found in groups.items()}
        groups_gone = [g for g in group_ids if g not in groups]
        store.scores_write_many(
            path.id, [(PROGRESS, scores, gone), (GROUPS, group_board, groups_gone)], ticket
        )

    _redis_write(write)


def member_moved_refresh(*, user_id: int, group_id: int | None, path_id: int | None) -> None:
    """A logged day changed one member (their steps, streak or points; their progress on
    the current path `path_id` too unless it is None): once the caller's transaction
    commits, drop their group's cached dashboard (and the progress board pages when they
    moved), and put the member and their group at their scores on the Redis boards. The
    cheap form of standings_refresh for one member: their group's other members did not
    move, so only the member's score and the group's are read (one statement)."""
    forget = group_dashboard_version_keys([group_id])
    if path_id is not None:
        forget.append(board_pages_version_key("path"))
    if forget:
        transaction.on_commit(lambda: cache_forget(forget))
    if path_id is None or store.client() is None:
        return

    def write() -> None:
        ticket = store.ticket()
        score, group = member_and_group_scores(path_id, user_id=user_id, group_id=group_id)
        progress = ({user_id: score}, []) if score is not None else ({}, [user_id])
        writes = [(PROGRESS, *progress)]
        if group_id is not None:
            groups = ({group_id: group[0]}, []) if group is not None else ({}, [group_id])
            writes.append((GROUPS, *groups))
        store.scores_write_many(path_id, writes, ticket)

    transaction.on_commit(lambda: _redis_write(write))


# The task by name: competition.tasks imports this module (tasks sit above services).
_REBUILD_TASK = "cohort.competition.tasks.rebuild_leaderboards_task"


def leaderboards_rebuild_soon() -> None:
    """A board is missing (a flushed or new Redis, or one that missed writes): rebuild it
    once, in the background (in-process when Celery runs tasks eagerly)."""
    try:
        if cache.add(REBUILD_QUEUED_KEY, 1, 300):
            if settings.CELERY_TASK_ALWAYS_EAGER:
                leaderboards_rebuild()
            else:
                current_app.send_task(_REBUILD_TASK)
    except Exception:  # no cache or no broker: the nightly rebuild will do it
        logger.warning("leaderboards: could not queue a rebuild", exc_info=True)


def leaderboards_rebuild_if_missing(*, is_board_missing: bool) -> None:
    """What a board read (board_page, board_me) said about its Redis board, acted on."""
    if is_board_missing:
        leaderboards_rebuild_soon()


class _Missed:
    """Whether this process lost a board write to a Redis outage since its last success."""

    writes = False


def _redis_write(write: Callable[[], None]) -> None:
    """Run a board write; when Redis is down, skip it and remember that this process missed
    one. The first write that succeeds after that queues a rebuild: Redis may have come back
    with its boards (a network blip, not a restart) but without the changes made meanwhile.
    The database answers correctly all along."""
    if cache_degraded():
        _Missed.writes = True
        return
    try:
        write()
    except redis.RedisError:
        _Missed.writes = True
        logger.warning("leaderboards: Redis unavailable, a change waits for a rebuild")
        return
    if _Missed.writes:
        _Missed.writes = False
        leaderboards_rebuild_soon()


def standing_changed_received(sender, group_ids=(), user_ids=(), **kwargs) -> None:
    """A member joined, left, moved or changed their privacy: every board may show them."""
    board_people_forget(user_ids)
    standings_refresh(group_ids=group_ids, user_ids=user_ids)
    season = season_current()
    if season is not None:
        points_refresh(season_id=season.pk, user_ids=user_ids)
    transaction.on_commit(lambda: board_pages_forget("all"))
    if store.client() is not None and user_ids:
        transaction.on_commit(lambda: _members_write(LIFETIME, 0, lifetime_rows(), set(user_ids)))


def points_refresh(
    *, season_id: int, user_ids: Iterable[int], group_ids: Iterable[int | None] | None = None
) -> None:
    """Once the caller's transaction commits, drop the season's cached points pages and the
    members' groups' dashboards, and put these members at their season scores on its Redis
    board. `group_ids`: the members' groups when the caller knows them (one DELETE for
    both, no query for the groups)."""
    user_ids = set(user_ids)
    if group_ids is None:
        transaction.on_commit(lambda: board_pages_forget("season"))
        group_dashboard_forget(user_ids=user_ids)
    else:
        forget = [board_pages_version_key("season"), *group_dashboard_version_keys(group_ids)]
        transaction.on_commit(lambda: cache_forget(forget))
    if store.client() is None or not user_ids:
        return

    def write() -> None:
        current = season_current()
        if current is not None and current.pk == season_id:
            _members_write(POINTS, season_id, points_rows(season_id), user_ids)

    transaction.on_commit(write)


def _members_write(board: str, context_id: int, rows, user_ids: set[int]) -> None:
    """Put these members at their scores in `rows` (dropping those not in it)."""

    def write() -> None:
        ticket = store.ticket()
        scores = dict(rows.filter(user_id__in=user_ids))
        gone = [u for u in user_ids if u not in scores]
        store.scores_write(context_id, board, scores, gone, ticket)

    _redis_write(write)


def leaderboards_rebuild() -> dict[str, int]:
    """Reload every board (the current path's, the current season's points, lifetime) from
    the database. Returns the sizes."""
    if store.client() is None:
        return {}
    loaded = {}
    path = path_current_get()
    if path is not None:
        loaded[PROGRESS] = _board_rebuild(PROGRESS, path.id, progress_rows(path.id))
        store.rebuild_start(path.id, GROUPS)
        ticket = store.ticket()
        groups = {g: found[0] for g, found in group_scores(path.id).items()}
        store.rebuild_add(path.id, GROUPS, groups, ticket)
        store.rebuild_finish(path.id, GROUPS)
        loaded[GROUPS] = len(groups)
        board_pages_forget("path")
    season = season_current()
    if season is not None:
        loaded[POINTS] = _board_rebuild(POINTS, season.pk, points_rows(season.pk))
        board_pages_forget("season")
    loaded[LIFETIME] = lifetime_rebuild()
    return loaded


def lifetime_rebuild() -> int:
    """Reload the lifetime board (after a season is finalised). Returns its size."""
    board_pages_forget("all")
    if store.client() is None:
        return 0
    return _board_rebuild(LIFETIME, 0, lifetime_rows())


def _board_rebuild(board: str, context_id: int, rows) -> int:
    """Stream (id, score) rows into the board's side key in batches, then swap it in; with
    the progress board, cache every member's row details too."""
    store.rebuild_start(context_id, board)
    ticket = store.ticket()  # before the rows are read: a change made since wins
    loaded, batch = 0, {}
    for item_id, score in rows.iterator(chunk_size=_BATCH):
        batch[item_id] = score
        if len(batch) == _BATCH:
            _batch_add(board, context_id, batch, ticket)
            loaded, batch = loaded + len(batch), {}
    _batch_add(board, context_id, batch, ticket)
    store.rebuild_finish(context_id, board)
    return loaded + len(batch)


def _batch_add(board: str, context_id: int, batch: dict[int, int], ticket: int) -> None:
    store.rebuild_add(context_id, board, batch, ticket)
    if board == PROGRESS and batch:
        board_people_warm(list(batch))


def board_people_warm(user_ids: list[int]) -> None:
    """Cache these members' row details (the nightly rebuild does it for everyone on the
    boards, so a deep page needs no query)."""
    people = board_people_load(User.objects.filter(pk__in=user_ids))
    cache_set_many({board_person_key(pk): value for pk, value in people.items()}, PERSON_TTL)


_SHOWN_ON_BOARDS = {"display_name", "hide_name_outside_group", "group", "group_id"}


def user_saved_received(sender, instance, update_fields=None, **kwargs) -> None:
    """post_save/post_delete of a User (the admin, the profile): their board rows change
    unless the save touched nothing the boards show (a sign-in stamping last_login)."""
    if update_fields is not None and not (set(update_fields) & _SHOWN_ON_BOARDS):
        return
    board_people_forget([instance.pk])


def group_saved_received(sender, instance, update_fields=None, **kwargs) -> None:
    """post_save of a Group: a new name shows on its members' rows."""
    if kwargs.get("created"):
        return
    board_people_forget(instance.members.values_list("pk", flat=True))
