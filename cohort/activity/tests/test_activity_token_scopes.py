"""Logging activity by token needs the activity:write scope; a read token may only read."""

import json

import pytest
from django.test import Client

from cohort.accounts.models import ApiToken
from cohort.accounts.tests.factories import MemberFactory
from cohort.accounts.tokens import api_token_create
from cohort.activity.models import DailyActivity
from cohort.core.clock import user_today
from cohort.journeys.tests.factories import path_create

pytestmark = pytest.mark.django_db

READ, ACTIVITY_WRITE = ApiToken.Scope.READ, ApiToken.Scope.ACTIVITY_WRITE


@pytest.fixture(autouse=True)
def path():
    return path_create()


def _bearer(raw: str) -> Client:
    return Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {raw}")


def _put_steps(client: Client, member, steps: int = 1234):
    day = user_today(member).isoformat()
    return client.put(
        f"/api/v1/activity/{day}", json.dumps({"steps": steps}), content_type="application/json"
    )


def test_a_read_token_may_get_but_not_log_activity():
    member = MemberFactory()
    _, raw = api_token_create(user=member, name="dashboard", scope=READ)
    client = _bearer(raw)
    assert client.get("/api/v1/me").status_code == 200
    assert client.get("/api/v1/activity").status_code == 200
    refused = _put_steps(client, member)
    assert refused.status_code == 403
    assert refused.json()["detail"].startswith("This token's scope does not allow")
    assert not DailyActivity.objects.filter(user=member).exists()


def test_an_activity_write_token_logs_steps():
    member = MemberFactory()
    _, raw = api_token_create(user=member, name="phone", scope=ACTIVITY_WRITE)
    response = _put_steps(_bearer(raw), member, steps=4321)
    assert response.status_code == 200 and response.json()["steps"] == 4321
