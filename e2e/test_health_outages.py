"""What a load balancer (or an operator's browser) sees from the health pages during an
outage: Redis down as cache and broker keeps the server in rotation ("degraded", 200);
the database down takes it out (503 on /health/ and /health/ready/)."""

import pytest

from cohort.core.testing import database_unreachable, redis_unreachable

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _answer(page, url):
    response = page.goto(url)
    return response.status, response.json()


def test_redis_down_is_degraded_and_the_database_down_is_unavailable(live_server, page):
    base = live_server.url
    assert _answer(page, f"{base}/health/ready/") == (200, {"status": "ok"})
    with redis_unreachable():
        status, body = _answer(page, f"{base}/health/ready/")
        assert (status, body["status"], set(body["degraded"])) == (
            200, "degraded", {"cache", "broker"},
        )  # fmt: skip
        assert _answer(page, f"{base}/health/") == (200, {"status": "degraded"})
    with database_unreachable():
        status, body = _answer(page, f"{base}/health/ready/")
        assert (status, body["status"], list(body["failed"])) == (503, "unavailable", ["database"])
        assert _answer(page, f"{base}/health/") == (503, {"status": "unavailable"})
    assert _answer(page, f"{base}/health/ready/") == (200, {"status": "ok"})
