import datetime as dt

import pytest

from cohort.accounts.tests.factories import MemberFactory
from cohort.competition.models import CategoryTotal, PointsEntry, SeasonScore
from cohort.competition.selectors.seasons import member_points
from cohort.competition.tests.factories import CategoryFactory, SeasonFactory, points_give
from cohort.core.exceptions import Conflict
from cohort.core.testing import race


@pytest.mark.django_db
def test_each_category_is_capped_then_the_season():
    member = MemberFactory()
    season = SeasonFactory(point_cap=250)
    learning = CategoryFactory(name="Learning", season_cap=100)
    career = CategoryFactory(name="Career", season_cap=800)

    points_give(member, season, learning, 70, "a")
    points_give(member, season, learning, 70, "b")  # 140 raw, 100 counted
    assert member_points(user_id=member.pk, season=season)[0] == 100
    points_give(member, season, career, 200, "c")  # 100 + 200 = 300, over the season's 250

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

    first = points_give(member, season, category, 30, "activity:1")
    again = points_give(member, season, category, 30, "activity:1")
    lower = points_give(member, season, category, 20, "activity:1")

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
    points_give(member, october, category, 40, "oct")
    points_give(member, november, category, 25, "nov")

    assert member_points(user_id=member.pk, season=october)[0] == 40
    assert member_points(user_id=member.pk, season=november)[0] == 25


@pytest.mark.django_db(transaction=True)
def test_racing_awards_of_one_source_write_one_entry(postgres_only):
    member = MemberFactory()
    season, category = SeasonFactory(), CategoryFactory(season_cap=100)
    written, errors = race(lambda n: points_give(member, season, category, 50, "work:1"), 8)

    assert errors == []
    assert len([w for w in written if w is not None]) == 1
    assert PointsEntry.objects.filter(source="work:1").count() == 1
    assert SeasonScore.objects.get(user=member).score == 50


@pytest.mark.django_db(transaction=True)
def test_racing_awards_of_different_sources_all_count(postgres_only):
    member = MemberFactory()
    season, category = SeasonFactory(), CategoryFactory(season_cap=1000)
    _, errors = race(lambda n: points_give(member, season, category, 10, f"work:{n}"), 6)

    assert errors == []
    assert SeasonScore.objects.get(user=member).score == 60
    assert CategoryTotal.objects.get(user=member).points == 60


@pytest.mark.django_db
def test_a_source_another_member_holds_is_refused_and_leaves_the_totals_alone():
    first, second = MemberFactory(), MemberFactory()
    season, category = SeasonFactory(), CategoryFactory(season_cap=100)
    points_give(first, season, category, 30, "work:8")
    # The source then holds no entry, but the key of its first one ("work:8#0") is taken.
    PointsEntry.objects.filter(user=first).update(source="work:7")

    with pytest.raises(Conflict, match="already awarded elsewhere"):
        points_give(second, season, category, 10, "work:8")

    assert PointsEntry.objects.filter(user=second).count() == 0
    assert not CategoryTotal.objects.filter(user=second, points__gt=0).exists()
    assert SeasonScore.objects.get(user=first, season=season).score == 30
    # The caller's transaction is still usable: a later award goes through.
    points_give(second, season, category, 10, "work:9")
    assert SeasonScore.objects.get(user=second, season=season).score == 10
