import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cohort.accounts.tests.factories import MemberFactory, StaffFactory
from cohort.activity.models import Streak
from cohort.activity.tests.factories import StreakFactory
from cohort.competition.models import Category, Legacy
from cohort.competition.tests.factories import CategoryFactory, SeasonFactory, points_give
from cohort.core.clock import user_today

pytestmark = pytest.mark.django_db


@pytest.fixture
def season():
    return SeasonFactory()


def test_the_api_shows_the_season_episodes_points_and_streaks(client, season):
    member = MemberFactory()
    learning = CategoryFactory(name="Learning", season_cap=100)
    CategoryFactory(name="Outreach", season_cap=200)
    points_give(member, season, learning, 130, "work:1")
    Legacy.objects.create(user=member, score=640, last_season_score=300, seasons=2)
    StreakFactory(
        user=member, kind=Streak.Kind.ACTIVITY, current=4, longest=9, last_day=user_today(member)
    )
    client.force_login(member)

    body = client.get("/api/v1/seasons/current").json()

    assert body["season"]["name"] == season.name
    assert [(e["name"], e["state"]) for e in body["episodes"]] == [
        ("Kickoff", "done"),  # no required work in the factory's episodes
        ("Build", "done"),
        ("Intensity", "done"),
        ("Finale", "done"),
    ]
    assert {c["name"]: (c["points"], c["counted"], c["cap"]) for c in body["categories"]} == {
        "Learning": (130, 100, 100),
        "Outreach": (0, 0, 200),
    }
    assert (body["score"], body["rank"], body["legacy_score"]) == (100, 1, 640)
    streaks = {s["kind"]: (s["current"], s["longest"]) for s in body["streaks"]}
    assert streaks == {"activity": (4, 9), "leetcode": (0, 0)}


def test_a_broken_streak_shows_zero_before_the_nightly_job(client, season):
    member = MemberFactory()
    three_days_ago = user_today(member) - dt.timedelta(days=3)
    StreakFactory(user=member, kind="activity", current=5, longest=5, last_day=three_days_ago)
    client.force_login(member)

    streaks = {
        s["kind"]: s["current"] for s in client.get("/api/v1/seasons/current").json()["streaks"]
    }

    assert streaks["activity"] == 0


def test_between_seasons_the_api_says_so(client):
    client.force_login(MemberFactory())

    response = client.get("/api/v1/seasons/current")

    assert response.status_code == 404
    assert response.json() == {"detail": "No season is running."}


def test_the_page_renders_for_a_member_and_for_staff(client, season):
    member = MemberFactory()
    CategoryFactory(name="Career", season_cap=800)
    client.force_login(member)

    page = client.get("/season/")

    assert page.status_code == 200
    html = page.content.decode()
    assert season.name in html and "Kickoff" in html and "Career" in html and "Titles" in html
    client.force_login(StaffFactory())
    staff_page = client.get("/season/")
    assert staff_page.status_code == 200 and "Finale" in staff_page.content.decode()


def test_the_page_between_seasons(client):
    client.force_login(MemberFactory())

    assert "No season is running." in client.get("/season/").content.decode()


def test_query_count_does_not_grow_with_categories_or_members(client, season):
    member = MemberFactory()
    for n in range(2):
        CategoryFactory(name=f"Small {n}")
    client.force_login(member)
    client.get("/api/v1/seasons/current")  # warm the per-process caches
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/seasons/current")
    for n in range(20):
        CategoryFactory(name=f"More {n}")
    MemberFactory.create_batch(19, group=member.group)
    Category.objects.update(season_cap=50)
    with CaptureQueriesContext(connection) as many:
        client.get("/api/v1/seasons/current")

    assert len(many) == len(few)


def test_between_seasons_the_page_names_the_next_one(client):
    SeasonFactory(
        name="Spring <b>", status="upcoming", starts_on=dt.date(2031, 3, 1),
        ends_on=dt.date(2031, 5, 31),
    )  # fmt: skip
    client.force_login(MemberFactory())

    page = client.get("/season/").content.decode()

    assert "No season is running. Spring &lt;b&gt; starts on 1 March." in page


def test_a_running_season_asks_neither_for_the_next_nor_for_credit_transactions(client, season):
    client.force_login(MemberFactory())
    client.get("/season/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/season/").status_code == 200

    asked = " ".join(q["sql"] for q in queries)
    assert "competition_credittransaction" not in asked and "'upcoming'" not in asked
