import pytest
from django.test import override_settings

from cohort.core.testing import database_unreachable, redis_unreachable


@pytest.mark.django_db
def test_ready_and_live_answer_when_everything_is_up(client):
    assert client.get("/health/live/").json() == {"status": "ok"}
    assert client.get("/health/ready/").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_ready_is_503_naming_the_database_when_it_is_unreachable(client):
    with database_unreachable():
        response = client.get("/health/ready/")
    assert response.status_code == 503
    assert list(response.json()["failed"]) == ["database"]
    assert "database unreachable" in response.json()["failed"]["database"]


@pytest.mark.django_db
def test_ready_is_503_naming_the_cache_when_redis_is_unreachable(client):
    unreachable = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.5},
        }
    }
    with override_settings(CACHES=unreachable):
        response = client.get("/health/ready/")
    assert response.status_code == 503
    assert list(response.json()["failed"]) == ["cache"]


@pytest.mark.django_db
def test_summary_times_each_check_and_shows_the_last_job_run(client, settings):
    from django.core.management import call_command

    call_command("update_progress")
    settings.METRICS_TOKEN = "scrape"  # the details are for operators only
    body = client.get("/health/", headers={"Authorization": "Bearer scrape"}).json()
    assert set(body["checks"]) == {"database", "cache", "broker"}
    assert all(isinstance(check["ms"], float) for check in body["checks"].values())
    assert body["jobs"]["update_progress"]["outcome"] == "succeeded"
    assert body["jobs"]["update_progress"]["age_seconds"] >= 0


@pytest.mark.django_db
def test_anonymous_health_checks_create_no_session(client):
    from django.contrib.sessions.models import Session

    response = client.get("/health/")
    assert "sessionid" not in response.cookies
    assert Session.objects.count() == 0


@pytest.mark.django_db
def test_ready_is_200_degraded_when_redis_as_cache_and_broker_is_down(client):
    with redis_unreachable():
        response = client.get("/health/ready/")
        summary = client.get("/health/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert set(body["degraded"]) == {"cache", "broker"}
    assert (summary.status_code, summary.json()) == (200, {"status": "degraded"})


@pytest.mark.django_db(transaction=True)
def test_summary_is_503_when_the_database_is_unreachable(client):
    with database_unreachable():
        response = client.get("/health/")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}
