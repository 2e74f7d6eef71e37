"""Leaderboard pages and member lists come from the cache until a write changes them, and
the hits are counted."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cohort.activity.services.daily import activity_log
from cohort.competition.leaderboards.services import leaderboards_rebuild
from cohort.competition.tests.factories import walkers_on_path
from cohort.core.caching import cache_hit_rates
from cohort.core.clock import user_today

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
    assert again == first and warm <= cold  # with Redis, a cold page needs no query either
    assert cache_hit_rates()["leaderboard_page"]["hits"] >= hits_before + 1
    activity_log(user=members[2], day=user_today(members[2]), steps=2_000)
    moved, _ = _get(client, url)
    assert moved["rows"][0]["id"] == members[2].pk  # 21 units now: first


def test_the_group_dashboard_is_cached_until_a_member_logs(client):
    _, members = walkers_on_path([5, 9, 1])
    client.force_login(members[0])
    client.get("/api/v1/me")
    first, cold = _get(client, "/api/v1/dashboard")
    again, warm = _get(client, "/api/v1/dashboard")
    assert again == first and warm < cold
    activity_log(user=members[2], day=user_today(members[2]), steps=2_000)
    moved, _ = _get(client, "/api/v1/dashboard")
    today = {row["user_id"]: row["today_steps"] for row in moved["results"]}
    assert today[members[2].pk] == 2_000


def test_points_awarded_show_on_the_cached_group_dashboard(client):
    from cohort.competition.services.points import points_award
    from cohort.competition.tests.factories import CategoryFactory, SeasonFactory

    season, category = SeasonFactory(), CategoryFactory(season_cap=100)
    _, members = walkers_on_path([5, 9])
    client.force_login(members[0])
    client.get("/api/v1/me")
    client.get("/api/v1/dashboard")  # cached now
    points_award(
        user_id=members[1].pk, season=season, category=category, source="s", points=30, reason=""
    )

    rows = client.get("/api/v1/dashboard").json()["results"]

    assert {r["user_id"]: r["season_points"] for r in rows} == {members[0].pk: 0, members[1].pk: 30}
