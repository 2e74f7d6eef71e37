"""The profile shows per-role sections: staff only their own (no LeetCode, no new API
tokens, no leaderboard choice), members every section."""

import pytest
from django.urls import reverse

from cohort.accounts.tests.factories import MemberFactory, StaffFactory

pytestmark = pytest.mark.django_db


def test_the_profile_shows_staff_only_their_own_sections(client):
    client.force_login(StaffFactory(role="mentor"))
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

    mentor = StaffFactory(role="mentor")
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
