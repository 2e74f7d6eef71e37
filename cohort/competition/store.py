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


# One round trip for a page: nothing (None) unless the board is ready; else the rows with
# scores, the board's size and how many score above the first row (for its rank).
_PAGE = """
if redis.call('EXISTS', KEYS[2]) == 0 then return false end
local rows = redis.call('ZREVRANGE', KEYS[1], ARGV[1], ARGV[2], 'WITHSCORES')
local higher = 0
if #rows > 0 then higher = redis.call('ZCOUNT', KEYS[1], '(' .. rows[2], '+inf') end
return {rows, redis.call('ZCARD', KEYS[1]), higher}
"""
# One round trip for "my rank": nothing unless ready; {-1} when the item is not on the
# board; else its position, the first neighbour's position, the rows around it and how
# many score above that first neighbour.
_AROUND = """
if redis.call('EXISTS', KEYS[2]) == 0 then return false end
local position = redis.call('ZREVRANK', KEYS[1], ARGV[1])
if not position then return {-1} end
local first = math.max(0, position - tonumber(ARGV[2]))
local rows = redis.call('ZREVRANGE', KEYS[1], first, position + tonumber(ARGV[2]), 'WITHSCORES')
return {position, first, rows, redis.call('ZCOUNT', KEYS[1], '(' .. rows[2], '+inf')}
"""


def _script(source: str):
    """The script on the current client (EVALSHA, loading it on first use)."""
    return client().register_script(source)


def _standings(flat: list, start: int, higher: int) -> list[Standing]:
    pairs = [(_item(flat[i]), int(float(flat[i + 1]))) for i in range(0, len(flat), 2)]
    return ranked(pairs, start=start, first_rank=higher + 1)


def page(path_id: int, board: str, start: int, count: int) -> tuple[list[Standing], int] | None:
    """The standings at positions start .. start+count-1, best first, and the board's size;
    None when the board is not ready (never built, or flushed). One round trip."""
    keys = [_key(path_id, board), _key(path_id, board, ":ready")]
    found = _script(_PAGE)(keys=keys, args=[start, start + count - 1])
    if found is None:
        return None
    rows, size, higher = found
    return _standings(rows, start, higher), size


def around(path_id: int, board: str, item_id: int, neighbours: int):
    """(position, standings from `neighbours` before to `neighbours` after it); (None, [])
    when the item is not on the board; None when the board is not ready. One round trip."""
    keys = [_key(path_id, board), _key(path_id, board, ":ready")]
    found = _script(_AROUND)(keys=keys, args=[_member(item_id), neighbours])
    if found is None:
        return None
    if found[0] == -1:
        return None, []
    position, first, rows, higher = found
    return position, _standings(rows, first, higher)
