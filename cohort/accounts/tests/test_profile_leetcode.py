import pytest
from django.utils import timezone

from cohort.accounts.models import User
from cohort.accounts.tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def _post(client, **data):
    return client.post("/profile/", {"leetcode": "1", **data})


def test_a_member_sets_and_clears_their_leetcode_username(client):
    member = MemberFactory()
    client.force_login(member)
    response = _post(client, leetcode_username="  ada_lovelace-1.0 ")
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.leetcode_username == "ada_lovelace-1.0"
    page = client.get("/profile/")
    assert 'value="ada_lovelace-1.0"' in page.content.decode()
    _post(client, leetcode_username="")
    member.refresh_from_db()
    assert member.leetcode_username == ""


@pytest.mark.parametrize(
    ("username", "error"),
    [
        ("ada lovelace", "Letters, digits, &#x27;_&#x27;, &#x27;.&#x27; and &#x27;-&#x27; only."),
        ("a" * 41, "Ensure this value has at most 40 characters (it has 41)."),
        ("<script>", "Letters, digits"),
    ],
)
def test_a_bad_username_is_refused_with_the_reason(client, username, error):
    member = MemberFactory(leetcode_username="ada")
    client.force_login(member)
    response = _post(client, leetcode_username=username)
    assert response.status_code == 400
    assert error in response.content.decode()
    member.refresh_from_db()
    assert member.leetcode_username == "ada"


def test_the_profile_form_ignores_a_posted_streak(client):
    member = MemberFactory()
    client.force_login(member)
    _post(client, leetcode_username="ada", current="99", longest="99", last_day="2026-01-01")
    assert not member.streaks.exists()  # streaks are only ever read from activity and LeetCode


def test_changing_the_username_resets_its_verification(client):
    member = MemberFactory(leetcode_username="ada", leetcode_verified_at=timezone.now())
    client.force_login(member)
    _post(client, leetcode_username="ada")  # saved again unchanged: still verified
    member.refresh_from_db()
    assert member.leetcode_verified_at is not None
    _post(client, leetcode_username="someone-else")
    member.refresh_from_db()
    assert (member.leetcode_username, member.leetcode_verified_at) == ("someone-else", None)


def test_the_profile_shows_the_code_and_what_verification_is_for(client):
    member = MemberFactory(leetcode_username="ada")
    client.force_login(member)
    page = client.get("/profile/").content.decode()
    assert member.leetcode_code in page
    assert "Not verified" in page and "no coding streak or points" in page
    assert 'action="/activity/leetcode/verify/"' in page
    User.objects.filter(pk=member.pk).update(leetcode_verified_at=timezone.now())
    page = client.get("/profile/").content.decode()
    assert "Verified" in page and member.leetcode_code not in page
