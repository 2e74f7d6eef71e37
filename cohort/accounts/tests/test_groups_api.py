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
