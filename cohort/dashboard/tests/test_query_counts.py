"""Every page and endpoint of the dashboard, leaderboards and notifications costs the
viewer the same number of queries with 20 members in all as with 2,000 (database answers:
no Redis boards, the path whose cost could grow), with a season under way."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cohort.accounts.tests.factories import GroupFactory, MemberFactory
from cohort.competition.leaderboards import store
from cohort.competition.leaderboards.cache import board_pages_forget
from cohort.competition.models import Legacy, SeasonScore
from cohort.competition.tests.factories import SeasonFactory
from cohort.dashboard.tests.test_dashboard import _bulk_members, _enroll
from cohort.journeys.tests.factories import path_create
from cohort.notifications.services import NotificationDraft, notifications_create

pytestmark = pytest.mark.django_db

URLS = [
    "/",
    "/leaderboards/",
    "/leaderboards/?board=groups",
    "/notifications/",
    "/notifications/badge/",
    "/api/v1/dashboard",
    "/api/v1/leaderboards/progress",
    "/api/v1/leaderboards/groups",
    "/api/v1/leaderboards/progress/me",
    "/api/v1/leaderboards/groups/me",
    "/api/v1/notifications",
    "/api/v1/notifications/unread-count",
    "/api/v1/me",
    "/season/",
    "/api/v1/seasons/current",
    "/leaderboards/?board=points",
    "/leaderboards/?board=lifetime",
    "/api/v1/leaderboards/points",
    "/api/v1/leaderboards/points/me",
    "/api/v1/leaderboards/lifetime",
    "/api/v1/leaderboards/lifetime/me",
    "/api/v1/credits",
    "/api/v1/titles",
]


def _drop_caches(viewer, path) -> None:
    """So each measured ask computes its answer instead of reading the last one."""
    board_pages_forget()
    cache.delete_many(
        [
            f"notifications:unread:v:{viewer.pk}",
            f"accounts:group:{viewer.group_id}:members:v1",
            f"standings:group:{viewer.group_id}:version",
        ]
    )


def _costs(client, viewer, path) -> dict[str, int]:
    costs = {}
    for url in URLS:
        client.get(url)  # the session's first ask writes it; not measured
        _drop_caches(viewer, path)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200, url
        costs[url] = len(queries)
    return costs


def test_the_same_queries_for_20_and_2000_members(client, settings):
    settings.REDIS_URL = ""
    store.client.cache_clear()
    path = path_create()
    viewer_group = GroupFactory()
    viewer = MemberFactory(group=viewer_group)
    mates = [MemberFactory(group=viewer_group) for _ in range(19)]
    _enroll(path, [viewer, *mates], list(range(20)))
    notifications_create(
        drafts=[NotificationDraft(viewer.pk, f"n{i}", "/", f"k{i}") for i in range(3)]
    )
    season = SeasonFactory()
    _scores(season, [viewer, *mates])
    client.force_login(viewer)
    few = _costs(client, viewer, path)
    others = _bulk_members(99)  # 1,980 more in 99 groups
    _enroll(path, others, [i % 90 for i in range(len(others))])
    _scores(season, others)
    assert _costs(client, viewer, path) == few


def _scores(season, members) -> None:
    """Season scores and legacy scores as the ledger and a finished season leave them."""
    SeasonScore.objects.bulk_create(
        SeasonScore(user=m, season=season, score=(i * 37) % 900) for i, m in enumerate(members)
    )
    Legacy.objects.bulk_create(
        Legacy(user=m, score=(i * 53) % 2000, last_season_score=100, seasons=1)
        for i, m in enumerate(members)
    )
