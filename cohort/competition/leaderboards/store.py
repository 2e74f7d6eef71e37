"""The leaderboards' Redis sorted sets, one per board and current path.

Members are zero-padded complements of the ids (10**12 - id), so Redis's reverse order
breaks a tie by the smaller id first, as the database does. A board is usable once a
rebuild marked it ready; while one rebuilds (into a side key, swapped in at the end) the
writes go to both. Every write carries a ticket taken before its scores were read, and an
item keeps the score of its newest ticket (see `ticket`). Every call may raise
redis.RedisError; callers fall back to the database.
"""

from functools import cache

import redis
from django.conf import settings

from cohort.competition.leaderboards.standings import Standing, ranked

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


def ticket() -> int:
    """A number that orders score reads: take it BEFORE reading scores from the database,
    then write them with it. A write carrying an older ticket than the item's last one is
    dropped, so two refreshes that overlap (or a rebuild's batch read before a member's
    change) cannot put an older score back over a newer one."""
    return client().incr(_TICKET)


def scores_write(
    path_id: int, board: str, scores: dict[int, int], gone: list[int], ticket: int
) -> None:
    """Set these items' scores and drop `gone` ones, on the live board and any being built,
    each only if `ticket` is newer than the item's last write there. One round trip."""
    keys = [_key(path_id, board), _key(path_id, board, ":tickets")]
    keys += [_key(path_id, board, ":building")]
    keys += [_key(path_id, board, ":next"), _key(path_id, board, ":next:tickets")]
    _script(_WRITE)(keys=keys, args=_write_args(ticket, scores, gone, live=True))


def scores_write_many(
    path_id: int, writes: list[tuple[str, dict[int, int], list[int]]], ticket: int
):
    """scores_write for several boards of one context, (board, scores, gone) each, in one
    round trip (a pipeline, not a transaction: each board's script is atomic by itself).
    EVALSHA straight away: redis-py's pipeline would first ask SCRIPT EXISTS, a round trip
    of its own; a Redis that lost the script (restarted, flushed) gets it loaded and the
    writes sent again, which the tickets make safe."""
    script = _script(_WRITE)
    for attempt in (1, 2):
        with client().pipeline(transaction=False) as pipe:
            for board, scores, gone in writes:
                keys = [_key(path_id, board), _key(path_id, board, ":tickets")]
                keys += [_key(path_id, board, ":building")]
                keys += [_key(path_id, board, ":next"), _key(path_id, board, ":next:tickets")]
                args = _write_args(ticket, scores, gone, live=True)
                pipe.evalsha(script.sha, len(keys), *keys, *args)
            try:
                pipe.execute()
                return
            except redis.exceptions.NoScriptError:
                if attempt == 2:
                    raise
                client().script_load(_WRITE)


def rebuild_start(path_id: int, board: str) -> None:
    redis_client = client()
    redis_client.delete(_key(path_id, board, ":next"), _key(path_id, board, ":next:tickets"))
    redis_client.set(_key(path_id, board, ":building"), 1, ex=_BUILD_TTL)


def rebuild_add(path_id: int, board: str, scores: dict[int, int], ticket: int) -> None:
    """Add a batch read under `ticket` to the board being built; an item written since
    (with a newer ticket) keeps that newer score."""
    if scores:
        keys = [_key(path_id, board, ":next"), _key(path_id, board, ":next:tickets")]
        _script(_WRITE)(keys=keys, args=_write_args(ticket, scores, [], live=False))


def rebuild_finish(path_id: int, board: str) -> None:
    redis_client = client()
    with redis_client.pipeline() as pipe:  # MULTI: readers see the old board or the new one
        if redis_client.exists(_key(path_id, board, ":next")):
            pipe.rename(_key(path_id, board, ":next"), _key(path_id, board))
        else:
            pipe.delete(_key(path_id, board))
        if redis_client.exists(_key(path_id, board, ":next:tickets")):
            pipe.rename(_key(path_id, board, ":next:tickets"), _key(path_id, board, ":tickets"))
        else:
            pipe.delete(_key(path_id, board, ":tickets"))
        pipe.set(_key(path_id, board, ":ready"), 1)
        pipe.delete(_key(path_id, board, ":building"))
        pipe.execute()


def _write_args(ticket: int, scores: dict[int, int], gone: list[int], *, live: bool) -> list:
    args = [ticket, 1 if live else 0, len(scores)]
    for item_id, score in scores.items():
        args += [_member(item_id), score]
    return args + [_member(item_id) for item_id in gone]


_TICKET = "leaderboard:ticket"
# KEYS: board, its tickets[, building flag, side board, side tickets]. ARGV: ticket, whether
# KEYS[3..5] are given (a live write also goes to a board being built), how many scores,
# then member/score pairs, then members to drop. Each item is written where its stored
# ticket is older than this one, and its ticket is kept (also for a dropped item, so an
# older batch cannot bring it back).
_WRITE = """
local ticket = tonumber(ARGV[1])
local targets = {{KEYS[1], KEYS[2]}}
if ARGV[2] == '1' and redis.call('EXISTS', KEYS[3]) == 1 then
  targets[2] = {KEYS[4], KEYS[5]}
end
local count = tonumber(ARGV[3])
for _, target in ipairs(targets) do
  for i = 0, count - 1 do
    local member = ARGV[4 + 2 * i]
    if tonumber(redis.call('HGET', target[2], member) or '0') < ticket then
      redis.call('ZADD', target[1], ARGV[5 + 2 * i], member)
      redis.call('HSET', target[2], member, ticket)
    end
  end
  for i = 4 + 2 * count, #ARGV do
    local member = ARGV[i]
    if tonumber(redis.call('HGET', target[2], member) or '0') < ticket then
      redis.call('ZREM', target[1], member)
      redis.call('HSET', target[2], member, ticket)
    end
  end
end
return 0
"""


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
