"""What closing an account keeps and what it takes away, across the apps: the member's days
stay in their group's figures (analytics) without their name, the leaderboards (Redis and
the database alike) show them no more and rank the others without a gap, and their mentor
threads close."""

import datetime as dt

import pytest

from cohort.accounts.models import User
from cohort.accounts.services.closure import account_close
from cohort.accounts.tests.factories import GroupFactory, MemberFactory, mentor_of
from cohort.activity.models import DailyActivity
from cohort.analytics.summaries import daily_group_figures
from cohort.competition.leaderboards.selectors import Scope, board_me, board_page
from cohort.competition.leaderboards.services import leaderboards_rebuild
from cohort.competition.services.points import points_award
from cohort.competition.tests.factories import (
    CategoryFactory,
    SeasonFactory,
    answer_without_redis,
    walkers_on_path,
)
from cohort.core.exceptions import NotFound
from cohort.messaging.models import Thread
from cohort.messaging.services import message_send

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 11, 2)


def _rows(board, viewer, **kwargs):
    page = board_page(board=board, scope=Scope(), viewer=viewer, **kwargs)
    return [(r.rank, r.id, r.score) for r in page.rows]


def _days(members, steps):
    DailyActivity.objects.bulk_create(
        DailyActivity(user=m, date=DAY, steps=s) for m, s in zip(members, steps, strict=True)
    )


def test_the_group_figures_keep_the_closed_members_days_anonymously():
    group = GroupFactory()
    members = MemberFactory.create_batch(3, group=group)
    _days(members, [4000, 6000, 11000])
    before = daily_group_figures(start=DAY, end=DAY)
    account_close(user=members[2], actor=members[2])
    after = daily_group_figures(start=DAY, end=DAY)
    assert after == before
    assert after[(DAY, group.pk)] == {
        "active_members": 3,
        "total_steps": 21000,
        "average_steps": 7000,
    }
    assert User.objects.get(pk=members[2].pk).display_name == "Closed account"


@pytest.mark.parametrize("with_redis", [False, True])
def test_the_boards_drop_the_closed_member_and_rank_the_rest_without_a_gap(
    with_redis, settings, request, django_capture_on_commit_callbacks
):
    if with_redis:
        request.getfixturevalue("redis_leaderboards")
    else:
        settings.REDIS_URL = ""
    from cohort.competition.leaderboards import store

    store.client.cache_clear()
    groups = GroupFactory.create_batch(2)
    _, members = walkers_on_path([50, 40, 30, 20], groups)
    season, category = SeasonFactory(), CategoryFactory(season_cap=1000)
    for member, points in zip(members, [5, 90, 30, 60], strict=True):
        points_award(
            user_id=member.pk,
            season=season,
            category=category,
            source=f"work:1:{member.pk}",
            points=points,
            reason="test",
        )
    leaderboards_rebuild()
    viewer = members[3]
    assert [r[1] for r in _rows("progress", viewer)] == [m.pk for m in members]
    with django_capture_on_commit_callbacks(execute=True):
        account_close(user=members[1], actor=members[1])
    progress = _rows("progress", viewer)
    assert progress == [
        (1, members[0].pk, progress[0][2]),
        (2, members[2].pk, progress[1][2]),
        (3, members[3].pk, progress[2][2]),
    ]
    points = _rows("points", viewer, season_id=season.pk)
    assert [(rank, pk) for rank, pk, _ in points] == [
        (1, members[3].pk),
        (2, members[2].pk),
        (3, members[0].pk),
    ]
    assert board_me(board="progress", scope=Scope(), viewer=members[3])["rank"] == 3
    # The groups board counts the members it has now: the closed one's group lost their part.
    groups_board = {pk: score for _, pk, score in _rows("groups", viewer)}
    assert len(groups_board) == 2
    if with_redis:  # the database's answers are the same
        for board, rows, kwargs in [
            ("progress", progress, {}),
            ("points", points, {"season_id": season.pk}),
        ]:
            from_database = answer_without_redis(
                settings, lambda b=board, k=kwargs: _rows(b, viewer, **k)
            )
            assert from_database == rows
        assert groups_board == answer_without_redis(
            settings, lambda: {pk: score for _, pk, score in _rows("groups", viewer)}
        )


def test_the_mentor_threads_close():
    group = GroupFactory()
    member = MemberFactory(group=group)
    mentor = mentor_of(group)
    thread = Thread.objects.create(mentor=mentor, student=member)
    message_send(sender=mentor, thread=thread, text="How is it going?")
    account_close(user=member, actor=member)
    with pytest.raises(NotFound):
        message_send(sender=mentor, thread=thread, text="Still there?")
    assert not Thread.objects.for_participant(mentor).filter(pk=thread.pk).exists()
    assert thread.messages.count() == 1  # kept, for the mentor's records
