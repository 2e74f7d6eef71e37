import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cohort.accounts.models import Group, User
from cohort.accounts.tests.factories import (
    GROUP_PASSWORD,
    GroupFactory,
    MemberFactory,
    StaffFactory,
)
from cohort.ops.models import AuditEvent

pytestmark = pytest.mark.django_db


def _group_with_leader(size: int = 2) -> tuple[Group, User]:
    """A group whose leader has a personal password (leaders need one for the tools)."""
    group = GroupFactory()
    leader = MemberFactory(group=group, has_personal_password=True)
    MemberFactory.create_batch(size - 1, group=group)
    group.leader = leader
    group.save()
    return group, leader


def test_a_member_sees_their_group_but_another_groups_page_is_404(client):
    group, leader = _group_with_leader()
    other, _ = _group_with_leader()
    member = group.members.exclude(pk=leader.pk).get()
    client.force_login(member)
    page = client.get(reverse("accounts:group"))
    assert page.status_code == 200 and group.name in page.content.decode()
    assert "Change the group password" not in page.content.decode()
    assert client.get(reverse("accounts:group-detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("accounts:group-detail", args=[987654])).status_code == 404


def test_a_member_who_is_not_leader_cannot_manage(client):
    group, leader = _group_with_leader()
    member = group.members.exclude(pk=leader.pk).get()
    client.force_login(member)
    for name, kwargs, data in [
        ("accounts:group-password", {}, {"password": "x" * 20, "confirm": "x" * 20}),
        ("accounts:group-member-add", {}, {"email": "new@example.com"}),
        ("accounts:group-leader", {}, {"leader": member.pk}),
        ("accounts:group-member-remove", {"user_id": leader.pk}, {}),
    ]:
        response = client.post(reverse(name, kwargs={"group_id": group.pk, **kwargs}), data)
        assert response.status_code == 403, name
    assert User.objects.get(pk=leader.pk).group_id == group.pk


def test_a_leader_cannot_manage_another_group(client):
    group, leader = _group_with_leader()
    other, _ = _group_with_leader()
    client.force_login(leader)
    url = reverse("accounts:group-member-add", kwargs={"group_id": other.pk})
    assert client.post(url, {"email": "sneaky@example.com"}).status_code == 404


def test_the_leader_adds_members_until_the_group_is_full(client):
    group, leader = _group_with_leader(size=19)
    client.force_login(leader)
    url = reverse("accounts:group-member-add", kwargs={"group_id": group.pk})
    assert (
        client.post(url, {"email": "Twenty@Example.com", "display_name": "Twenty"}).status_code
        == 302
    )
    full = client.post(url, {"email": "21@example.com", "display_name": "One too many"})
    assert full.status_code == 409
    assert "is full: a group has at most 20 members." in full.content.decode()
    group.refresh_from_db()
    assert group.member_count == 20
    assert User.objects.filter(email="twenty@example.com", group=group).exists()


def test_the_leader_removes_a_member_and_hands_on_leadership(client):
    group, leader = _group_with_leader(size=3)
    others = list(group.members.exclude(pk=leader.pk))
    client.force_login(leader)
    remove = reverse(
        "accounts:group-member-remove", kwargs={"group_id": group.pk, "user_id": others[0].pk}
    )
    assert client.post(remove, {"confirmed": "yes"}).status_code == 302
    removed = User.objects.get(pk=others[0].pk)
    assert (removed.group_id, removed.is_active) == (None, False)
    hand_on = reverse("accounts:group-leader", kwargs={"group_id": group.pk})
    assert client.post(hand_on, {"leader": others[1].pk, "confirmed": "yes"}).status_code == 302
    group.refresh_from_db()
    assert (group.leader_id, group.member_count) == (others[1].pk, 2)
    assert client.post(hand_on, {"leader": leader.pk}).status_code == 403  # no longer leader
    assert AuditEvent.objects.filter(action="leader_changed").count() == 1


def test_rotating_the_password_keeps_the_leader_signed_in_and_signs_out_the_rest(client):
    group, leader = _group_with_leader(size=2)
    member = group.members.exclude(pk=leader.pk).get()
    other_session = Client()
    other_session.force_login(member)
    client.force_login(leader)
    url = reverse("accounts:group-password", kwargs={"group_id": group.pk})
    weak = client.post(url, {"password": "password1234", "confirm": "password1234"})
    assert weak.status_code == 422 and "too common" in weak.content.decode()
    mismatch = client.post(url, {"password": "walk-the-long-road", "confirm": "walk-the-long-rod"})
    assert mismatch.status_code == 400
    assert (
        client.post(
            url, {"password": "walk-the-long-road", "confirm": "walk-the-long-road"}
        ).status_code
        == 302
    )
    assert client.get(reverse("accounts:group")).status_code == 200
    assert other_session.get(reverse("accounts:group")).status_code == 302
    group.refresh_from_db()
    assert group.check_password("walk-the-long-road") and not group.check_password(GROUP_PASSWORD)


def test_organisers_see_the_list_of_groups(client):
    _group_with_leader()
    client.force_login(StaffFactory())
    page = client.get(reverse("accounts:group"))
    assert page.status_code == 200 and "<table" in page.content.decode()


@pytest.mark.parametrize("size", [2, 20])
def test_the_group_page_costs_the_same_queries_for_2_or_20_members(client, size, settings):
    group, leader = _group_with_leader(size=size)
    client.force_login(leader)
    client.get(reverse("accounts:group"))  # the first request stamps the session's clock
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("accounts:group")).status_code == 200
    # user with group, the group with leader and division, the members for the leader
    # form's choices (the listed members come from the cache); and the session when it
    # lives in the database
    assert len(queries) == 3 + settings.SESSION_ENGINE.endswith(".db")


@pytest.mark.django_db(transaction=True)
def test_the_cached_member_list_changes_as_soon_as_membership_does(client):
    from cohort.accounts.services.members import member_add, member_remove

    leader = MemberFactory(display_name="Lea Leader")
    client.force_login(leader)
    assert "Newt Newcomer" not in client.get(reverse("accounts:group")).content.decode()
    newcomer = member_add(
        group=leader.group, email="newt@example.com", display_name="Newt Newcomer"
    )
    assert "Newt Newcomer" in client.get(reverse("accounts:group")).content.decode()
    member_remove(user=newcomer, actor=None)
    assert "Newt Newcomer" not in client.get(reverse("accounts:group")).content.decode()
