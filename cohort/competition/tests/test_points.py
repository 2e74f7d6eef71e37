import datetime as dt
import threading

import pytest
from django.db import connection

from cohort.accounts.tests.factories import MemberFactory
from cohort.competition.models import CategoryTotal, PointsEntry, SeasonScore
from cohort.competition.selectors.seasons import member_points
from cohort.competition.services.points import points_award
from cohort.competition.tests.factories import CategoryFactory, SeasonFactory


def _award(member, season, category, source, points):
    return points_award(
        user_id=member.pk,
        season=season,
        category=category,
        source=source,
        points=points,
        reason="test",
    )


@pytest.mark.django_db
def test_each_category_is_capped_then_the_season():
    member = MemberFactory()
    season = SeasonFactory(point_cap=250)
    learning = CategoryFactory(name="Learning", season_cap=100)
    career = CategoryFactory(name="Career", season_cap=800)

    _award(member, season, learning, "a", 70)
    _award(member, season, learning, "b", 70)  # 140 raw, 100 counted
    assert member_points(user_id=member.pk, season=season)[0] == 100
    _award(member, season, career, "c", 200)  # 100 + 200 = 300, over the season's 250

    score, rows = member_points(user_id=member.pk, season=season)
    assert score == 250
    assert {(r.category.name, r.points, r.counted) for r in rows} == {
        ("Learning", 140, 100),
        ("Career", 200, 200),
    }


@pytest.mark.django_db
def test_a_source_awards_once_and_a_change_appends_the_difference():
    member = MemberFactory()
    season, category = SeasonFactory(), CategoryFactory(season_cap=100)

    first = _award(member, season, category, "activity:1", 30)
    again = _award(member, season, category, "activity:1", 30)
    lower = _award(member, season, category, "activity:1", 20)

    assert first.points == 30 and again is None and lower.points == -10
    assert list(PointsEntry.objects.order_by("id").values_list("source_key", "points")) == [
        ("activity:1#0", 30),
        ("activity:1#1", -10),
    ]
    assert CategoryTotal.objects.get(user=member).points == 20
    assert SeasonScore.objects.get(user=member).score == 20


@pytest.mark.django_db
def test_scores_belong_to_their_season():
    member = MemberFactory()
    category = CategoryFactory(season_cap=500)

    october = SeasonFactory(starts_on=dt.date(2026, 10, 1), status="upcoming")
    november = SeasonFactory(starts_on=dt.date(2026, 11, 1))
    _award(member, october, category, "oct", 40)
    _award(member, november, category, "nov", 25)

    assert member_points(user_id=member.pk, season=october)[0] == 40
    assert member_points(user_id=member.pk, season=november)[0] == 25


@pytest.mark.django_db(transaction=True)
def test_racing_awards_of_one_source_write_one_entry(postgres_only):
    member = MemberFactory()
    season, category = SeasonFactory(), CategoryFactory(season_cap=100)
    barrier = threading.Barrier(8)
    written, errors = [], []

    def approve():
        try:
            barrier.wait()
            written.append(_award(member, season, category, "work:1", 50))
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=approve) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len([w for w in written if w is not None]) == 1
    assert PointsEntry.objects.filter(source="work:1").count() == 1
    assert SeasonScore.objects.get(user=member).score == 50


@pytest.mark.django_db(transaction=True)
def test_racing_awards_of_different_sources_all_count(postgres_only):
    member = MemberFactory()
    season, category = SeasonFactory(), CategoryFactory(season_cap=1000)
    barrier = threading.Barrier(6)

    def award(n):
        try:
            barrier.wait()
            _award(member, season, category, f"work:{n}", 10)
        finally:
            connection.close()

    threads = [threading.Thread(target=award, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert SeasonScore.objects.get(user=member).score == 60
    assert CategoryTotal.objects.get(user=member).points == 60
