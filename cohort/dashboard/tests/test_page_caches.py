"""Leaderboard pages and member lists come from the cache until a write changes them, and
the hits are counted."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cohort.activity.services.daily import activity_log, member_today
from cohort.competition.services.boards import leaderboards_rebuild
from cohort.competition.tests.factories import walkers_on_path
from cohort.core.caching import cache_hit_rates

pytestmark = pytest.mark.django_db(transaction=True)  # real commits drop the caches


def _get(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response.json(), len(queries)


def test_a_leaderboard_page_is_cached_until_someone_moves(client):
    _, members = walkers_on_path([5, 9, 1])
    leaderboards_rebuild()  # with Redis: its boards ready, so no rebuild starts mid-test
    client.force_login(members[0])
    url = "/api/v1/leaderboards/progress"
    client.get("/api/v1/me")  # the session's first request writes it
    hits_before = cache_hit_rates().get("leaderboard_page", {}).get("hits", 0)
    first, cold = _get(client, url)
    again, warm = _get(client, url)
    assert again == first and warm < cold
    assert cache_hit_rates()["leaderboard_page"]["hits"] >= hits_before + 1
    activity_log(user=members[2], day=member_today(members[2]), steps=2_000)
    moved, _ = _get(client, url)
    assert moved["rows"][0]["id"] == members[2].pk  # 21 units now: first


def test_health_reports_the_hit_rates(client):
    _, members = walkers_on_path([5])
    client.force_login(members[0])
    client.get("/api/v1/leaderboards/progress")
    client.get("/api/v1/leaderboards/progress")
    rates = client.get("/health/").json()["cache_hit_rates"]
    assert rates["leaderboard_page"]["hits"] >= 1
    assert 0 < rates["leaderboard_page"]["hit_rate"] <= 1
