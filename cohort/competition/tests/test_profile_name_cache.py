"""A member's new display name (accounts' profile_update) shows at once on the boards and
the group page: the caches that held the old one are dropped on commit."""

import pytest
from django.urls import reverse

from cohort.accounts.services.profile import profile_update
from cohort.accounts.tests.factories import MemberFactory
from cohort.competition.leaderboards.selectors import board_people_details


@pytest.mark.django_db(transaction=True)
def test_a_new_name_shows_at_once_where_the_old_one_was_cached(client):
    member = MemberFactory(display_name="Old Name")
    client.force_login(member)
    assert "Old Name" in client.get(reverse("accounts:group")).content.decode()  # cached
    assert board_people_details([member.pk])[member.pk][0] == "Old Name"  # cached for the boards
    profile_update(user=member, display_name="New Name")
    assert "New Name" in client.get(reverse("accounts:group")).content.decode()
    assert board_people_details([member.pk])[member.pk][0] == "New Name"
