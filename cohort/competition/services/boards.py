"""Keeping the Redis leaderboards current: every write that moves a member refreshes their
group's rows after commit; a rebuild reloads everything (nightly, after a flush, or by
command) into a side key swapped in at the end."""

import logging
from collections.abc import Iterable

import redis
from django.db import transaction
from django.db.models import Q

from cohort.competition import store
from cohort.competition.selectors.boards import leaderboard_pages_forget
from cohort.competition.standings import BOARDS, GROUPS, PROGRESS, group_scores, progress_rows
from cohort.journeys.selectors import path_current_get

logger = logging.getLogger(__name__)

_BATCH = 10_000


def standings_refresh(*, group_ids: Iterable[int] = (), user_ids: Iterable[int] = ()) -> None:
    """Once the caller's transaction commits, drop the cached leaderboard pages and put these
    groups' members, these members and these groups at their current scores in Redis."""
    transaction.on_commit(_pages_forget)
    if store.client() is None:
        return
    group_ids, user_ids = set(group_ids) - {None}, set(user_ids)
    if group_ids or user_ids:
        transaction.on_commit(lambda: _refresh_now(group_ids, user_ids))


def _pages_forget() -> None:
    path = path_current_get()
    if path is not None:
        leaderboard_pages_forget(path.id)


def _refresh_now(group_ids: set[int], user_ids: set[int]) -> None:
    path = path_current_get()
    if path is None:
        return
    members = progress_rows(path.id).filter(
        Q(user__group_id__in=group_ids) | Q(user_id__in=user_ids)
    )
    scores = dict(members)
    groups = group_scores(path.id, group_ids=group_ids)
    try:
        store.scores_write(path.id, PROGRESS, scores, [u for u in user_ids if u not in scores])
        store.scores_write(
            path.id,
            GROUPS,
            {g: found[0] for g, found in groups.items()},
            [g for g in group_ids if g not in groups],
        )
    except redis.RedisError:
        # The database still answers correctly; the nightly rebuild brings Redis back in line.
        logger.warning("leaderboards: Redis unavailable, a change waits for the rebuild")


def standing_changed_received(sender, group_ids=(), user_ids=(), **kwargs) -> None:
    standings_refresh(group_ids=group_ids, user_ids=user_ids)


def leaderboards_rebuild() -> dict[str, int]:
    """Reload every board of the current path from the database. Returns the sizes."""
    path = path_current_get()
    if path is None or store.client() is None:
        return {}
    for board in BOARDS:
        store.rebuild_start(path.id, board)
    loaded = {PROGRESS: 0, GROUPS: 0}
    batch = {}
    for user_id, score in progress_rows(path.id).iterator(chunk_size=_BATCH):
        batch[user_id] = score
        if len(batch) == _BATCH:
            store.rebuild_add(path.id, PROGRESS, batch)
            loaded[PROGRESS] += len(batch)
            batch = {}
    store.rebuild_add(path.id, PROGRESS, batch)
    loaded[PROGRESS] += len(batch)
    groups = {g: found[0] for g, found in group_scores(path.id).items()}
    store.rebuild_add(path.id, GROUPS, groups)
    loaded[GROUPS] = len(groups)
    for board in BOARDS:
        store.rebuild_finish(path.id, board)
    leaderboard_pages_forget(path.id)
    return loaded


def points_refresh(*, season_id: int, user_ids: Iterable[int]) -> None:
    """Once the caller's transaction commits, put these members' season scores on the
    season's points board."""
    transaction.on_commit(_pages_forget)
