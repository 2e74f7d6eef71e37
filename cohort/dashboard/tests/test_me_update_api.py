"""PATCH /api/v1/me: the viewer's own display name, time zone and marker colour."""

import json

import pytest

from cohort.accounts.models import ApiToken, User
from cohort.accounts.tests.factories import MemberFactory
from cohort.accounts.tokens import api_token_create

pytestmark = pytest.mark.django_db


def _patch(client, body, **headers):
    return client.patch("/api/v1/me", json.dumps(body), "application/json", **headers)


def test_patch_changes_only_what_is_sent(client):
    member = MemberFactory(time_zone="America/Chicago", display_name="Ana")
    client.force_login(member)
    response = _patch(client, {"time_zone": "Europe/Madrid"})
    assert response.status_code == 200
    assert response.json()["time_zone"] == "Europe/Madrid"
    assert response.json()["display_name"] == "Ana"
    response = _patch(client, {"display_name": "Ana B", "marker_colour": "#00aa55"})
    assert (response.json()["display_name"], response.json()["marker_colour"]) == (
        "Ana B",
        "#00aa55",
    )
    member.refresh_from_db()
    assert (member.time_zone, member.display_name) == ("Europe/Madrid", "Ana B")


@pytest.mark.parametrize(
    "body",
    [
        {"time_zone": "Europe/Atlantis"},
        {"time_zone": ""},
        {"display_name": ""},
        {"marker_colour": "blue"},
        {"marker_colour": "#12345678"},
    ],
)
def test_bad_values_are_422_with_a_detail(client, body):
    member = MemberFactory(time_zone="America/Chicago")
    client.force_login(member)
    response = _patch(client, body)
    assert response.status_code == 422 and "detail" in response.json()
    assert User.objects.get(pk=member.pk).time_zone == "America/Chicago"


def test_an_unknown_zone_says_so(client):
    client.force_login(MemberFactory())
    response = _patch(client, {"time_zone": "Mars/Olympus"})
    assert "is not a known time zone" in response.json()["detail"]


def test_a_token_cannot_change_the_profile(client):
    member = MemberFactory(time_zone="America/Chicago")
    _token, raw = api_token_create(user=member, name="s", scope=ApiToken.Scope.ACTIVITY_WRITE)
    response = _patch(client, {"time_zone": "Europe/Madrid"}, HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 403
    assert User.objects.get(pk=member.pk).time_zone == "America/Chicago"


def test_anonymous_is_401(client):
    assert _patch(client, {"time_zone": "Europe/Madrid"}).status_code == 401
