"""One load run and its verdict, shared by the gunicorn test and the live_server test: the
clients against a server, then every check, the figures printed (visible with -s) and the
mismatches gathered by name, so a failure lists everything that went wrong at once."""

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings

from cohort.accounts.tokens import api_token_create
from cohort.core.clock import user_today
from system.load import checks
from system.load.clients import Tally, run_clients
from system.load.population import World


@dataclass
class Verdict:
    tally: Tally
    acknowledged: int  # member-days with an acknowledged write
    found: int  # of those, stored with their last acknowledged value
    wrong: dict[str, list[str]] = field(default_factory=dict)

    @property
    def failures(self) -> str:
        """'' when every check passed; else each failed check with its first mismatches."""
        return "\n".join(
            f"{name}: {len(found)} mismatches, e.g. {found[:3]}"
            for name, found in self.wrong.items()
            if found
        )


def load_and_check(*, base: str, world: World, seed: int, server: str, logs: Callable[[], str]):
    """Run every member's client against `base`, check everything, print the figures."""
    todays = {u.pk: {user_today(u)} for u in world.everyone}
    started = time.monotonic()
    tally = run_clients(base, world.members, seed)
    loaded = time.monotonic()
    for u in world.everyone:  # a member's midnight may have passed meanwhile
        todays[u.pk].add(user_today(u))
    tokens = {u.pk: api_token_create(user=u, name="checks")[1] for u in world.everyone}
    viewers = {
        g.pk: next((u, tokens[u.pk]) for u in world.everyone if u.group_id == g.pk)
        for g in world.groups
    }
    user_ids = [u.pk for u in world.everyone]
    wrong = {
        "answers (5xx, no answer, bad input without its 4xx and detail)": tally.problems,
        "unread counts": checks.unread_agree(base, tokens),
        "served boards": checks.served_boards_agree(base, world.path_id, world.season.pk, tokens),
        "dashboards": checks.dashboards_agree(base, viewers, world.season),
    }
    lost, acknowledged, found = checks.writes_found(
        tally.writes, {m.id: m.days for m in world.members}
    )
    wrong["acknowledged writes"] = lost
    if settings.REDIS_URL:
        wrong["Redis boards"] = checks.redis_boards_agree(world.path_id, world.season.pk)
    wrong["enrollments"] = checks.enrollments_agree(user_ids)
    wrong["points"] = checks.points_agree(world.season, user_ids)
    wrong["streaks"] = checks.streaks_agree(user_ids, todays)
    wrong["nightly recompute"] = checks.nightly_changes_nothing(user_ids)  # last: it repairs
    if tally.problems:
        wrong["server log"] = [logs()]
    acks = sum(w.outcome == "ack" for w in tally.writes)
    print(
        f"\nload ({server}; Redis {'on' if settings.REDIS_URL else 'off: Redis checks skipped'}):"
        f" {len(world.members)} clients, {tally.requests} requests,"
        f" {acks} writes acknowledged ({acknowledged} member-days,"
        f" {found} found with their last acknowledged value), {tally.reads} reads,"
        f" {tally.bad_inputs} bad inputs; statuses {dict(sorted(tally.statuses.items(), key=str))};"
        f" load {loaded - started:.1f} s, checks {time.monotonic() - loaded:.1f} s"
    )
    return Verdict(tally, acknowledged, found, wrong)
