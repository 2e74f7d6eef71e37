import csv
import io

import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse

from cohort.accounts.models import User
from cohort.accounts.tests.factories import DivisionFactory, StaffFactory
from cohort.activity.models import DailyActivity
from cohort.analytics import exports
from cohort.analytics.tests.factories import world
from cohort.competition.models import SeasonScore

pytestmark = pytest.mark.django_db


def _rows(response) -> list[list[str]]:
    assert isinstance(response, StreamingHttpResponse)
    assert response.streaming
    body = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(body)))


def _url(kind: str) -> str:
    return reverse("analytics:export", args=[kind])


def test_activity_export_streams_every_day(signed_in, monkeypatch):
    monkeypatch.setattr(exports, "CHUNK_SIZE", 4)  # several chunks even for a few rows
    world(groups=2)
    response = signed_in(StaffFactory()).get(_url("activity"))

    rows = _rows(response)

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    assert rows[0] == ["user_id", "email", "date", "steps", "source", "review"]
    expected = [
        [str(a.user_id), a.user.email, a.date.isoformat(), str(a.steps), a.source, a.review]
        for a in DailyActivity.objects.select_related("user").order_by("user_id", "date")
    ]
    assert rows[1:] == expected
    assert len(expected) == 12


def test_members_export_lists_every_user(signed_in):
    made = world(groups=1)
    organiser = StaffFactory()
    rows = _rows(signed_in(organiser).get(_url("members")))
    ((group, members),) = made["groups"]
    by_email = {row[1]: row for row in rows[1:]}
    assert len(rows) - 1 == User.objects.count()
    assert by_email[members[0].email][4] == group.name
    assert by_email[organiser.email][3] == "organiser"


def test_leaderboard_export_ranks_the_season(signed_in):
    made = world(groups=1)
    rows = _rows(signed_in(StaffFactory()).get(_url("leaderboards")))
    scores = list(
        SeasonScore.objects.filter(season=made["season"])
        .order_by("-score", "user_id")
        .values_list("user_id", "score")
    )
    assert [(int(r[2]), int(r[5])) for r in rows[1:]] == scores
    assert [r[1] for r in rows[1:]] == ["1", "2", "3"]


def test_ties_share_a_rank():
    rows = [(1, "a", "g", 30, 0), (2, "b", "g", 30, 5), (3, "c", None, 10, None)]
    assert [r[1] for r in exports._ranked("S", rows)] == [1, 1, 3]


@pytest.mark.parametrize("role", [User.Role.COORDINATOR, User.Role.MENTOR])
def test_only_organisers_export(signed_in, role):
    viewer = StaffFactory(role=role, division=DivisionFactory())
    assert signed_in(viewer).get(_url("members")).status_code == 403


def test_unknown_export_is_404(signed_in):
    assert signed_in(StaffFactory()).get(_url("secrets")).status_code == 404
