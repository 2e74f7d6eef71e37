import pytest
from django.urls import reverse

from cohort.accounts.models import Group, User
from cohort.accounts.tests.factories import (
    GROUP_PASSWORD,
    STAFF_PASSWORD,
    GroupFactory,
    MemberFactory,
    StaffFactory,
)
from cohort.ops.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def organiser_client(client):
    client.force_login(StaffFactory())
    return client


def _full_group() -> Group:
    group = GroupFactory()
    MemberFactory.create_batch(20, group=group)
    group.refresh_from_db()
    return group


# The read-only members inline still posts its (empty) management form.
INLINE = {"members-TOTAL_FORMS": "0", "members-INITIAL_FORMS": "0"}


def test_admin_creates_a_group_with_a_hashed_validated_password(organiser_client):
    url = reverse("admin:accounts_group_add")
    weak = organiser_client.post(url, {"name": "Owls", "new_password": "12345678901234", **INLINE})
    assert weak.status_code == 200
    assert "entirely numeric" in weak.content.decode()
    assert not Group.objects.filter(name="Owls").exists()

    organiser_client.post(url, {"name": "Owls", "new_password": "owls-walk-at-midnight", **INLINE})
    group = Group.objects.get(name="Owls")
    assert group.password != "owls-walk-at-midnight"
    assert group.check_password("owls-walk-at-midnight")
    assert AuditEvent.objects.filter(action="group_created", target_id=group.pk).exists()


def test_admin_refuses_to_add_a_member_to_a_full_group(organiser_client):
    group = _full_group()
    response = organiser_client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "Late@Example.com",
            "display_name": "Late",
            "role": "member",
            "group": group.pk,
            "time_zone": "Europe/Madrid",
            "marker_colour": "#112233",
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    assert f"{group.name} is full" in response.content.decode()
    assert not User.objects.filter(email="late@example.com").exists()


def test_admin_moves_a_member_through_the_service(organiser_client):
    member = MemberFactory()
    source = member.group
    target = GroupFactory()
    response = organiser_client.post(
        reverse("admin:accounts_user_change", args=[member.pk]),
        {
            "email": member.email,
            "display_name": member.display_name,
            "role": "member",
            "group": target.pk,
            "time_zone": member.time_zone,
            "marker_colour": member.marker_colour,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    source.refresh_from_db()
    target.refresh_from_db()
    member.refresh_from_db()
    assert (member.group_id, source.member_count, target.member_count) == (target.pk, 0, 1)
    assert AuditEvent.objects.filter(action="member_moved", target_id=member.pk).exists()


def test_members_cannot_reach_the_admin(client):
    member = MemberFactory()
    client.force_login(member)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_admin_sign_in_shares_the_lockout(client, settings):
    organiser = StaffFactory(email="boss@example.com")
    url = reverse("admin:login")
    for _ in range(5):
        client.post(url, {"username": organiser.email, "password": "wrong-wrong-wrong"})
    locked = client.post(url, {"username": organiser.email, "password": STAFF_PASSWORD})
    assert "Too many failed sign-ins" in locked.content.decode()
    assert AuditEvent.objects.filter(action="lockout").count() == 1


def test_admin_sign_in_with_own_password_and_not_a_group_one(client):
    organiser = StaffFactory(email="boss@example.com")
    refused = client.post(
        reverse("admin:login"), {"username": organiser.email, "password": GROUP_PASSWORD}
    )
    assert refused.status_code == 200
    ok = client.post(
        reverse("admin:login"), {"username": "BOSS@example.com", "password": STAFF_PASSWORD}
    )
    assert ok.status_code == 302
    # The password alone is not enough for an organiser: the admin waits for the TOTP step.
    assert client.get(reverse("admin:index"))["Location"].startswith(reverse("accounts:two-factor"))


def _removed_member() -> User:
    from cohort.accounts.services.members import member_remove

    member = MemberFactory()
    member_remove(user=member, actor=None)
    member.refresh_from_db()
    return member


def test_admin_action_brings_removed_members_back_into_a_chosen_group(organiser_client):
    removed, in_a_group = _removed_member(), MemberFactory()
    target = GroupFactory(name="Second Chance")
    url = reverse("admin:accounts_user_changelist")
    chosen = {"action": "restore_to_group", "_selected_action": [removed.pk, in_a_group.pk]}
    form = organiser_client.post(url, chosen)
    assert form.status_code == 200
    assert "Second Chance" in form.content.decode()
    removed.refresh_from_db()
    assert removed.group_id is None  # nothing happens before a group is chosen

    done = organiser_client.post(url, {**chosen, "group": target.pk, "apply": "1"})
    assert done.status_code == 302
    removed.refresh_from_db()
    target.refresh_from_db()
    assert (removed.group_id, removed.is_active, target.member_count) == (target.pk, True, 1)
    assert AuditEvent.objects.filter(action="member_restored", target_id=removed.pk).exists()
    in_a_group.refresh_from_db()
    assert in_a_group.group_id != target.pk  # members still in a group are moved, not restored


def test_admin_action_reports_a_full_group_and_restores_nobody(organiser_client):
    removed, group = _removed_member(), _full_group()
    url = reverse("admin:accounts_user_changelist")
    organiser_client.post(
        url,
        {"action": "restore_to_group", "_selected_action": [removed.pk], "group": group.pk,
         "apply": "1"},
    )  # fmt: skip
    removed.refresh_from_db()
    assert removed.group_id is None
    page = organiser_client.get(url).content.decode()
    assert f"{group.name} is full" in page


def test_admin_setting_a_removed_members_group_is_a_restore(organiser_client):
    removed, target = _removed_member(), GroupFactory()
    response = organiser_client.post(
        reverse("admin:accounts_user_change", args=[removed.pk]),
        {
            "email": removed.email,
            "display_name": removed.display_name,
            "role": "member",
            "group": target.pk,
            "time_zone": removed.time_zone,
            "marker_colour": removed.marker_colour,
        },
    )
    assert response.status_code == 302
    removed.refresh_from_db()
    assert (removed.group_id, removed.is_active) == (target.pk, True)
    assert AuditEvent.objects.filter(action="member_restored", target_id=removed.pk).exists()
