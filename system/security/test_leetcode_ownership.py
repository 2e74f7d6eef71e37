"""Item 16: a member cannot claim someone else's LeetCode streak and its points by typing
their username. Only a username verified as theirs (their code in the profile's "About me")
is synced, and one verified username belongs to one member."""

import datetime as dt

import pytest
import time_machine
from django.test import Client

from cohort.accounts.tests.factories import MemberFactory
from cohort.activity.models import Streak
from cohort.activity.services.leetcode import leetcode_streaks_sync
from cohort.activity.tests.fake_leetcode import fake_leetcode
from cohort.competition.models import Category, PointsEntry
from cohort.competition.tests.factories import CategoryFactory, SeasonFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 29, 12, tzinfo=dt.UTC)


@pytest.fixture
def leetcode(settings):
    with fake_leetcode(settings) as fake, time_machine.travel(NOW, tick=False):
        # A famous coder with a 28-day run; their About me is whatever they wrote.
        fake.days["tourist"] = {NOW.date() - dt.timedelta(days=i) for i in range(28)}
        fake.about["tourist"] = "Competitive programmer."
        yield fake


@pytest.fixture
def season(db):
    SeasonFactory(starts_on=dt.date(2026, 3, 1), ends_on=dt.date(2026, 3, 30))
    CategoryFactory(name="Coding", rule=Category.Rule.CODING_STREAK, season_cap=100)


def _post_profile(client, username):
    return client.post("/profile/", {"leetcode": "1", "leetcode_username": username})


def test_typing_someone_elses_username_earns_nothing(leetcode, season):
    thief = MemberFactory()
    client = Client()
    client.force_login(thief)
    assert _post_profile(client, "tourist").status_code == 302
    # The thief cannot put their code into tourist's profile, so Verify fails...
    response = client.post("/activity/leetcode/verify/", follow=True)
    assert "is not in the About me" in response.content.decode()
    # ...and the nightly sync gives them neither the streak nor the points.
    leetcode_streaks_sync(backoff=0.01)
    assert not Streak.objects.filter(user=thief, kind=Streak.Kind.LEETCODE).exists()
    assert not PointsEntry.objects.filter(user=thief).exists()
    assert leetcode.requests_for("tourist") == 1  # the verify attempt only


def test_a_verified_username_cannot_be_taken_over(leetcode, season):
    owner, thief = MemberFactory(), MemberFactory()
    owner_client, thief_client = Client(), Client()
    owner_client.force_login(owner)
    thief_client.force_login(thief)
    _post_profile(owner_client, "tourist")
    owner.refresh_from_db()
    leetcode.about["tourist"] = f"Competitive programmer. {owner.leetcode_code}"
    owner_client.post("/activity/leetcode/verify/")
    owner.refresh_from_db()
    assert owner.leetcode_verified_at is not None
    # The thief claims it too, even in another case; their own code is never in the profile,
    # and were it there (the owner tricked into pasting it) the username is already held.
    _post_profile(thief_client, "TOURIST")
    thief.refresh_from_db()
    leetcode.about["TOURIST"] = f"{owner.leetcode_code} {thief.leetcode_code}"
    response = thief_client.post("/activity/leetcode/verify/", follow=True)
    assert "Another member has already verified" in response.content.decode()
    thief.refresh_from_db()
    assert thief.leetcode_verified_at is None
    leetcode_streaks_sync(backoff=0.01)
    assert Streak.objects.get(user=owner, kind=Streak.Kind.LEETCODE).current == 28
    assert not Streak.objects.filter(user=thief).exists()
    assert not PointsEntry.objects.filter(user=thief).exists()


def test_changing_a_verified_username_loses_the_verification(leetcode):
    member = MemberFactory(leetcode_username="tourist", leetcode_verified_at=NOW)
    client = Client()
    client.force_login(member)
    _post_profile(client, "someone_else")
    member.refresh_from_db()
    assert member.leetcode_verified_at is None
    leetcode_streaks_sync(backoff=0.01)
    assert leetcode.requests_for("someone_else") == 0
