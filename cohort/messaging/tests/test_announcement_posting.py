import pytest

from cohort.accounts.models import User
from cohort.accounts.tests.factories import DivisionFactory, GroupFactory, StaffFactory
from cohort.messaging.models import Announcement
from cohort.messaging.tests.factories import coordinator_of, mentor_of

pytestmark = pytest.mark.django_db

URL = "/api/v1/announcements"


def _post(client, **payload):
    body = {"title": "Hello", "text": "News", "audience": "groups", **payload}
    return client.post(URL, body, content_type="application/json")


def test_a_mentor_posts_to_the_groups_they_mentor(signed_in, group):
    response = _post(signed_in(mentor_of(group)), group_ids=[group.pk], priority="high")
    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["priority"], body["audience"]) == ("draft", "high", "groups")
    assert list(Announcement.objects.get().groups.all()) == [group]


def test_a_mentor_cannot_post_to_a_group_they_do_not_mentor(signed_in, group):
    response = _post(signed_in(mentor_of(group)), group_ids=[group.pk, GroupFactory().pk])
    assert response.status_code == 404
    assert "detail" in response.json()
    assert not Announcement.objects.exists()


@pytest.mark.parametrize(("audience", "status"), [("division", 404), ("everyone", 403)])
def test_a_mentor_cannot_post_to_a_division_or_everyone(
    signed_in, group, division, audience, status
):
    response = _post(signed_in(mentor_of(group)), audience=audience, division_id=division.pk)
    assert response.status_code == status
    assert not Announcement.objects.exists()


def test_a_coordinator_posts_to_their_division_only(signed_in, division):
    client = signed_in(coordinator_of(division))
    assert _post(client, audience="division", division_id=division.pk).status_code == 201
    other = DivisionFactory()
    assert _post(client, audience="division", division_id=other.pk).status_code == 404
    assert _post(client, audience="everyone").status_code == 403


def test_a_coordinator_posts_to_their_divisions_groups_only(signed_in, division, group):
    client = signed_in(coordinator_of(division))
    assert _post(client, group_ids=[group.pk]).status_code == 201
    assert _post(client, group_ids=[GroupFactory().pk]).status_code == 404


def test_an_organiser_posts_to_everyone_and_publishes_at_once(signed_in, member):
    response = _post(signed_in(StaffFactory()), audience="everyone", publish=True)
    assert response.status_code == 201
    assert response.json()["status"] == "published"
    assert member.notifications.count() == 1


def test_a_member_cannot_post(signed_in, member, group):
    assert _post(signed_in(member), group_ids=[group.pk]).status_code == 403


@pytest.mark.parametrize(
    "payload",
    [
        {"title": ""},
        {"text": "  "},
        {"audience": "mars"},
        {"group_ids": []},
        {"group_ids": "x"},
        {"priority": "urgent"},
        {"expires_at": "2000-01-01T00:00:00Z"},
        {"event_on": "not a date"},
        {"title": "x" * 151},
    ],
)
def test_bad_input_is_a_422_with_a_detail(signed_in, group, payload):
    response = _post(signed_in(StaffFactory()), **{"group_ids": [group.pk], **payload})
    assert response.status_code == 422
    assert "detail" in response.json()
    assert not Announcement.objects.exists()


def test_a_division_audience_without_a_division_is_404(signed_in, group):
    payload = {"audience": "division", "division_id": None}
    response = _post(signed_in(StaffFactory()), **{"group_ids": [group.pk], **payload})
    assert response.status_code == 404
    assert "detail" in response.json()
    assert not Announcement.objects.exists()


def test_publish_and_read_of_an_unknown_id_are_404(signed_in, member):
    staff = signed_in(StaffFactory(role=User.Role.ORGANISER))
    assert staff.post(f"{URL}/999999/publish").status_code == 404
    assert signed_in(member).post(f"{URL}/999999/read").status_code == 404
