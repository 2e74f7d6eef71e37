"""Writes elsewhere move members on the Redis leaderboards at once."""

import pytest

from cohort.activity.services.daily import activity_log
from cohort.competition.leaderboards.selectors import Scope, board_page
from cohort.competition.leaderboards.services import leaderboards_rebuild
from cohort.competition.tests.factories import walkers_on_path
from cohort.core.clock import user_today

pytestmark = pytest.mark.django_db
EVERYONE = Scope()


def test_a_logged_day_moves_the_member_on_the_redis_leaderboards_at_once(
    redis_leaderboards, django_capture_on_commit_callbacks
):
    _, members = walkers_on_path([5, 9, 1])
    leaderboards_rebuild()
    with django_capture_on_commit_callbacks(execute=True):
        activity_log(user=members[2], day=user_today(members[2]), steps=2_000)
    page = board_page(board="progress", scope=EVERYONE, viewer=members[2])
    assert page.source == "redis"
    assert [(r.id, r.score) for r in page.rows][0] == (members[2].pk, 2100)
