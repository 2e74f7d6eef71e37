"""Privacy on the boards, as an outsider probing for a member who chose to hide their name:
the name must be gone from every page and API answer from the next request on, with the Redis
boards and without them, even when the outsider had the board (and the member's details)
cached just before the member hid."""

import pytest

from cohort.accounts.tests.factories import GroupFactory, MemberFactory
from cohort.competition.leaderboards import store
from cohort.competition.leaderboards.services import leaderboards_rebuild
from cohort.competition.tests.factories import walkers_on_path

pytestmark = pytest.mark.django_db

PROBES = [
    "/api/v1/leaderboards/progress",
    "/api/v1/leaderboards/progress?scope=all",
    "/leaderboards/?board=progress",
    "/leaderboards/?board=progress&scope=all",
]


@pytest.fixture(params=["redis", "database"])
def boards(request, settings):
    if request.param == "redis":
        request.getfixturevalue("redis_leaderboards")
    else:
        settings.REDIS_URL = ""
        store.client.cache_clear()
    yield request.param
    store.client.cache_clear()


def test_an_outsider_never_sees_a_name_hidden_a_moment_ago(
    boards, client, django_capture_on_commit_callbacks
):
    owls = GroupFactory(name="Owls")
    _, (shy,) = walkers_on_path([12], [owls])
    shy.display_name = "Zelda Quietly"
    shy.save()
    outsider = MemberFactory(group=GroupFactory(name="Larks"))
    leaderboards_rebuild()
    client.force_login(outsider)
    assert all("Zelda Quietly" in client.get(url).content.decode() for url in PROBES)

    client.force_login(shy)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/profile/", {"privacy": "1", "hide_name": "on"}).status_code == 302

    client.force_login(outsider)
    for url in PROBES:
        body = client.get(url).content.decode()
        assert "Zelda Quietly" not in body, url
        assert "a member of Owls" in body, url
