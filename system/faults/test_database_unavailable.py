"""An unreachable database answers 503, never a 500: JSON {"detail"} under the API, a plain
page (no site template, which would ask the database again) elsewhere, wherever the failure
is met (a view, the API, or a middleware loading the session or the user). In-process, so
it runs everywhere; test_postgres_outage.py does the same against a real PostgreSQL."""

# ruff: noqa: S101

import pytest
from django.test import Client

from cohort.accounts.tests.factories import MemberFactory
from cohort.core.testing import database_unreachable


def _assert_unavailable_json(response):
    assert response.status_code == 503
    assert response["Content-Type"].startswith("application/json")
    assert "unavailable" in response.json()["detail"]
    assert response["Retry-After"] == "5"


def _assert_unavailable_page(response):
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert b"Service unavailable" in response.content


@pytest.mark.django_db(transaction=True)
def test_api_view_meeting_no_database_answers_503_json():
    client = Client(raise_request_exception=False)
    with database_unreachable():
        response = client.post(
            "/api/v1/auth/login",
            {"email": "someone@example.com", "password": "whatever-password"},
            content_type="application/json",
        )
    _assert_unavailable_json(response)


@pytest.mark.django_db(transaction=True)
def test_signed_in_requests_failing_in_a_middleware_answer_503():
    client = Client(raise_request_exception=False)
    client.force_login(MemberFactory())
    with database_unreachable():
        api = client.get("/api/v1/me")
        page = client.get("/")
    _assert_unavailable_json(api)
    _assert_unavailable_page(page)


@pytest.mark.django_db(transaction=True)
def test_page_view_meeting_no_database_answers_a_plain_503_page():
    client = Client(raise_request_exception=False)
    with database_unreachable():
        response = client.post(
            "/login/", {"email": "someone@example.com", "password": "whatever-password"}
        )
    _assert_unavailable_page(response)


@pytest.mark.django_db
def test_other_errors_are_still_500(client, settings):
    from django.test import RequestFactory

    from cohort.core.middleware import server_error

    try:
        raise ValueError("a bug")
    except ValueError:
        response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
