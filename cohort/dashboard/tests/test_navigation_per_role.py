"""Staff are not offered member-only things: the navigation fits the role (one place,
cohort.core.navigation), /activity/ tells staff where their work is and logs nothing, the
map gives staff a picker of the groups they may see, and the profile shows per-role sections."""

import re

import pytest
from django.urls import reverse

from cohort.accounts.tests.factories import GroupFactory, MemberFactory
from cohort.activity.models import DailyActivity
from cohort.core.exceptions import PermissionDenied
from cohort.journeys.tests.factories import path_create
from cohort.mentoring.tests.factories import mentor_of, staff

pytestmark = pytest.mark.django_db


def _nav(client) -> list[str]:
    html = client.get(reverse("dashboard:home")).content.decode()
    nav = re.search(r'<nav aria-label="Main">(.*?)</nav>', html, re.S).group(1)
    return re.findall(r"<a [^>]*>([^<]+)</a>", nav)


def test_a_member_is_offered_the_member_pages(client):
    client.force_login(MemberFactory())
    nav = _nav(client)
    for label in ("Activity", "Season", "Submissions", "Report", "My group", "Profile"):
        assert label in nav
    assert "Mentor" not in nav and "Analytics" not in nav


@pytest.mark.parametrize("role", ["mentor", "coordinator", "organiser"])
def test_staff_are_not_offered_member_only_pages(client, role):
    client.force_login(staff(role))
    nav = _nav(client)
    for label in ("Activity", "Season", "Submissions", "Report", "My group"):
        assert label not in nav, label
    assert "Mentor" in nav and "Groups" in nav and "Profile" in nav
    assert ("Analytics" in nav) == (role != "mentor")


def test_staff_on_activity_get_a_clear_page_and_cannot_log(client):
    mentor = staff("mentor")
    client.force_login(mentor)
    page = client.get(reverse("activity:log"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Logging steps is for members" in html and 'name="steps"' not in html
    refused = client.post(reverse("activity:log"), {"day": "", "steps": "5000"})
    assert refused.status_code == 403
    assert not DailyActivity.objects.filter(user=mentor).exists()


def test_the_service_refuses_steps_for_staff():
    from cohort.activity.services.daily import activity_log, member_today

    mentor = staff("mentor")
    with pytest.raises(PermissionDenied):
        activity_log(user=mentor, day=member_today(mentor), steps=5000)
    assert not DailyActivity.objects.exists()


def test_the_api_refuses_steps_for_staff(client):
    mentor = staff("mentor")
    client.force_login(mentor)
    response = client.put(
        "/api/v1/activity/2020-01-01", '{"steps": 5000}', content_type="application/json"
    )
    assert response.status_code == 403 and "Only members log steps" in response.json()["detail"]


def test_a_mentor_picks_one_of_their_groups_on_the_map(client):
    path_create()
    mine, theirs = GroupFactory(name="Herons"), GroupFactory(name="Kites")
    MemberFactory(group=mine)
    mentor = mentor_of(mine)
    client.force_login(mentor)
    html = client.get(reverse("dashboard:map")).content.decode()
    assert '<select id="map-group" name="group">' in html
    assert f'<option value="{mine.pk}"' in html and "Kites" not in html
    shown = client.get(reverse("dashboard:map"), {"group": mine.pk}).content.decode()
    assert "Where everyone is" in shown and f'<option value="{mine.pk}" selected' in shown
    assert client.get(reverse("dashboard:map"), {"group": theirs.pk}).status_code == 404


def test_a_member_gets_no_picker_on_the_map(client):
    path_create()
    client.force_login(MemberFactory())
    assert 'id="map-group"' not in client.get(reverse("dashboard:map")).content.decode()


def test_the_profile_shows_staff_only_their_own_sections(client):
    client.force_login(staff("mentor"))
    html = client.get(reverse("accounts:profile")).content.decode()
    assert "About you" in html and "Your password" in html
    assert "LeetCode" not in html and "API tokens" not in html
    assert "On leaderboards" not in html
    refused = client.post(reverse("accounts:profile"), {"name": "script"})
    assert refused.status_code == 403


def test_the_profile_shows_members_every_section(client):
    client.force_login(MemberFactory())
    html = client.get(reverse("accounts:profile")).content.decode()
    for heading in ("About you", "Your password", "On leaderboards", "LeetCode", "API tokens"):
        assert heading in html


def test_staff_revoke_the_tokens_they_made_before_but_make_no_new_ones(client):
    from cohort.accounts.models import ApiToken
    from cohort.accounts.tokens import api_token_create

    mentor = staff("mentor")
    token, _raw = api_token_create(user=mentor, name="old script")
    client.force_login(mentor)

    html = client.get(reverse("accounts:profile")).content.decode()
    assert "old script" in html and "Revoke" in html
    assert "Create a token" not in html
    revoked = client.post(reverse("accounts:profile"), {"revoke": token.pk})
    assert revoked.status_code == 302
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    assert "API tokens" not in client.get(reverse("accounts:profile")).content.decode()
    assert client.post(reverse("accounts:profile"), {"name": "new"}).status_code == 403
