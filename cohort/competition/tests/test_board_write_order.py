"""Writes to the Redis boards keep the newest read: a refresh that read its scores before
another one cannot put an older score back, and neither can a rebuild's batch read before
a member's change."""

from decimal import Decimal

import pytest

from cohort.competition.leaderboards import store
from cohort.competition.leaderboards.services import leaderboards_rebuild, standings_refresh
from cohort.competition.leaderboards.standings import PROGRESS
from cohort.competition.tests.factories import walkers_on_path
from cohort.journeys.models import Enrollment

PATH = 7


def _score(client, item_id: int, on: int = PATH) -> float | None:
    return client.zscore(f"leaderboard:{on}:{PROGRESS}", store._member(item_id))


def test_an_older_read_written_last_does_not_undo_a_newer_one(redis_leaderboards):
    older, newer = store.ticket(), store.ticket()
    store.scores_write(PATH, PROGRESS, {1: 900}, [], newer)
    store.scores_write(PATH, PROGRESS, {1: 500}, [], older)  # the slower of two refreshes
    assert _score(redis_leaderboards, 1) == 900


def test_a_member_dropped_by_a_newer_read_is_not_brought_back(redis_leaderboards):
    older = store.ticket()
    store.scores_write(PATH, PROGRESS, {2: 100}, [], store.ticket())
    store.scores_write(PATH, PROGRESS, {}, [2], store.ticket())
    store.scores_write(PATH, PROGRESS, {2: 100}, [], older)
    assert _score(redis_leaderboards, 2) is None


def test_a_change_during_a_rebuild_survives_the_swap(redis_leaderboards):
    store.rebuild_start(PATH, PROGRESS)
    rebuild_read = store.ticket()  # the rebuild reads every score ...
    store.scores_write(PATH, PROGRESS, {3: 750}, [], store.ticket())  # ... a member logs a day
    store.rebuild_add(PATH, PROGRESS, {3: 400, 4: 300}, rebuild_read)  # its batch arrives
    store.rebuild_finish(PATH, PROGRESS)
    assert _score(redis_leaderboards, 3) == 750
    assert _score(redis_leaderboards, 4) == 300


def test_a_newer_write_still_replaces_an_older_score(redis_leaderboards):
    store.scores_write(PATH, PROGRESS, {5: 100}, [], store.ticket())
    store.scores_write(PATH, PROGRESS, {5: 200}, [], store.ticket())
    assert _score(redis_leaderboards, 5) == 200


@pytest.mark.django_db
def test_a_change_lost_to_a_redis_outage_is_restored_once_redis_answers(
    redis_leaderboards, settings, django_capture_on_commit_callbacks
):
    settings.CELERY_TASK_ALWAYS_EAGER = True  # the queued rebuild runs at once
    path, (walker, other) = walkers_on_path([10, 20])
    leaderboards_rebuild()
    working_url = settings.REDIS_URL

    settings.REDIS_URL = "redis://127.0.0.1:9/0"  # nothing listens there: Redis is "down"
    store.client.cache_clear()
    Enrollment.objects.filter(user=walker).update(distance=Decimal(50))
    with django_capture_on_commit_callbacks(execute=True):
        standings_refresh(user_ids=[walker.pk])  # lost: the board still says 10

    settings.REDIS_URL = working_url  # back (a blip: the boards were never flushed)
    store.client.cache_clear()
    with django_capture_on_commit_callbacks(execute=True):
        standings_refresh(user_ids=[other.pk])  # the next change notices and rebuilds

    assert _score(redis_leaderboards, walker.pk, on=path.pk) == 5000
