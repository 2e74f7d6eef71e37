"""/health/ shows operators the cache hit rates of this process (cohort.core.caching)."""

import pytest

from cohort.core.caching import cached

pytestmark = pytest.mark.django_db(transaction=True)


def test_health_reports_the_hit_rates(client, settings):
    # A leaderboard page cached once and read again: a miss, then a hit.
    cached("leaderboard_page", "health-test:page", lambda: [])
    cached("leaderboard_page", "health-test:page", lambda: [])
    settings.METRICS_TOKEN = "scrape"  # the details are for operators only
    rates = client.get("/health/", headers={"Authorization": "Bearer scrape"}).json()
    rates = rates["cache_hit_rates"]
    assert rates["leaderboard_page"]["hits"] >= 1
    assert 0 < rates["leaderboard_page"]["hit_rate"] <= 1
