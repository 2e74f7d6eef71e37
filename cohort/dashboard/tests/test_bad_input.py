"""Odd query strings on the dashboard, leaderboards and notifications get a clear 4xx (or
are ignored), never a 500."""

import pytest

from cohort.accounts.tests.factories import StaffFactory
from cohort.competition.tests.factories import walkers_on_path

pytestmark = pytest.mark.django_db

ODD = [
    "/?cursor=%%%",
    "/?cursor=WyJ4IiwgInkiXQ",  # ["x", "y"]: a well-formed cursor with nonsense inside
    "/?min=abc&max=-5&group=x&order=nope",
    "/leaderboards/?board=nope",
    "/leaderboards/?cursor=!!!&scope=division",
    "/leaderboards/?board=groups&scope=group",
    "/notifications/?cursor=%%%&unread=2",
    "/api/v1/dashboard?cursor=WyJ4IiwgInkiXQ",
    "/api/v1/dashboard?progress_max=abc",
    "/api/v1/leaderboards/progress?group=99999",
    "/api/v1/leaderboards/progress?group=1&division=1",
    "/api/v1/leaderboards/progress?cursor=c3RhcnQ9LTE",  # start=-1
    "/api/v1/leaderboards/nope/me",
    "/api/v1/notifications?cursor=%%%",
    "/api/v1/notifications?unread=maybe",
]


@pytest.mark.parametrize("url", ODD)
@pytest.mark.parametrize("who", ["member", "organiser"])
def test_odd_input_is_never_a_server_error(client, url, who):
    _, members = walkers_on_path([3, 7])
    client.force_login(members[0] if who == "member" else StaffFactory())
    response = client.get(url)
    assert response.status_code < 500, (url, response.status_code)
    if url.startswith("/api/") and response.status_code >= 400:
        assert "detail" in response.json()
