"""Leaderboards: Redis and the database give the same answers, including when Redis is
flushed or down; pages cost the same number of queries whatever the number of members."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cohort.accounts.tests.factories import DivisionFactory, GroupFactory, MemberFactory
from cohort.competition.leaderboards import store
from cohort.competition.leaderboards.selectors import Scope, board_me, board_page
from cohort.competition.leaderboards.services import (
    leaderboards_rebuild,
    leaderboards_rebuild_if_missing,
)
from cohort.competition.tests.factories import answer_without_redis, walkers_on_path
from cohort.journeys.models import Enrollment
from cohort.journeys.tests.factories import path_create

pytestmark = pytest.mark.django_db


EVERYONE = Scope()


def _answers(board, viewer, scope=EVERYONE):
    page = board_page(board=board, scope=scope, viewer=viewer)
    me = board_me(board=board, scope=scope, viewer=viewer)
    rows = [(r.rank, r.id, r.score) for r in page.rows]
    return rows, page.size, me["rank"], [(r.rank, r.id) for r in me["neighbours"]]


def test_ties_share_a_rank_and_the_older_account_comes_first(settings):
    settings.REDIS_URL = ""
    store.client.cache_clear()
    _, members = walkers_on_path([30, 50, 50, 10, 50])
    rows, size, my_rank, _ = _answers("progress", members[3])
    assert [(rank, score) for rank, _, score in rows] == [
        (1, 5000),
        (1, 5000),
        (1, 5000),
        (4, 3000),
        (5, 1000),
    ]
    assert [member_id for _, member_id, _ in rows][:3] == [
        members[1].pk,
        members[2].pk,
        members[4].pk,
    ]
    assert (size, my_rank) == (5, 5)


def test_redis_and_the_database_agree(redis_leaderboards, settings):
    groups = GroupFactory.create_batch(3)
    _, members = walkers_on_path([12, 40, 40, 7, 0, 55, 40, 3, 12, 12], groups)
    viewer = members[8]
    from_database = {
        board: answer_without_redis(settings, lambda b=board: _answers(b, viewer))
        for board in ("progress", "groups")
    }
    leaderboards_rebuild()
    assert board_page(board="progress", scope=EVERYONE, viewer=viewer).source == "redis"
    for board in ("progress", "groups"):
        assert _answers(board, viewer) == from_database[board], board


def test_a_flushed_redis_answers_from_the_database_and_rebuilds_itself(redis_leaderboards):
    _, members = walkers_on_path([5, 9, 1])
    leaderboards_rebuild()
    expected = _answers("progress", members[0])
    redis_leaderboards.flushdb()  # also drops the "rebuild queued" mark kept in the cache
    page = board_page(board="progress", scope=EVERYONE, viewer=members[0])
    assert page.source == "database"
    assert page.is_board_missing
    assert [(r.rank, r.id, r.score) for r in page.rows] == expected[0]
    leaderboards_rebuild_if_missing(is_board_missing=page.is_board_missing)  # as every caller
    # That queued a rebuild; without a broker Celery ran it in-process already.
    assert board_page(board="progress", scope=EVERYONE, viewer=members[0]).source == "redis"
    assert _answers("progress", members[0]) == expected


def test_a_redis_that_is_down_still_gets_a_right_answer(redis_leaderboards, settings):
    _, members = walkers_on_path([5, 9, 1])
    leaderboards_rebuild()
    expected = _answers("progress", members[2])
    dead = "redis://127.0.0.1:1/0"  # nothing listens there: the boards and the cache are down
    settings.REDIS_URL = dead
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": dead,
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    store.client.cache_clear()
    assert board_page(board="progress", scope=EVERYONE, viewer=members[2]).source == "database"
    assert _answers("progress", members[2]) == expected


def test_groups_rank_by_the_average_per_active_member():
    big, small = GroupFactory(name="Big"), GroupFactory(name="Small")
    path = path_create()
    for distance in [10, 10, 10, 10, 0]:  # four active, one who never logged
        member = MemberFactory(group=big)
        Enrollment.objects.update_or_create(  # enrolled at 0 when they joined
            user=member,
            path=path,
            defaults={"steps": distance * 100, "distance": Decimal(distance)},
        )
    member = MemberFactory(group=small)
    Enrollment.objects.update_or_create(
        user=member, path=path, defaults={"steps": 1500, "distance": Decimal(15)}
    )
    page = board_page(board="groups", scope=EVERYONE, viewer=member)
    assert [(r.name, r.score, r.total, r.active) for r in page.rows] == [
        ("Small", 1500, 1500, 1),
        ("Big", 1000, 4000, 4),
    ]


def test_a_hidden_name_shows_as_a_member_of_the_group_outside_it():
    group, other = GroupFactory(name="Owls"), GroupFactory()
    _, (shy,) = walkers_on_path([5], [group])
    shy.hide_name_outside_group = True
    shy.save()
    teammate, outsider = MemberFactory(group=group), MemberFactory(group=other)

    def names(viewer):  # everyone is on the board from joining: read the shy walker's row
        rows = board_page(board="progress", scope=EVERYONE, viewer=viewer).rows
        return [r.name for r in rows if r.id == shy.pk]

    assert names(outsider) == ["a member of Owls"]
    assert names(teammate) == [shy.display_name]


def _page_queries(client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("board", ["progress", "groups"])
def test_a_page_costs_the_same_queries_for_20_and_200_members(client, board, settings):
    settings.REDIS_URL = ""  # the database path: the one whose cost could grow
    store.client.cache_clear()
    division = DivisionFactory()
    groups = [GroupFactory(division=division) for _ in range(10)]
    path, members = walkers_on_path([i % 37 for i in range(20)], groups)
    client.force_login(members[0])
    url = f"/api/v1/leaderboards/{board}"
    few = _page_queries(client, url), _page_queries(client, url + "/me")
    more_groups = [GroupFactory(division=division) for _ in range(9)]
    walkers_on_path([i % 41 for i in range(180)], more_groups, path=path)
    assert (_page_queries(client, url), _page_queries(client, url + "/me")) == few


def test_a_new_name_and_an_equipped_title_show_on_a_cached_board(
    redis_leaderboards, django_capture_on_commit_callbacks
):
    from cohort.competition.models import OwnedTitle, Title
    from cohort.competition.services.rewards import title_equip

    _, (walker, other) = walkers_on_path([9, 5])
    leaderboards_rebuild()
    assert board_page(board="progress", scope=EVERYONE, viewer=other).rows[0].name == (
        walker.display_name
    )
    title = Title.objects.create(name="Night Owl", cost=0)
    OwnedTitle.objects.create(user=walker, title=title)

    with django_capture_on_commit_callbacks(execute=True):
        title_equip(user=walker, title_id=title.pk)
        walker.display_name = "Renamed Walker"
        walker.save()

    first = board_page(board="progress", scope=EVERYONE, viewer=other).rows[0]
    assert (first.name, first.title) == ("Renamed Walker", "Night Owl")


def test_a_sign_in_does_not_drop_the_cached_boards(
    redis_leaderboards, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    _, (walker,) = walkers_on_path([9])
    board_page(board="progress", scope=EVERYONE, viewer=walker)
    with django_capture_on_commit_callbacks(execute=True):
        walker.last_login = timezone.now()
        walker.save(update_fields=["last_login"])

    with CaptureQueriesContext(connection) as queries:
        board_page(board="progress", scope=EVERYONE, viewer=walker)

    assert len(queries) == 0  # the page and the rows' details came from the cache


@pytest.mark.parametrize(
    "url", ["/api/v1/leaderboards/progress", "/api/v1/leaderboards/progress/me", "/leaderboards/"]
)
def test_a_page_that_finds_the_board_flushed_queues_its_rebuild(redis_leaderboards, client, url):
    path, members = walkers_on_path([5, 9, 1])
    leaderboards_rebuild()
    redis_leaderboards.flushdb()
    client.force_login(members[0])
    assert client.get(url).status_code == 200
    # Without a broker Celery ran the queued rebuild in-process: the board is back.
    assert store.page(path.pk, "progress", 0, 10) is not None


def test_the_rebuild_is_queued_by_the_name_of_the_rebuild_task():
    from cohort.competition import tasks
    from cohort.competition.leaderboards import services
    from config.celery import app

    assert app.tasks[services._REBUILD_TASK].run is tasks.rebuild_leaderboards_task.run
