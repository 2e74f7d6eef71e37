import datetime as dt

import pytest

from cohort.competition.models import (
    Legacy,
    OwnedTitle,
    PointsEntry,
    Season,
    SeasonStanding,
    Title,
    Wallet,
)
from cohort.competition.services.finalise import season_finalise
from cohort.competition.services.points import points_award
from cohort.competition.tests.factories import CategoryFactory, SeasonFactory, members_scored
from cohort.core.exceptions import Conflict
from cohort.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def season():
    return SeasonFactory(starts_on=dt.date(2026, 10, 1), point_cap=1500)


@pytest.fixture
def category():
    return CategoryFactory(name="Career", season_cap=800)


def test_ranks_titles_and_brackets(season, category):
    members = members_scored(season, category, [500, 400, 400, 300, 200, 100, 100, 50, 0, 0])

    assert season_finalise(season=season) == 10

    by_user = {s.user_id: s for s in SeasonStanding.objects.filter(season=season)}
    ranks = [by_user[m.pk].rank for m in members]
    awards = [by_user[m.pk].award for m in members]
    assert ranks == [1, 2, 2, 4, 5, 6, 6, 8, 9, 9]  # ties share a rank everywhere
    assert awards[:3] == ["champion", "runner_up", "runner_up"]
    # rank 4 of 10 is within the top 50%, rank 5 too; ranks 6 and later are not.
    assert awards[3:] == ["top_50", "top_50", "", "", "", "", ""]


def test_brackets_over_a_larger_season(season, category):
    members = members_scored(season, category, list(range(400, 0, -10)))  # 40 members, no ties

    season_finalise(season=season)

    awards = dict(SeasonStanding.objects.filter(season=season).values_list("user_id", "award"))
    counts = {}
    for member in members:
        counts[awards[member.pk]] = counts.get(awards[member.pk], 0) + 1
    # top 10% = ranks 1-4 (three titled), 25% = 5-10, 50% = 11-20, the rest none
    assert counts == {"champion": 1, "runner_up": 2, "top_10": 1, "top_25": 6, "top_50": 10, "": 20}


def test_legacy_credits_and_the_ascension_bonus(season, category):
    climber, slider = members_scored(season, category, [300, 100])
    Legacy.objects.create(user=climber, score=1000, last_season_score=250, seasons=3)
    Legacy.objects.create(user=slider, score=900, last_season_score=500, seasons=2)

    season_finalise(season=season)

    climber_legacy, slider_legacy = (Legacy.objects.get(user=m) for m in (climber, slider))
    assert (climber_legacy.score, climber_legacy.last_season_score) == (1000 + 300 + 5, 300)
    assert (slider_legacy.score, slider_legacy.seasons) == (900 + 100, 3)
    assert Wallet.objects.get(user=climber).balance == 30  # a tenth of the season score
    assert Wallet.objects.get(user=slider).balance == 10


def test_a_first_season_banks_the_score_without_a_bonus(season, category):
    (newcomer,) = members_scored(season, category, [420])

    season_finalise(season=season)

    legacy = Legacy.objects.get(user=newcomer)
    assert (legacy.score, legacy.last_season_score, legacy.seasons) == (420, 420, 1)


def test_award_titles_go_to_the_podium(season, category):
    crown = Title.objects.create(name="Season Champion", award="champion", is_for_sale=False)
    silver = Title.objects.create(name="Runner-up", award="runner_up", is_for_sale=False)
    first, second, third, fourth = members_scored(season, category, [90, 80, 70, 60])

    season_finalise(season=season)

    owners = set(OwnedTitle.objects.values_list("user_id", "title_id"))
    assert owners == {(first.pk, crown.pk), (second.pk, silver.pk), (third.pk, silver.pk)}


def test_each_member_hears_their_final_rank(season, category):
    first, second = members_scored(season, category, [90, 80])

    season_finalise(season=season)

    text = Notification.objects.get(recipient=second, dedupe_key=f"season-final:{season.pk}").text
    assert text == f"{season.name} is over: you finished #2 of 2 with 80 points."


def test_finalising_twice_changes_nothing(season, category):
    members = members_scored(season, category, [90, 80])
    season_finalise(season=season)
    snapshot = (
        list(Legacy.objects.order_by("user_id").values_list("score", "seasons")),
        list(Wallet.objects.order_by("user_id").values_list("balance", flat=True)),
        Notification.objects.count(),
        SeasonStanding.objects.count(),
    )

    assert season_finalise(season=season) is None

    assert snapshot == (
        list(Legacy.objects.order_by("user_id").values_list("score", "seasons")),
        list(Wallet.objects.order_by("user_id").values_list("balance", flat=True)),
        Notification.objects.count(),
        SeasonStanding.objects.count(),
    )
    assert len(members) == 2


def test_a_finalised_season_takes_no_more_points(season, category):
    (member,) = members_scored(season, category, [90])
    season_finalise(season=season)

    with pytest.raises(Conflict, match="finalised"):
        points_award(
            user_id=member.pk, season=season, category=category, source="late", points=5, reason=""
        )
    assert PointsEntry.objects.filter(source="late").count() == 0
    assert Season.objects.get(pk=season.pk).status == Season.Status.FINALISED


def test_the_final_rank_is_told_in_each_members_language(season, category):
    first, second = members_scored(season, category, [90, 80])
    type(first).objects.filter(pk=first.pk).update(language="es")
    type(first).objects.filter(pk=second.pk).update(language="hi")

    season_finalise(season=season)

    def said(member):
        return Notification.objects.get(
            recipient=member, dedupe_key=f"season-final:{season.pk}"
        ).text

    assert said(first) == f"{season.name} ha terminado: acabaste en el puesto 1 de 2 con 90 puntos."
    assert said(second) == f"{season.name} समाप्त हुआ: आप 2 में से #2 स्थान पर 80 अंकों के साथ रहे।"
