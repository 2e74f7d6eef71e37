import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from cohort.core.caching import cached
from cohort.ops.models import JobRun
from cohort.ops.tests.factories import JobRunFactory

pytestmark = pytest.mark.django_db

TOKEN = "scrape-secret-123"


def _samples(response) -> dict[tuple, float]:
    """{(sample name, sorted labels): value} from a /metrics answer."""
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


def _value(samples: dict, name: str, **labels) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def _scrape(client, settings) -> dict:
    settings.METRICS_TOKEN = TOKEN
    return _samples(client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}))


def test_requests_are_counted_by_route_pattern_method_and_status(client, settings):
    before = _scrape(client, settings)
    client.get("/health/live/")
    client.get("/health/live/")
    client.get("/no-such-page/1234/")
    after = _scrape(client, settings)

    route = {"route": "health/live/", "method": "GET"}
    count = "cohort_http_request_duration_seconds_count"
    assert _value(after, count, **route) - _value(before, count, **route) == 2
    inf_bucket = "cohort_http_request_duration_seconds_bucket"
    assert _value(after, inf_bucket, le="+Inf", **route) >= 2
    ok = "cohort_http_responses_total"
    assert _value(after, ok, status="200", **route) - _value(before, ok, status="200", **route) == 2
    # The unknown path is one bounded label, never the raw path.
    missing = {"route": "<unmatched>", "method": "GET", "status": "404"}
    assert _value(after, ok, **missing) - _value(before, ok, **missing) == 1
    assert not any("no-such-page" in str(key) for key in after)


def test_static_files_share_one_label(client, settings):
    before = _scrape(client, settings)
    assert client.get("/static/css/cohort.css").status_code == 200
    after = _scrape(client, settings)
    labels = {"route": "<static>", "method": "GET", "status": "200"}
    name = "cohort_http_responses_total"
    assert _value(after, name, **labels) - _value(before, name, **labels) == 1


def test_queries_per_request_are_counted(client, settings):
    before = _scrape(client, settings)
    # The readiness queries and (the details, for the token) the last job run.
    client.get("/health/", headers={"Authorization": f"Bearer {TOKEN}"})
    client.get("/health/live/")  # no query
    after = _scrape(client, settings)

    def grew(name, **labels):
        return _value(after, name, **labels) - _value(before, name, **labels)

    queries = "cohort_db_queries_per_request"
    assert grew(f"{queries}_count", route="health/") == 1
    assert grew(f"{queries}_sum", route="health/") >= 2  # SELECT 1, the last job run
    assert grew("cohort_db_query_duration_seconds_per_request_sum", route="health/") > 0
    assert grew(f"{queries}_bucket", route="health/live/", le="0.0") == 1


def test_cache_lookups_are_shown(client, settings):
    cached("metrics_test", "metrics-test:key", lambda: 1)
    cached("metrics_test", "metrics-test:key", lambda: 1)
    samples = _scrape(client, settings)
    lookups = "cohort_cache_lookups_total"
    assert _value(samples, lookups, cache="metrics_test", result="hit") >= 1
    assert _value(samples, lookups, cache="metrics_test", result="miss") >= 1


def test_job_outcomes_and_durations_come_from_job_runs(client, settings):
    now = timezone.now()
    JobRunFactory(name="nightly", outcome=JobRun.Outcome.FAILED, finished_at=now)
    latest = JobRunFactory(name="nightly", outcome=JobRun.Outcome.SUCCEEDED)
    JobRun.objects.filter(pk=latest.pk).update(
        started_at=now, finished_at=now + dt.timedelta(seconds=90)
    )
    JobRunFactory(name="nightly")  # still running
    samples = _scrape(client, settings)
    assert _value(samples, "cohort_job_runs", job="nightly", outcome="succeeded") == 1
    assert _value(samples, "cohort_job_runs", job="nightly", outcome="failed") == 1
    assert _value(samples, "cohort_job_runs", job="nightly", outcome="running") == 1
    assert _value(samples, "cohort_job_last_duration_seconds", job="nightly") == 90
    assert _value(samples, "cohort_job_last_succeeded", job="nightly") == 1
    started = _value(samples, "cohort_job_last_started_timestamp_seconds", job="nightly")
    assert started == pytest.approx(now.timestamp(), abs=5)


def test_pool_use_is_shown_when_the_pool_is_on(client, settings):
    from django.db import connection

    samples = _scrape(client, settings)
    pooled = getattr(connection, "pool", None) is not None
    has_pool = any(name == "cohort_db_pool_connections" for name, _ in samples)
    assert has_pool == pooled
    if pooled:
        assert _value(samples, "cohort_db_pool_connections", state="size") >= 1


def test_organisers_see_metrics_without_a_token(client, settings):
    settings.METRICS_TOKEN = ""
    organiser = get_user_model().objects.create_superuser("org@example.org", "Org", "pw-12345678")
    client.force_login(organiser)
    assert client.get("/metrics").status_code == 200


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer wrong-token", f"Basic {TOKEN}", "Bearer ", f"Bearer {TOKEN}x"],
)
def test_anyone_else_gets_404(client, settings, authorization):
    settings.METRICS_TOKEN = TOKEN
    headers = {"Authorization": authorization} if authorization else {}
    assert client.get("/metrics", headers=headers).status_code == 404


def test_members_get_404(client, settings):
    settings.METRICS_TOKEN = TOKEN
    member = get_user_model().objects.create_user("m@example.org", "Member", "pw-12345678")
    client.force_login(member)
    assert client.get("/metrics").status_code == 404


def test_an_empty_token_never_matches(client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics", headers={"Authorization": "Bearer "}).status_code == 404


def test_a_scrape_with_the_token_creates_no_session(client, settings):
    from django.contrib.sessions.models import Session

    settings.METRICS_TOKEN = TOKEN
    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    assert "sessionid" not in response.cookies
    assert Session.objects.count() == 0
