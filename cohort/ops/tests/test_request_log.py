"""Each request logs one line (cohort.ops.middleware.RequestLogMiddleware) with its route,
status, user and request id."""

import logging

import pytest


@pytest.mark.django_db
def test_each_request_logs_one_line_with_its_route_status_user_and_id(client, caplog, member):
    client.force_login(member)
    with caplog.at_level(logging.INFO, logger="cohort.request"):
        response = client.get("/api/v1/me", HTTP_X_REQUEST_ID="trace-42")
    assert response["X-Request-ID"] == "trace-42"
    [record] = [r for r in caplog.records if r.name == "cohort.request"]
    assert (record.method, record.status, record.user_id, record.request_id) == (
        "GET",
        200,
        member.pk,
        "trace-42",
    )
    assert record.route == "api/v1/me"
    assert record.duration_ms >= 0


@pytest.mark.django_db
def test_a_request_without_an_id_gets_a_fresh_one(client, caplog):
    with caplog.at_level(logging.INFO, logger="cohort.request"):
        first = client.get("/health/live/")
        second = client.get("/health/live/", HTTP_X_REQUEST_ID="bad\nid")
    ids = {first["X-Request-ID"], second["X-Request-ID"]}
    assert len(ids) == 2 and all(len(i) == 32 for i in ids)
    assert [r.user_id for r in caplog.records if r.name == "cohort.request"] == [None, None]
