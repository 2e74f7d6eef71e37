"""Hiding (and showing again) a name on the boards takes effect on the next request, on the
page and the API, with the Redis boards and without them."""

import pytest

from cohort.accounts.tests.factories import GroupFactory, MemberFactory
from cohort.competition.leaderboards import store
from cohort.competition.leaderboards.services import leaderboards_rebuild
from cohort.competition.tests.factories import walkers_on_path

pytestmark = pytest.mark.django_db


def _names_seen(client, viewer, walker) -> tuple[list[str], str]:
    """The walker's name on the API's board (everyone is on it from joining) and the page."""
    client.force_login(viewer)
    api = client.get("/api/v1/leaderboards/progress").json()
    page = client.get("/leaderboards/?board=progress").content.decode()
    return [row["name"] for row in api["rows"] if row["id"] == walker.pk], page


def _privacy_post(client, member, *, hide: bool):
    client.force_login(member)
    data = {"privacy": "1", **({"hide_name": "on"} if hide else {})}
    assert client.post("/profile/", data).status_code == 302


@pytest.fixture(params=["redis", "database"])
def boards(request, settings):
    if request.param == "redis":
        request.getfixturevalue("redis_leaderboards")
    else:
        settings.REDIS_URL = ""
        store.client.cache_clear()
    yield request.param
    store.client.cache_clear()


def test_hiding_and_showing_a_name_shows_on_the_next_request(
    boards, client, django_capture_on_commit_callbacks
):
    owls = GroupFactory(name="Owls")
    _, (shy,) = walkers_on_path([5], [owls])
    shy.display_name = "Shy Walker"
    shy.save()
    outsider = MemberFactory(group=GroupFactory())
    leaderboards_rebuild()
    names, page = _names_seen(client, outsider, shy)  # warms the page and the people cache
    assert names == ["Shy Walker"] and "Shy Walker" in page

    with django_capture_on_commit_callbacks(execute=True):
        _privacy_post(client, shy, hide=True)
    names, page = _names_seen(client, outsider, shy)
    assert names == ["a member of Owls"]
    assert "Shy Walker" not in page and "a member of Owls" in page

    with django_capture_on_commit_callbacks(execute=True):
        _privacy_post(client, shy, hide=False)
    names, page = _names_seen(client, outsider, shy)
    assert names == ["Shy Walker"] and "Shy Walker" in page
