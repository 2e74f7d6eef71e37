"""The leaderboards' Redis sorted sets, one per board and current path.

Members are zero-padded complements of the ids (10**12 - id), so Redis's reverse order
breaks a tie by the smaller id first, as the database does. A board is usable once a
rebuild marked it ready; while one rebuilds (into a side key, swapped in at the end) the
writes go to both. Every call may raise redis.RedisError; callers fall back to the database.
"""

from functools import cache

import redis
from django.conf import settings

from cohort.competition.standings import Standing, ranked

_PAD = 10**12
_BUILD_TTL = 15 * 60


@cache
def client() -> redis.Redis | None:
    if not settings.REDIS_URL:
        return None
    return redis.Redis.from_url(
        settings.REDIS_URL, socket_timeout=0.5, socket_connect_timeout=0.5, decode_responses=True
    )


def _key(path_id: int, board: str, part: str = "") -> str:
    return f"leaderboard:{path_id}:{board}{part}"


def _member(item_id: int) -> str:
    return f"{_PAD - item_id:012d}"


def _item(member: str) -> int:
    return _PAD - int(member)


def is_ready(path_id: int, board: str) -> bool:
    return bool(client().exists(_key(path_id, board, ":ready")))


def scores_write(path_id: int, board: str, scores: dict[int, int], gone: list[int]) -> None:
    """Set these items' scores and drop `gone` ones, on the live board and any being built."""
    redis_client = client()
    keys = [_key(path_id, board)]
    if redis_client.exists(_key(path_id, board, ":building")):
        keys.append(_key(path_id, board, ":next"))
    with redis_client.pipeline() as pipe:
        for key in keys:
            if scores:
                pipe.zadd(key, {_member(i): s for i, s in scores.items()})
            if gone:
                pipe.zrem(key, *[_member(i) for i in gone])
        pipe.execute()


def rebuild_start(path_id: int, board: str) -> None:
    redis_client = client()
    redis_client.delete(_key(path_id, board, ":next"))
    redis_client.set(_key(path_id, board, ":building"), 1, ex=_BUILD_TTL)


def rebuild_add(path_id: int, board: str, scores: dict[int, int]) -> None:
    if scores:
        client().zadd(_key(path_id, board, ":next"), {_member(i): s for i, s in scores.items()})


def rebuild_finish(path_id: int, board: str) -> None:
    redis_client = client()
    with redis_client.pipeline() as pipe:  # MULTI: readers see the old board or the new one
        if redis_client.exists(_key(path_id, board, ":next")):
            pipe.rename(_key(path_id, board, ":next"), _key(path_id, board))
        else:
            pipe.delete(_key(path_id, board))
        pipe.set(_key(path_id, board, ":ready"), 1)
        pipe.delete(_key(path_id, board, ":building"))
        pipe.execute()


def page(path_id: int, board: str, start: int, count: int) -> tuple[list[Standing], int]:
    """The standings at positions start .. start+count-1, best first, and the board's size:
    two round trips (the rows with the size, then the first row's rank)."""
    redis_client = client()
    key = _key(path_id, board)
    with redis_client.pipeline(transaction=False) as pipe:
        pipe.zrevrange(key, start, start + count - 1, withscores=True)
        pipe.zcard(key)
        rows, size = pipe.execute()
    if not rows:
        return [], size
    higher = redis_client.zcount(key, f"({rows[0][1]}", "+inf")
    pairs = [(_item(member), int(score)) for member, score in rows]
    return ranked(pairs, start=start, first_rank=higher + 1), size


def position_of(path_id: int, board: str, item_id: int) -> int | None:
    """The 0-based position of an item, or None if it is not on the board."""
    return client().zrevrank(_key(path_id, board), _member(item_id))
