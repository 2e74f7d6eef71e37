import logging

import pytest

pytestmark = pytest.mark.django_db

SLOW = "cohort.slow_query"


def _slow_records(caplog) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.name == SLOW]


def test_each_query_over_the_threshold_is_logged_with_route_and_duration(client, settings, caplog):
    settings.LOG_QUERY_TIMES = True
    settings.SLOW_QUERY_MS = 0  # every query is "slow"
    settings.METRICS_TOKEN = "scrape"  # the details (and their job-run query) need it
    with caplog.at_level(logging.WARNING, logger=SLOW):
        response = client.get("/health/", headers={"Authorization": "Bearer scrape"})
        assert response.status_code == 200
    records = _slow_records(caplog)
    assert len(records) >= 2  # SELECT 1 and the last update_progress run
    assert {record.route for record in records} == {"health/"}
    assert all(record.duration_ms >= 0 for record in records)
    assert any("SELECT 1" in record.sql for record in records)
    # The SQL keeps its placeholders; the parameters are never logged.
    job_query = next(record for record in records if "ops_jobrun" in record.sql)
    assert "update_progress" not in job_query.sql
    assert "update_progress" not in job_query.getMessage()


def test_queries_under_the_threshold_are_not_logged(client, settings, caplog):
    settings.LOG_QUERY_TIMES = True
    settings.SLOW_QUERY_MS = 60_000
    with caplog.at_level(logging.WARNING, logger=SLOW):
        client.get("/health/")
    assert _slow_records(caplog) == []


def test_nothing_is_logged_with_the_flag_off(client, settings, caplog):
    settings.LOG_QUERY_TIMES = False
    settings.SLOW_QUERY_MS = 0
    with caplog.at_level(logging.WARNING, logger=SLOW):
        client.get("/health/")
    assert _slow_records(caplog) == []


@pytest.mark.parametrize("path", ["/health/live/", "/health/ready/", "/no-such-page/"])
def test_the_flag_changes_no_response(client, settings, path):
    settings.SLOW_QUERY_MS = 0
    answers = []
    for flag in (False, True):
        settings.LOG_QUERY_TIMES = flag
        response = client.get(path)
        answers.append((response.status_code, response.content))
    assert answers[0] == answers[1]
