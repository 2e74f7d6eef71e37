"""The season points and lifetime boards: live in Redis, the same answers from the database,
past seasons from the database, lifetime after a season is finalised."""

import datetime as dt

import pytest

from cohort.accounts.tests.factories import MemberFactory
from cohort.competition.leaderboards import store
from cohort.competition.leaderboards.selectors import Scope, board_me, board_page
from cohort.competition.leaderboards.services import leaderboards_rebuild
from cohort.competition.models import Legacy
from cohort.competition.services.finalise import season_finalise
from cohort.competition.services.points import points_award
from cohort.competition.tests.factories import (
    CategoryFactory,
    SeasonFactory,
    answer_without_redis,
    members_scored,
)

pytestmark = pytest.mark.django_db
EVERYONE = Scope()


def _answers(board, viewer, season_id=None):
    page = board_page(board=board, scope=EVERYONE, viewer=viewer, season_id=season_id)
    me = board_me(board=board, scope=EVERYONE, viewer=viewer, season_id=season_id)
    return [(r.rank, r.id, r.score) for r in page.rows], page.size, me["rank"]


def test_the_points_board_agrees_between_redis_and_the_database(redis_leaderboards, settings):
    season = SeasonFactory()
    members = members_scored(season, CategoryFactory(season_cap=1000), [120, 300, 120, 45, 0, 300])
    viewer = members[3]
    expected = answer_without_redis(settings, lambda: _answers("points", viewer))

    leaderboards_rebuild()

    assert board_page(board="points", scope=EVERYONE, viewer=viewer).source == "redis"
    assert _answers("points", viewer) == expected
    rows, size, rank = expected
    assert [(r, s) for r, _, s in rows] == [(1, 300), (1, 300), (3, 120), (3, 120), (5, 45)]
    assert (size, rank) == (5, 5)  # a member without points is not on the board


def test_an_award_shows_on_the_live_board_at_once(
    redis_leaderboards, django_capture_on_commit_callbacks
):
    season = SeasonFactory()
    category = CategoryFactory(season_cap=1000)
    members = members_scored(season, category, [50, 80])
    leaderboards_rebuild()

    with django_capture_on_commit_callbacks(execute=True):
        points_award(
            user_id=members[0].pk,
            season=season,
            category=category,
            source="late-surge",
            points=100,
            reason="t",
        )

    page = board_page(board="points", scope=EVERYONE, viewer=members[0])
    assert page.source == "redis"
    assert [(r.id, r.score) for r in page.rows] == [(members[0].pk, 150), (members[1].pk, 80)]


def test_a_past_season_keeps_its_board(settings):
    settings.REDIS_URL = ""
    store.client.cache_clear()
    october = SeasonFactory(starts_on=dt.date(2026, 10, 1))
    members = members_scored(october, CategoryFactory(season_cap=1000), [10, 20])
    season_finalise(season=october)
    SeasonFactory(starts_on=dt.date(2026, 11, 1))

    rows, size, rank = _answers("points", members[0], season_id=october.pk)

    assert [(r, s) for r, _, s in rows] == [(1, 20), (2, 10)] and rank == 2


def test_the_lifetime_board_ranks_legacy_after_finalising(
    redis_leaderboards, settings, django_capture_on_commit_callbacks
):
    season = SeasonFactory(starts_on=dt.date(2026, 10, 1))
    members = members_scored(season, CategoryFactory(season_cap=1000), [70, 90, 0])
    Legacy.objects.create(user=members[2], score=500, last_season_score=500, seasons=1)

    with django_capture_on_commit_callbacks(execute=True):
        season_finalise(season=season)

    assert board_page(board="lifetime", scope=EVERYONE, viewer=members[0]).source == "redis"
    live = _answers("lifetime", members[0])
    assert live == answer_without_redis(settings, lambda: _answers("lifetime", members[0]))
    assert [
        (r.id, r.score)
        for r in board_page(board="lifetime", scope=EVERYONE, viewer=members[0]).rows
    ] == [
        (members[2].pk, 500),
        (members[1].pk, 90),
        (members[0].pk, 70),
    ]


def test_the_api_reports_points_and_names_every_board(client):
    season = SeasonFactory()
    members = members_scored(season, CategoryFactory(season_cap=1000), [40])
    client.force_login(members[0])

    body = client.get("/api/v1/leaderboards/points").json()
    me = client.get("/api/v1/leaderboards/points/me").json()
    unknown = client.get("/api/v1/leaderboards/speed")

    assert [(r["rank"], r["points"], r["distance"]) for r in body["rows"]] == [(1, 40, None)]
    assert body["unit"] == "points" and (me["rank"], me["points"]) == (1, 40)
    assert unknown.status_code == 404
    assert unknown.json()["detail"] == (
        "No leaderboard called 'speed'; try progress, points, lifetime, groups."
    )


def test_no_season_no_points_board(client):
    client.force_login(MemberFactory())

    response = client.get("/api/v1/leaderboards/points")

    assert response.status_code == 404
    assert response.json() == {"detail": "There is no season running, so no points board yet."}


def test_an_unknown_season_is_named_in_the_answer_while_one_runs(client):
    SeasonFactory()
    client.force_login(MemberFactory())

    response = client.get("/api/v1/leaderboards/points?season=999999")

    assert response.status_code == 404
    assert response.json() == {"detail": "No season with id 999999."}


@pytest.mark.parametrize("url", ["/season/", "/api/v1/seasons/current"])
def test_the_season_page_that_finds_the_points_board_flushed_queues_its_rebuild(
    redis_leaderboards, client, url
):
    season = SeasonFactory()
    members = members_scored(season, CategoryFactory(season_cap=1000), [40, 70])
    leaderboards_rebuild()
    redis_leaderboards.flushdb()
    client.force_login(members[0])
    assert client.get(url).status_code == 200
    # Without a broker Celery ran the queued rebuild in-process: the board is back.
    assert store.page(season.pk, "points", 0, 10) is not None


@pytest.mark.parametrize(
    "url, status",
    [("/season/", 200), ("/api/v1/seasons/current", 200), ("/api/v1/leaderboards/points/me", 404)],
)
def test_a_member_not_yet_on_the_flushed_points_board_still_queues_its_rebuild(
    redis_leaderboards, client, url, status
):
    season = SeasonFactory()
    members_scored(season, CategoryFactory(season_cap=1000), [40, 70])
    leaderboards_rebuild()
    redis_leaderboards.flushdb()
    client.force_login(MemberFactory())  # no points: not on the board
    assert client.get(url).status_code == status
    assert store.page(season.pk, "points", 0, 10) is not None
