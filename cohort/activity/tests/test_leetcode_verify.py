"""Item 16: a LeetCode username earns a streak and coding points only once the member has
shown it is theirs, by putting their code in the profile's "About me" (read through the
same public GraphQL endpoint, here the local fake)."""

import datetime as dt

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction

from cohort.accounts.models import User
from cohort.accounts.tests.factories import MemberFactory
from cohort.activity.models import Streak
from cohort.activity.services.leetcode import leetcode_streaks_sync
from cohort.activity.services.leetcode_verify import leetcode_username_verify
from cohort.activity.tests.fake_leetcode import fake_leetcode
from cohort.competition.models import Category, PointsEntry
from cohort.competition.tests.factories import CategoryFactory, SeasonFactory
from cohort.core.exceptions import Conflict, InvalidInput

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 20, 12, tzinfo=dt.UTC)
TODAY = NOW.date()
VERIFY = "/activity/leetcode/verify/"


@pytest.fixture
def leetcode(settings):
    with fake_leetcode(settings) as fake:
        yield fake


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def _days(length: int) -> set[dt.date]:
    return {TODAY - dt.timedelta(days=i) for i in range(length)}


def _sync():
    return leetcode_streaks_sync(backoff=0.01)


def test_each_member_and_username_has_its_own_code():
    ada, bob = MemberFactory(leetcode_username="ada"), MemberFactory(leetcode_username="ada")
    assert ada.leetcode_code.startswith("cohort-") and len(ada.leetcode_code) == 13
    assert ada.leetcode_code != bob.leetcode_code
    before = ada.leetcode_code
    ada.leetcode_username = "ada2"
    assert ada.leetcode_code != before
    assert MemberFactory(leetcode_username="").leetcode_code == ""


def test_an_unverified_username_gets_no_streak_and_no_points(leetcode):
    SeasonFactory(starts_on=dt.date(2026, 3, 1), ends_on=dt.date(2026, 3, 30))
    CategoryFactory(name="Coding", rule=Category.Rule.CODING_STREAK, season_cap=100)
    member = MemberFactory(leetcode_username="ada")
    leetcode.days["ada"] = _days(12)
    assert _sync().as_dict() == {"synced": 0, "unchanged": 0, "unknown_user": 0, "failed": 0}
    assert leetcode.requests_for("ada") == 0
    assert not Streak.objects.filter(user=member, kind=Streak.Kind.LEETCODE).exists()
    assert not PointsEntry.objects.filter(user=member).exists()


def test_the_code_in_about_me_verifies_and_the_sync_follows(leetcode, client):
    member = MemberFactory(leetcode_username="ada")
    leetcode.days["ada"] = _days(3)
    leetcode.about["ada"] = f"Coder. {member.leetcode_code} (for Cohort)"
    client.force_login(member)
    response = client.post(VERIFY, follow=True)
    assert response.redirect_chain == [("/profile/", 302)]
    assert "verified" in response.content.decode()
    member.refresh_from_db()
    assert member.leetcode_verified_at == NOW
    assert _sync().synced == 1
    assert Streak.objects.get(user=member, kind=Streak.Kind.LEETCODE).current == 3


@pytest.mark.parametrize(
    ("about", "script", "message"),
    [
        ("no code here", None, "is not in the About me"),
        (None, None, "LeetCode has no user"),
        ("", ["500"], "could not read"),
        ("", ["not-json"], "could not read"),
    ],
    ids=["no-code", "unknown-user", "leetcode-down", "malformed"],
)
def test_a_failed_check_leaves_the_username_unverified_with_a_visible_reason(
    leetcode, client, about, script, message
):
    member = MemberFactory(leetcode_username="ada")
    if about is not None:
        leetcode.about["ada"] = about
    if script:
        leetcode.script["ada"] = script
    client.force_login(member)
    response = client.post(VERIFY, follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page and member.leetcode_code in page
    member.refresh_from_db()
    assert member.leetcode_verified_at is None


def test_another_members_code_does_not_verify(leetcode):
    owner = MemberFactory(leetcode_username="ada")
    claimant = MemberFactory(leetcode_username="ada")
    leetcode.about["ada"] = owner.leetcode_code
    with pytest.raises(InvalidInput, match="is not in the About me"):
        leetcode_username_verify(user_id=claimant.pk)
    leetcode_username_verify(user_id=owner.pk)
    owner.refresh_from_db()
    assert owner.leetcode_verified_at is not None


def test_two_members_cannot_both_hold_a_verified_username(leetcode):
    owner = MemberFactory(leetcode_username="ada", leetcode_verified_at=NOW)
    claimant = MemberFactory(leetcode_username="ADA")
    leetcode.about["ADA"] = claimant.leetcode_code  # say the owner's profile text changed
    with pytest.raises(Conflict, match="Another member"):
        leetcode_username_verify(user_id=claimant.pk)
    claimant.refresh_from_db()
    assert claimant.leetcode_verified_at is None
    # The database holds the rule too, whatever the path.
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=claimant.pk).update(leetcode_verified_at=NOW)
    assert owner.leetcode_username == "ada"


def test_verifying_without_a_username_is_refused(leetcode):
    member = MemberFactory(leetcode_username="")
    with pytest.raises(InvalidInput, match="Save your LeetCode username"):
        leetcode_username_verify(user_id=member.pk)


def test_the_verify_button_is_post_only_and_needs_a_sign_in(client):
    assert client.post(VERIFY).status_code == 302  # to the sign-in page
    client.force_login(MemberFactory(leetcode_username="ada"))
    assert client.get(VERIFY).status_code == 405


def test_the_command_names_an_unverified_member(leetcode):
    member = MemberFactory(leetcode_username="ada")
    with pytest.raises(CommandError, match="has not verified"):
        call_command("sync_leetcode_streaks", "--user", member.email)
