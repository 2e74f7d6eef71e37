"""The same load and the same checks, smaller, against Django's threaded live_server in
this process: it runs on the embedded default too (SQLite and local memory, where the
gunicorn test skips), so concurrent writers on SQLite are covered, and on PostgreSQL it
adds a threaded server sharing one process's cache and connection handling."""

# ruff: noqa: S101

import pytest

from cohort.competition.leaderboards import store
from system.load.population import world_build
from system.load.verdict import load_and_check

pytestmark = pytest.mark.django_db(transaction=True)

SEED = 12


def test_a_threaded_live_server_loses_no_write_and_every_total_agrees(live_server, settings):
    store.client.cache_clear()
    settings.ACTIVITY_UPDATES_PER_MEMBER = "1000/m"  # every valid write acknowledged, none 429
    world = world_build(groups=2, clients_per_group=4, sessions_every=2, seed=SEED)
    verdict = load_and_check(
        base=live_server.url,
        world=world,
        seed=SEED,
        server="Django's threaded live_server",
        logs=lambda: "(the live server logs to this test's captured output)",
    )
    assert verdict.failures == ""
    assert verdict.acknowledged == verdict.found > 0
    assert not [s for s in verdict.tally.statuses if s == "no answer" or s >= 500]
