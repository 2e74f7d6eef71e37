import pytest

from cohort.accounts.models import Group
from cohort.accounts.tests.factories import GroupFactory, MemberFactory, StaffFactory
from cohort.ops.models import AuditEvent

pytestmark = pytest.mark.django_db

URL = "/api/v1/groups"


def _create(client, **payload):
    body = {"name": "Night Owls", "password": "owls-walk-at-midnight", **payload}
    return client.post(URL, body, content_type="application/json")


def test_an_organiser_creates_a_group_with_a_hashed_password(client):
    client.force_login(StaffFactory())
    response = _create(client)
    assert response.status_code == 201
    body = response.json()
    assert (body["name"], body["member_count"], body["leader_id"]) == ("Night Owls", 0, None)
    group = Group.objects.get(pk=body["id"])
    assert "owls" not in group.password
    assert group.check_password("owls-walk-at-midnight")
    assert AuditEvent.objects.filter(action=AuditEvent.Action.GROUP_CREATED).count() == 1


def test_a_member_may_not_create_groups(client):
    client.force_login(MemberFactory())
    response = _create(client)
    assert response.status_code == 403
    assert response.json() == {"detail": "Only organisers can do this."}
    assert not Group.objects.filter(name="Night Owls").exists()


def test_signed_out_is_401(client):
    assert _create(client).status_code == 401


def test_a_taken_name_is_a_conflict(client):
    GroupFactory(name="Night Owls")
    client.force_login(StaffFactory())
    response = _create(client)
    assert response.status_code == 409
    assert "already exists" in response.json()["detail"]


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        ({"name": "   "}, "needs a name"),
        ({"password": "short"}, "password"),
        ({"name": "x" * 101}, "at most 100 characters"),
    ],
)
def test_bad_input_is_422_with_a_reason(client, payload, reason):
    client.force_login(StaffFactory())
    response = _create(client, **payload)
    assert response.status_code == 422
    assert reason in str(response.json()["detail"])
    assert Group.objects.count() == 0


def test_an_unknown_division_is_404(client):
    client.force_login(StaffFactory())
    response = _create(client, division_id=999_999)
    assert response.status_code == 404
    assert response.json() == {"detail": "No such division."}


def test_an_organiser_adds_a_new_member_or_brings_back_a_removed_one(client):
    from cohort.accounts.services.members import member_remove

    group, organiser = GroupFactory(), StaffFactory()
    former = MemberFactory()
    member_remove(user=former, actor=None)
    client.force_login(organiser)
    url = f"{URL}/{group.pk}/members"
    new = client.post(url, {"email": "New@Example.com"}, content_type="application/json")
    back = client.post(url, {"email": former.email}, content_type="application/json")
    assert (new.status_code, back.status_code) == (201, 201)
    assert back.json()["id"] == former.pk and back.json()["group_id"] == group.pk
    assert AuditEvent.objects.filter(action="member_restored", target_id=former.pk).exists()
    elsewhere = client.post(url, {"email": MemberFactory().email}, content_type="application/json")
    assert elsewhere.status_code == 409 and "cannot be added" in elsewhere.json()["detail"]


def test_a_leader_cannot_bring_back_a_removed_member_through_the_api(client):
    from cohort.accounts.services.members import member_remove

    leader = MemberFactory()
    former = MemberFactory()
    member_remove(user=former, actor=None)
    client.force_login(leader)
    response = client.post(
        f"{URL}/{leader.group_id}/members", {"email": former.email},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 403
    former.refresh_from_db()
    assert former.group_id is None
