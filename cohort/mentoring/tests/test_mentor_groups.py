import pytest

from cohort.accounts.models import Group, User
from cohort.accounts.services.groups import group_mentor_assign, group_mentor_unassign
from cohort.accounts.tests.factories import DivisionFactory, GroupFactory, MemberFactory
from cohort.core.exceptions import InvalidInput, NotFound, PermissionDenied
from cohort.mentoring.tests.factories import staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def division():
    return DivisionFactory()


@pytest.fixture
def coordinator(division):
    return staff(User.Role.COORDINATOR, division=division)


@pytest.fixture
def mentor():
    return staff(User.Role.MENTOR)


def test_a_coordinator_assigns_and_unassigns_a_mentor_in_their_division(
    coordinator, division, mentor
):
    group = GroupFactory(division=division)

    group_mentor_assign(viewer=coordinator, group_id=group.pk, mentor_id=mentor.pk)
    group_mentor_assign(viewer=coordinator, group_id=group.pk, mentor_id=mentor.pk)
    assert list(group.mentors.all()) == [mentor]

    group_mentor_unassign(viewer=coordinator, group_id=group.pk, mentor_id=mentor.pk)
    assert not group.mentors.exists()


def test_a_coordinator_cannot_reach_another_divisions_group(coordinator, mentor):
    elsewhere = GroupFactory(division=DivisionFactory())
    with pytest.raises(NotFound):
        group_mentor_assign(viewer=coordinator, group_id=elsewhere.pk, mentor_id=mentor.pk)
    assert not elsewhere.mentors.exists()


def test_an_organiser_assigns_to_any_group(mentor):
    group = GroupFactory()
    group_mentor_assign(viewer=staff(User.Role.ORGANISER), group_id=group.pk, mentor_id=mentor.pk)
    assert list(group.mentors.all()) == [mentor]


@pytest.mark.parametrize("role", [User.Role.MEMBER, User.Role.MENTOR])
def test_members_and_mentors_cannot_assign(role, mentor):
    group = GroupFactory()
    viewer = MemberFactory(group=group) if role == User.Role.MEMBER else staff(role)
    if role == User.Role.MENTOR:
        group.mentors.add(viewer)
    with pytest.raises(PermissionDenied):
        group_mentor_assign(viewer=viewer, group_id=group.pk, mentor_id=mentor.pk)


def test_only_active_mentors_can_be_assigned(coordinator, division):
    group = GroupFactory(division=division)
    member = MemberFactory(group=group)
    inactive = staff(User.Role.MENTOR, is_active=False)
    for user_id in (member.pk, coordinator.pk, inactive.pk, 999999):
        with pytest.raises(InvalidInput):
            group_mentor_assign(viewer=coordinator, group_id=group.pk, mentor_id=user_id)
    assert not group.mentors.exists()


def test_the_page_assigns_and_removes(client, coordinator, division, mentor):
    group = GroupFactory(division=division)
    client.force_login(coordinator)

    added = client.post("/mentor/groups/", {"group": group.pk, "mentor": mentor.pk})
    page = client.get("/mentor/groups/")
    assert added.status_code == 302 and mentor.display_name in page.content.decode()
    assert list(group.mentors.all()) == [mentor]

    client.post("/mentor/groups/", {"group": group.pk, "mentor": mentor.pk, "action": "remove"})
    assert not group.mentors.exists()


@pytest.mark.parametrize(
    ("data", "status"),
    [
        ({"group": "other", "mentor": "mentor"}, 404),
        ({"group": "mine", "mentor": "member"}, 422),
        ({"group": "x", "mentor": "mentor"}, 422),
        ({"group": "mine"}, 422),
        ({}, 404),
    ],
)
def test_the_page_answers_4xx_to_bad_assignments(
    client, coordinator, division, mentor, data, status
):
    mine, other = GroupFactory(division=division), GroupFactory()
    values = {
        "mine": mine.pk,
        "other": other.pk,
        "mentor": mentor.pk,
        "member": MemberFactory(group=mine).pk,
    }
    client.force_login(coordinator)
    post = {key: values.get(value, value) for key, value in data.items()}
    assert client.post("/mentor/groups/", post).status_code == status
    assert not Group.mentors.through.objects.exists()


def test_a_mentor_sees_the_groups_page_without_forms_and_cannot_post(client, mentor):
    group = GroupFactory()
    group.mentors.add(mentor)
    client.force_login(mentor)
    page = client.get("/mentor/groups/")
    assert page.status_code == 200 and "Add a mentor" not in page.content.decode()
    response = client.post(
        "/mentor/groups/", {"group": group.pk, "mentor": mentor.pk, "action": "remove"}
    )
    assert response.status_code == 403
    assert list(group.mentors.all()) == [mentor]


def test_members_get_403_on_the_groups_page(client):
    client.force_login(MemberFactory())
    assert client.get("/mentor/groups/").status_code == 403


def test_an_inactive_mentor_is_refused_the_mentor_pages(mentor):
    """reviewer_require asked only for the role; reviewing work also wants an active account."""
    from cohort.mentoring.selectors import mentor_groups_list

    mentor.is_active = False
    with pytest.raises(PermissionDenied):
        mentor_groups_list(viewer=mentor)


def test_an_inactive_coordinator_cannot_assign_mentors(coordinator, division, mentor):
    group = GroupFactory(division=division)
    coordinator.is_active = False
    with pytest.raises(PermissionDenied):
        group_mentor_assign(viewer=coordinator, group_id=group.pk, mentor_id=mentor.pk)
    assert not group.mentors.exists()
