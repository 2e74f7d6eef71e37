"""A leader cannot remove themselves (the group would be left without a leader and they could
no longer sign in), and removing a member or handing on leadership asks first."""

import pytest
from django.urls import reverse

from cohort.accounts.models import Group, User
from cohort.accounts.services.members import SelfRemoval, member_remove
from cohort.accounts.tests.factories import GroupFactory, MemberFactory, StaffFactory

pytestmark = pytest.mark.django_db


def _group_with_leader(size: int = 3) -> tuple[Group, User]:
    group = GroupFactory()
    leader = MemberFactory(group=group, has_personal_password=True, display_name="Lea Leader")
    MemberFactory.create_batch(size - 1, group=group)
    group.leader = leader
    group.save()
    return group, leader


def _remove_url(group, user) -> str:
    return reverse(
        "accounts:group-member-remove", kwargs={"group_id": group.pk, "user_id": user.pk}
    )


def test_the_service_refuses_a_leader_removing_themselves():
    group, leader = _group_with_leader()
    with pytest.raises(SelfRemoval):
        member_remove(user=leader, actor=leader)
    group.refresh_from_db()
    leader.refresh_from_db()
    assert (group.leader_id, group.member_count) == (leader.pk, 3)
    assert (leader.group_id, leader.is_active) == (group.pk, True)


def test_the_page_refuses_a_leader_removing_themselves_even_confirmed(client):
    group, leader = _group_with_leader()
    client.force_login(leader)
    response = client.post(_remove_url(group, leader), {"confirmed": "yes"})
    assert response.status_code == 409
    assert "You cannot remove yourself" in response.content.decode()
    group.refresh_from_db()
    assert group.leader_id == leader.pk and group.member_count == 3
    # Still signed in, still the leader.
    assert client.get(reverse("accounts:group")).status_code == 200


def test_the_leader_has_no_remove_button_on_their_own_row(client):
    group, leader = _group_with_leader()
    client.force_login(leader)
    page = client.get(reverse("accounts:group")).content.decode()
    assert f'aria-label="Remove {leader.display_name}"' not in page
    assert _remove_url(group, leader) not in page
    assert page.count('aria-label="Remove ') == 2


def test_removing_a_member_asks_first_and_writes_nothing_until_confirmed(client):
    group, leader = _group_with_leader()
    member = group.members.exclude(pk=leader.pk).first()
    client.force_login(leader)
    ask = client.post(_remove_url(group, member))
    assert ask.status_code == 200
    body = ask.content.decode()
    assert f"Remove {member.display_name} from {group.name}?" in body
    assert 'name="confirmed" value="yes"' in body and "Cancel" in body
    member.refresh_from_db()
    assert member.group_id == group.pk
    done = client.post(_remove_url(group, member), {"confirmed": "yes"})
    assert done.status_code == 302
    member.refresh_from_db()
    assert member.group_id is None


def test_handing_on_leadership_asks_first(client):
    group, leader = _group_with_leader()
    member = group.members.exclude(pk=leader.pk).first()
    client.force_login(leader)
    url = reverse("accounts:group-leader", kwargs={"group_id": group.pk})
    ask = client.post(url, {"leader": member.pk})
    assert ask.status_code == 200
    body = ask.content.decode()
    assert f"Make {member.display_name} the leader of {group.name}?" in body
    assert "You will no longer manage the group" in body
    assert f'name="leader" value="{member.pk}"' in body
    group.refresh_from_db()
    assert group.leader_id == leader.pk
    assert client.post(url, {"leader": member.pk, "confirmed": "yes"}).status_code == 302
    group.refresh_from_db()
    assert group.leader_id == member.pk


def test_an_invalid_choice_of_leader_is_a_form_error_not_a_confirmation(client):
    group, leader = _group_with_leader()
    client.force_login(leader)
    url = reverse("accounts:group-leader", kwargs={"group_id": group.pk})
    response = client.post(url, {"leader": 987654})
    assert response.status_code == 400
    assert 'name="confirmed"' not in response.content.decode()


def test_an_organiser_removes_the_leader_after_confirming(client):
    group, leader = _group_with_leader()
    client.force_login(StaffFactory())
    assert client.post(_remove_url(group, leader)).status_code == 200
    assert client.post(_remove_url(group, leader), {"confirmed": "yes"}).status_code == 302
    group.refresh_from_db()
    assert group.leader_id is None and group.member_count == 2
