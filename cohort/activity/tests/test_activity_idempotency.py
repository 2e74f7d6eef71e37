"""PUT /api/v1/activity/<day> with an Idempotency-Key (what the app's offline log sends):
a key already answered gets the same answer and writes nothing, so an entry queued offline
and sent again after a lost answer cannot overwrite what the member logged since."""

import json

import pytest

from cohort.accounts.tests.factories import MemberFactory
from cohort.activity.models import DailyActivity
from cohort.core.clock import user_today
from cohort.journeys.tests.factories import path_create

pytestmark = pytest.mark.django_db
KEY = "7d0c5b1e-0a57-4f33-9d1c-2d5f0c8a6b11"


@pytest.fixture(autouse=True)
def path():
    return path_create()


def _put(client, day, steps, key=None):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.put(
        f"/api/v1/activity/{day}",
        data=json.dumps({"steps": steps}),
        content_type="application/json",
        **headers,
    )


def test_a_retried_key_gets_the_first_answer_and_does_not_write_again(client):
    member = MemberFactory()
    client.force_login(member)
    today = user_today(member).isoformat()
    first = _put(client, today, 5_000, KEY)
    assert first.status_code == 200
    # Meanwhile the member logs the day again, online.
    assert _put(client, today, 6_000).status_code == 200
    retried = _put(client, today, 5_000, KEY)
    assert retried.status_code == 200
    assert retried.json() == first.json()
    assert DailyActivity.objects.get(user=member).steps == 6_000


def test_a_new_key_writes(client):
    member = MemberFactory()
    client.force_login(member)
    today = user_today(member).isoformat()
    _put(client, today, 5_000, KEY)
    assert _put(client, today, 7_000, KEY.replace("7d0c", "8e1d")).json()["steps"] == 7_000
    assert DailyActivity.objects.get(user=member).steps == 7_000


def test_keys_are_per_member(client):
    first, second = MemberFactory(), MemberFactory()
    for member, steps in ((first, 1_000), (second, 2_000)):
        client.force_login(member)
        assert _put(client, user_today(member).isoformat(), steps, KEY).json()["steps"] == steps
    assert DailyActivity.objects.get(user=second).steps == 2_000


def test_a_refused_value_is_not_kept_so_a_corrected_retry_is_not_blocked(client):
    member = MemberFactory()
    client.force_login(member)
    today = user_today(member).isoformat()
    refused = _put(client, today, -5, KEY)
    assert refused.status_code == 422
    assert _put(client, today, 4_000, KEY).json()["steps"] == 4_000


@pytest.mark.parametrize("key", ["short", "x" * 101, "has space in it", "ünïcode-key-1"])
def test_a_malformed_key_is_422_and_writes_nothing(client, key):
    member = MemberFactory()
    client.force_login(member)
    answer = _put(client, user_today(member).isoformat(), 5_000, key)
    assert answer.status_code == 422
    assert "Idempotency-Key" in answer.json()["detail"]
    assert not DailyActivity.objects.exists()
