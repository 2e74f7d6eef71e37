"""A member is on the current path from the moment they come to be, however that happens,
so every dashboard lists them before they log a day (not only after the nightly job)."""

import pytest
from django.urls import reverse

from cohort.accounts.models import User
from cohort.accounts.services.invites import invite_accept, invite_token_create
from cohort.accounts.services.legacy import assign_default_group
from cohort.accounts.services.members import member_add
from cohort.accounts.tests.factories import GroupFactory, StaffFactory
from cohort.journeys.models import Enrollment
from cohort.journeys.tests.factories import path_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def path():
    return path_create()


def _on_path(path, email: str) -> bool:
    return Enrollment.objects.filter(
        path=path, user__email=email, started_on=path.start_date, steps=0
    ).exists()


def _on_organisers_dashboard(client, email: str) -> bool:
    client.force_login(StaffFactory())
    rows = client.get("/api/v1/dashboard", {"scope": "all"}).json()["results"]
    user_id = User.objects.get(email=email).pk
    return any(row["user_id"] == user_id for row in rows)


def test_member_add_enrolls(client, path):
    member_add(group=GroupFactory(), email="added@example.com", display_name="Added")
    assert _on_path(path, "added@example.com")
    assert _on_organisers_dashboard(client, "added@example.com")


def test_an_invite_join_enrolls(client, path):
    group = GroupFactory()
    invite_accept(
        token=invite_token_create(group=group), email="joined@example.com", display_name="J"
    )
    assert _on_path(path, "joined@example.com")
    assert _on_organisers_dashboard(client, "joined@example.com")


def test_import_members_enrolls(client, path, tmp_path):
    from django.core.management import call_command

    group = GroupFactory(name="Herons")
    csv_file = tmp_path / "members.csv"
    csv_file.write_text("email,name,group\nimported@example.com,Imp,Herons\n")
    call_command("import_members", str(csv_file))
    assert User.objects.get(email="imported@example.com").group_id == group.pk
    assert _on_path(path, "imported@example.com")
    assert _on_organisers_dashboard(client, "imported@example.com")


def test_the_admin_enrolls(client, path):
    client.force_login(StaffFactory())
    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "admin-made@example.com",
            "display_name": "Made",
            "role": "member",
            "group": GroupFactory().pk,
            "time_zone": "Europe/Madrid",
            "marker_colour": "#112233",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    assert _on_path(path, "admin-made@example.com")


def test_assign_default_group_enrolls(client, path):
    User.objects.create_user("stray@example.com", "Stray", role=User.Role.MEMBER)
    Enrollment.objects.all().delete()  # as before groups were required: not enrolled
    assign_default_group()
    assert _on_path(path, "stray@example.com")
    assert _on_organisers_dashboard(client, "stray@example.com")


def test_a_new_member_shows_on_their_groups_cached_dashboard(
    client, path, django_capture_on_commit_callbacks
):
    group = GroupFactory()
    first = member_add(group=group, email="first@example.com", display_name="First")
    client.force_login(first)
    assert [r["name"] for r in client.get("/api/v1/dashboard").json()["results"]] == ["First"]
    with django_capture_on_commit_callbacks(execute=True):
        member_add(group=group, email="second@example.com", display_name="Second")
    names = {r["name"] for r in client.get("/api/v1/dashboard").json()["results"]}
    assert names == {"First", "Second"}


def test_staff_and_no_current_path_enroll_nobody():
    StaffFactory()
    member_add(group=GroupFactory(), email="early@example.com", display_name="Early")
    assert not Enrollment.objects.exists()
