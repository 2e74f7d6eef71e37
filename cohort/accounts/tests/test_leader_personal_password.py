"""A group leader needs a personal password to use the leader tools: with only the shared
one, any member could sign in as the leader and rotate it or remove people."""

import pytest
from django.urls import reverse

from cohort.accounts.selectors import LEADER_NEEDS_OWN_SIGN_IN, group_get_for_manager
from cohort.accounts.tests.factories import GroupFactory, MemberFactory
from cohort.core.exceptions import PermissionDenied

pytestmark = pytest.mark.django_db


def _group_led_by(**leader_traits):
    group = GroupFactory()
    leader = MemberFactory(group=group, **leader_traits)
    member = MemberFactory(group=group)
    group.leader = leader
    group.save()
    return group, leader, member


def test_a_leader_without_one_is_told_to_set_one_instead_of_the_tools(client):
    group, leader, _member = _group_led_by()
    client.force_login(leader)
    page = client.get(reverse("accounts:group"))
    body = page.content.decode()
    assert page.status_code == 200
    assert "Change the group password" not in body and "Invite link" not in body
    assert "personal password" in body and reverse("accounts:personal-password") in body


def test_a_leader_without_one_cannot_post_to_the_leader_tools(client):
    group, leader, member = _group_led_by()
    client.force_login(leader)
    for name, kwargs, data in [
        ("accounts:group-password", {}, {"password": "x" * 20, "confirm": "x" * 20}),
        ("accounts:group-member-add", {}, {"email": "new@example.com"}),
        ("accounts:group-leader", {}, {"leader": member.pk}),
        ("accounts:group-member-remove", {"user_id": member.pk}, {}),
    ]:
        response = client.post(reverse(name, kwargs={"group_id": group.pk, **kwargs}), data)
        assert response.status_code == 403, name
    assert group.members.count() == 2


def test_the_rule_lives_in_the_managers_lookup_with_its_detail():
    group, leader, _member = _group_led_by()
    with pytest.raises(PermissionDenied) as refused:
        group_get_for_manager(viewer=leader, group_id=group.pk)
    assert refused.value.detail == LEADER_NEEDS_OWN_SIGN_IN


def test_a_leader_with_one_gets_the_tools(client):
    group, leader, _member = _group_led_by(has_personal_password=True)
    client.force_login(leader)
    body = client.get(reverse("accounts:group")).content.decode()
    assert "Change the group password" in body
    assert group_get_for_manager(viewer=leader, group_id=group.pk) == group


def test_the_leader_page_warns_that_rotation_revokes_tokens(client):
    group, leader, _member = _group_led_by(has_personal_password=True)
    client.force_login(leader)
    body = client.get(reverse("accounts:group")).content.decode()
    assert "API tokens" in body
    url = reverse("accounts:group-password", kwargs={"group_id": group.pk})
    done = client.post(
        url, {"password": "walk-the-long-road", "confirm": "walk-the-long-road"}, follow=True
    )
    assert "API tokens" in done.content.decode()
