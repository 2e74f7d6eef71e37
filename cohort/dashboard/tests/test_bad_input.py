"""Odd query strings on the dashboard, leaderboards and notifications get a clear 4xx (or
are ignored), never a 500."""

import pytest

from cohort.accounts.tests.factories import StaffFactory
from cohort.competition.tests.factories import walkers_on_path

pytestmark = pytest.mark.django_db

# url -> the status a member gets, and an organiser (who has no group or division).
ODD = {
    "/?cursor=%%%": (422, 422),
    # ["x", "y"]: a well-formed cursor with nonsense inside
    "/?cursor=WyJ4IiwgInkiXQ": (422, 422),
    "/?min=abc&max=-5&group=x&order=nope": (422, 422),
    "/leaderboards/?board=nope": (404, 404),
    "/leaderboards/?cursor=!!!&scope=division": (404, 404),
    "/leaderboards/?board=groups&scope=group": (422, 404),
    "/notifications/?cursor=%%%&unread=2": (400, 400),
    "/api/v1/dashboard?cursor=WyJ4IiwgInkiXQ": (422, 422),
    "/api/v1/dashboard?progress_max=abc": (422, 422),
    "/api/v1/leaderboards/progress?group=99999": (404, 404),
    "/api/v1/leaderboards/progress?group=1&division=1": (422, 422),
    "/api/v1/leaderboards/progress?cursor=c3RhcnQ9LTE": (422, 422),  # start=-1
    "/api/v1/leaderboards/nope/me": (404, 404),
    "/api/v1/notifications?cursor=%%%": (422, 422),
    "/api/v1/notifications?unread=maybe": (422, 422),
}


@pytest.mark.parametrize("url", ODD)
@pytest.mark.parametrize("who", ["member", "organiser"])
def test_odd_input_is_never_a_server_error(client, url, who):
    _, members = walkers_on_path([3, 7])
    client.force_login(members[0] if who == "member" else StaffFactory())
    response = client.get(url)
    assert response.status_code == ODD[url][who == "organiser"], (url, response.status_code)
    if url.startswith("/api/"):
        assert "detail" in response.json()
