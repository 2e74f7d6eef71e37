"""Many members at once against a real multi-process server: afterwards no acknowledged
write is lost and every derived total agrees with a recomputation from the source rows.

gunicorn (gthread workers, in a subprocess) serves the test database, committed by this
test (transaction=True), and the test Redis; 24 client threads, one member each (some by
personal token, some signed in by session with CSRF), upsert their last six days (the same
day again with new values), send bad input and read the pages members poll. Run with -s to
see the figures.
"""

# ruff: noqa: S101

import pytest
from django.conf import settings
from django.db import connection

from cohort.competition.leaderboards import store
from system.load.population import world_build
from system.load.server import gunicorn
from system.load.verdict import load_and_check

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

SEED = 11


@pytest.fixture
def postgres_server_database():
    if connection.vendor != "postgresql":
        pytest.skip(
            "the load test serves the test database from a gunicorn subprocess; "
            "`make test` found only SQLite (set DATABASE_URL to PostgreSQL)"
        )


def test_concurrent_clients_lose_no_write_and_every_total_agrees(
    postgres_server_database, tmp_path
):
    store.client.cache_clear()  # the Redis client of this test's settings
    # Without Redis each worker's cache is its own local memory, which several workers
    # cannot share (a cached page outlives a write another worker made): one worker then.
    workers, threads = (3, 4) if settings.REDIS_URL else (1, 8)
    with gunicorn(
        workers=workers,
        threads=threads,
        log=tmp_path / "gunicorn.log",
        ACTIVITY_UPDATES_PER_MEMBER="1000/m",  # every valid write is acknowledged, none 429
    ) as server:
        world = world_build(groups=4, clients_per_group=6, sessions_every=4, seed=SEED)
        server.wait_until_live()
        verdict = load_and_check(
            base=server.base,
            world=world,
            seed=SEED,
            server=f"gunicorn, {workers} workers x {threads} threads",
            logs=server.logged,
        )
    assert verdict.failures == ""
    assert verdict.acknowledged == verdict.found > 0
    assert not [s for s in verdict.tally.statuses if s == "no answer" or s >= 500]
