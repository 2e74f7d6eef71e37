import datetime as dt
import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cohort.accounts.tests.factories import MemberFactory, StaffFactory
from cohort.accounts.tokens import api_token_create, api_token_revoke
from cohort.activity.models import DailyActivity
from cohort.core.clock import user_today
from cohort.journeys.models import Enrollment
from cohort.journeys.tests.factories import path_create

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def path():
    return path_create()


def _put(client, day, body, **headers):
    return client.put(
        f"/api/v1/activity/{day}", data=json.dumps(body), content_type="application/json", **headers
    )


def test_put_upserts_the_day_and_returns_progress(client):
    member = MemberFactory()
    client.force_login(member)
    today = user_today(member).isoformat()
    first = _put(client, today, {"steps": 1_500})
    assert first.status_code == 200
    assert first.json()["progress"][0]["current_milestone"] == "Ford"
    assert _put(client, today, {"steps": 500}).json()["steps"] == 500
    assert client.get(f"/api/v1/activity/{today}").json()["steps"] == 500
    assert DailyActivity.objects.filter(user=member).count() == 1


def test_the_answer_shows_the_progress_the_write_left_without_reading_it_again(client):
    member = MemberFactory()
    client.force_login(member)
    today = user_today(member).isoformat()
    _put(client, today, {"steps": 1_500})
    with CaptureQueriesContext(connection) as queries:
        answer = _put(client, today, {"steps": 3_000}).json()["progress"]
    # The member's enrollments: locked once and updated once, never read for the answer.
    assert [q["sql"].count("journeys_enrollment") > 0 for q in queries].count(True) == 2
    enrollment = Enrollment.objects.select_related("current_milestone").get(user=member)
    milestone = enrollment.current_milestone
    assert answer == [
        {
            "path_id": enrollment.path_id,
            "steps": 3_000,
            "distance": float(enrollment.distance),
            "progress": float(enrollment.progress),
            "current_milestone": milestone.name if milestone else None,
        }
    ]


@pytest.mark.parametrize(
    ("day", "body", "status"),
    [
        ("2026-02-30", {"steps": 10}, 422),
        ("yesterday", {"steps": 10}, 422),
        ("TODAY", {"steps": -5}, 422),
        ("TODAY", {"steps": 999_999}, 422),
        ("TODAY", {"steps": "many"}, 422),
        ("TODAY", {}, 422),
        ("TOMORROW", {"steps": 10}, 422),
    ],
)
def test_bad_input_gets_a_clear_error_never_a_500(client, day, body, status):
    member = MemberFactory()
    client.force_login(member)
    today = user_today(member)
    day = {"TODAY": today.isoformat(), "TOMORROW": (today + dt.timedelta(days=1)).isoformat()}.get(
        day, day
    )
    response = _put(client, day, body)
    assert response.status_code == status
    assert "detail" in response.json()
    assert not DailyActivity.objects.exists()


@pytest.mark.parametrize("steps", [True, False, "5", "1500", 1.5, 10.0])
def test_steps_must_be_a_json_integer(client, steps):
    member = MemberFactory()
    client.force_login(member)
    response = _put(client, user_today(member).isoformat(), {"steps": steps})
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"][-1] == "steps" and error["msg"] == "Input should be a valid integer"
    assert not DailyActivity.objects.exists()


def test_malformed_json_is_a_400(client):
    member = MemberFactory()
    client.force_login(member)
    response = client.put(
        f"/api/v1/activity/{user_today(member)}", data="{steps:", content_type="application/json"
    )
    assert response.status_code == 400
    assert "detail" in response.json()


def test_updates_are_rate_limited_per_member(client, settings):
    settings.ACTIVITY_UPDATES_PER_MEMBER = "3/m"
    member = MemberFactory()
    client.force_login(member)
    today = user_today(member).isoformat()
    statuses = [_put(client, today, {"steps": n}).status_code for n in range(4)]
    assert statuses == [200, 200, 200, 429]
    other = Client()
    other.force_login(MemberFactory(group=member.group))
    assert _put(other, today, {"steps": 5}).status_code == 200


def test_list_days_by_range(client):
    member = MemberFactory()
    client.force_login(member)
    today = user_today(member)
    for back in range(3):
        _put(client, (today - dt.timedelta(days=back)).isoformat(), {"steps": 100 + back})
    start = (today - dt.timedelta(days=1)).isoformat()
    days = client.get(f"/api/v1/activity?from={start}&to={today.isoformat()}").json()
    assert [d["steps"] for d in days] == [100, 101]
    backwards = client.get(f"/api/v1/activity?from={today.isoformat()}&to={start}")
    assert backwards.status_code == 422


def test_a_missing_day_is_404(client):
    member = MemberFactory()
    client.force_login(member)
    assert client.get(f"/api/v1/activity/{user_today(member)}").status_code == 404


def test_organisers_correct_a_members_day_and_members_cannot(client):
    member = MemberFactory()
    day = (user_today(member) - dt.timedelta(days=20)).isoformat()
    client.force_login(StaffFactory())
    assert _put(client, f"{day}?user_id={member.pk}", {"steps": 700}).status_code == 200
    assert DailyActivity.objects.get(user=member).source == "correction"
    peer = Client()
    peer.force_login(MemberFactory(group=member.group))
    response = _put(peer, f"{user_today(member)}?user_id={member.pk}", {"steps": 1})
    assert response.status_code == 403


def test_a_member_of_another_group_gets_404_for_a_correction(client):
    member = MemberFactory()
    mentor_of_nobody = StaffFactory(role="mentor")
    client.force_login(mentor_of_nobody)
    response = _put(client, f"{user_today(member)}?user_id={member.pk}", {"steps": 1})
    assert response.status_code == 404


def test_a_bearer_token_logs_steps_without_a_session_or_csrf():
    member = MemberFactory()
    _, raw = api_token_create(user=member, name="phone", scope="activity:write")
    client = Client(enforce_csrf_checks=True)
    today = user_today(member).isoformat()
    ok = _put(client, today, {"steps": 4_321}, HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert ok.status_code == 200
    assert DailyActivity.objects.get(user=member).source == "api"
    assert "sessionid" not in ok.cookies


def test_a_revoked_or_wrong_token_is_refused():
    member = MemberFactory()
    token, raw = api_token_create(user=member, name="phone")
    client = Client()
    today = user_today(member).isoformat()
    wrong = _put(client, today, {"steps": 1}, HTTP_AUTHORIZATION="Bearer coh_not-a-real-token")
    assert wrong.status_code == 401
    api_token_revoke(user=member, token_id=token.pk)
    revoked = _put(client, today, {"steps": 1}, HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert revoked.status_code == 401
    assert revoked.json() == {"detail": "Unauthorized"}


def test_session_writes_need_the_csrf_token():
    member = MemberFactory()
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    refused = _put(client, user_today(member).isoformat(), {"steps": 1})
    assert refused.status_code == 403
    client.get("/login/")  # sets the csrftoken cookie
    token = client.cookies["csrftoken"].value
    accepted = _put(client, user_today(member).isoformat(), {"steps": 1}, HTTP_X_CSRFTOKEN=token)
    assert accepted.status_code == 200
