"""The console's People pages: a members CSV checked line by line (a preview that keeps the
file server-side), applied all or nothing with welcome emails; groups in bulk with passwords
shown once; sign-in sheets; move, remove and restore; coordinators read only."""

import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from cohort.accounts.models import Group, User
from cohort.accounts.tests.factories import (
    GROUP_PASSWORD,
    DivisionFactory,
    GroupFactory,
    MemberFactory,
    StaffFactory,
    mentor_of,
)
from cohort.ops.models import AuditEvent

pytestmark = pytest.mark.django_db


def members_csv(groups=3, per_group=15, bad_lines=()) -> str:
    """groups × per_group members; the lines (file line numbers) in bad_lines broken: an
    invalid email on the first, a blank name on the others."""
    lines = ["email,name,group"] + [
        f"walker{g}-{m}@example.com,Walker {g}-{m},Team {g}"
        for g in range(groups)
        for m in range(per_group)
    ]
    for number in bad_lines:
        email, _name, group = lines[number - 1].split(",")
        lines[number - 1] = (
            f"not-an-email,Bad,{group}" if number == bad_lines[0] else f"{email},,{group}"
        )
    return "\n".join(lines) + "\n"


def _upload(client, text, **options):
    data = {"file": SimpleUploadedFile("members.csv", text.encode()), "create_groups": "on"}
    data.update(options)
    return client.post("/organise/people/import/", data)


@pytest.fixture
def organiser(client):
    user = StaffFactory()
    client.force_login(user)
    return user


def test_the_people_page_offers_the_tools_to_organisers(client, organiser):
    GroupFactory(name="Owls")
    page = client.get("/organise/people/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Import members from a CSV" in html and "Create groups" in html and "Owls" in html


def test_a_preview_with_two_bad_lines_shows_both_by_line_and_writes_nothing(client, organiser):
    response = _upload(client, members_csv(bad_lines=(5, 12)))
    assert response.status_code == 422
    html = response.content.decode()
    errors = [(r.line, r.detail) for r in response.context["result"].rows if r.outcome == "error"]
    assert [line for line, _ in errors] == [5, 12]
    assert 'id="line-5"' in html and 'id="line-12"' in html
    assert "not a valid email" in html and "the name is blank" in html
    assert "Lines 5, 12 have errors" in html  # the summary, pointing to the file input
    assert 'type="file"' in html  # the corrected file is asked for again, on the same page
    assert not User.objects.filter(role=User.Role.MEMBER).exists()
    assert not Group.objects.exists()


def test_the_fixed_file_previews_then_applies_3_groups_and_45_members_with_welcomes(
    client, organiser, django_capture_on_commit_callbacks
):
    preview = _upload(client, members_csv())
    assert preview.status_code == 200
    assert preview.context["result"].created == 45
    assert preview.context["result"].new_groups == ["Team 0", "Team 1", "Team 2"]
    assert not Group.objects.exists()  # a preview writes nothing
    key = preview.context["apply_form"].initial["key"]

    with django_capture_on_commit_callbacks(execute=True):
        applied = client.post("/organise/people/import/apply/", {"key": key, "welcome": "on"})
    assert applied.status_code == 200
    assert User.objects.filter(role=User.Role.MEMBER).count() == 45
    assert sorted(Group.objects.values_list("name", "member_count")) == [
        ("Team 0", 15),
        ("Team 1", 15),
        ("Team 2", 15),
    ]
    assert len(mail.outbox) == 45
    made = applied.context["made"]
    html = applied.content.decode()
    for group, password in made:
        assert group.check_password(password)
        assert password in html  # shown once, on this page
    # Applying the same preview again finds it gone: nothing twice.
    again = client.post("/organise/people/import/apply/", {"key": key, "welcome": "on"})
    assert again.status_code == 422
    assert "upload the file again" in again.content.decode()
    assert User.objects.filter(role=User.Role.MEMBER).count() == 45


def test_without_welcome_no_email_is_sent(client, organiser, django_capture_on_commit_callbacks):
    preview = _upload(client, members_csv(groups=1, per_group=2))
    key = preview.context["apply_form"].initial["key"]
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/organise/people/import/apply/", {"key": key})
    assert User.objects.filter(role=User.Role.MEMBER).count() == 2
    assert mail.outbox == []


def test_a_preview_belongs_to_who_uploaded_it(client, organiser):
    preview = _upload(client, members_csv(groups=1, per_group=2))
    key = preview.context["apply_form"].initial["key"]
    client.force_login(StaffFactory())
    response = client.post("/organise/people/import/apply/", {"key": key, "welcome": "on"})
    assert response.status_code == 422
    assert not User.objects.filter(role=User.Role.MEMBER).exists()


def test_a_file_over_the_limit_is_refused_by_its_size(client, organiser, settings):
    settings.MEMBERS_CSV_MAX_BYTES = 100
    response = _upload(client, members_csv())
    assert response.status_code == 413
    assert "larger than" in response.content.decode()


def test_groups_in_bulk_get_passwords_shown_once(client, organiser):
    floor = DivisionFactory(name="Floor 1")
    response = client.post(
        "/organise/people/groups/", {"names": "Owls\nLarks\n\n", "division": floor.pk}
    )
    assert response.status_code == 200
    made = dict((g.name, p) for g, p in response.context["made"])
    assert sorted(made) == ["Larks", "Owls"]
    owls = Group.objects.get(name="Owls")
    assert owls.division == floor and owls.check_password(made["Owls"])
    assert made["Owls"] in response.content.decode()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.GROUP_CREATED).count() == 2


def test_a_name_taken_creates_no_group_at_all(client, organiser):
    GroupFactory(name="Owls")
    response = client.post("/organise/people/groups/", {"names": "Larks\nowls"})
    assert response.status_code == 409
    assert "already exists" in response.content.decode()
    assert not Group.objects.filter(name="Larks").exists()


def test_the_sign_in_sheet_prints_the_password_only_when_given_and_right(client, organiser):
    owls = GroupFactory(name="Owls")
    MemberFactory(group=owls, display_name="Olly Owl", email="olly@example.com")
    sheet = client.get(f"/organise/people/groups/{owls.pk}/sheet/")
    html = sheet.content.decode()
    assert sheet.status_code == 200
    assert "Olly Owl" in html and "olly@example.com" in html and "/login/" in html
    assert "<svg" in html  # the QR code
    assert GROUP_PASSWORD not in html
    wrong = client.post(f"/organise/people/groups/{owls.pk}/sheet/", {"password": "nope"})
    assert wrong.status_code == 422 and "not the group" in wrong.content.decode()
    right = client.post(f"/organise/people/groups/{owls.pk}/sheet/", {"password": GROUP_PASSWORD})
    assert right.status_code == 200 and GROUP_PASSWORD in right.content.decode()


def test_move_remove_and_restore_a_member(client, organiser):
    owls, larks = GroupFactory(name="Owls"), GroupFactory(name="Larks")
    olly = MemberFactory(group=owls, display_name="Olly")
    moved = client.post(f"/organise/people/members/{olly.pk}/move/", {"group": larks.pk})
    assert moved.status_code == 302
    olly.refresh_from_db()
    assert olly.group == larks
    asked = client.post(f"/organise/people/members/{olly.pk}/remove/")
    assert asked.status_code == 200 and "Remove Olly" in asked.content.decode()  # confirm first
    client.post(f"/organise/people/members/{olly.pk}/remove/", {"confirmed": "yes"})
    olly.refresh_from_db()
    assert olly.group is None and not olly.is_active
    page = client.get("/organise/people/")
    assert "Olly" in page.content.decode()  # among the former members
    back = client.post(f"/organise/people/members/{olly.pk}/restore/", {"group": owls.pk})
    assert back.status_code == 302
    olly.refresh_from_db()
    assert olly.group == owls and olly.is_active
    assert AuditEvent.objects.filter(action=AuditEvent.Action.MEMBER_RESTORED).count() == 1


def test_a_move_into_a_full_group_is_an_error_on_the_page(client, organiser):
    owls, full = GroupFactory(name="Owls"), GroupFactory(name="Full")
    for _ in range(20):
        MemberFactory(group=full)
    olly = MemberFactory(group=owls)
    response = client.post(f"/organise/people/members/{olly.pk}/move/", {"group": full.pk})
    assert response.status_code == 422
    assert "is full" in response.content.decode()
    olly.refresh_from_db()
    assert olly.group == owls


def test_a_coordinator_reads_their_division_and_changes_nothing(client):
    floor = DivisionFactory()
    ours, theirs = GroupFactory(name="Ours", division=floor), GroupFactory(name="Theirs")
    member = MemberFactory(group=ours)
    client.force_login(StaffFactory(role=User.Role.COORDINATOR, division=floor))
    html = client.get("/organise/people/").content.decode()
    assert "Ours" in html and "Theirs" not in html and "Import members" not in html
    assert client.get(f"/organise/people/groups/{ours.pk}/").status_code == 200
    assert client.get(f"/organise/people/groups/{ours.pk}/sheet/").status_code == 200
    assert client.get(f"/organise/people/groups/{theirs.pk}/sheet/").status_code == 404
    assert _upload(client, members_csv(groups=1, per_group=1)).status_code == 403
    move = client.post(f"/organise/people/members/{member.pk}/move/", {"group": theirs.pk})
    assert move.status_code == 403
    assert not User.objects.filter(email__startswith="walker").exists()


@pytest.mark.parametrize("who", ["member", "mentor"])
def test_members_and_mentors_may_not_open_the_people_pages(client, who):
    group = GroupFactory()
    user = MemberFactory(group=group) if who == "member" else mentor_of(group)
    client.force_login(user)
    assert client.get("/organise/people/").status_code == 403
    assert client.get(f"/organise/people/groups/{group.pk}/sheet/").status_code == 403


def test_the_people_page_costs_the_same_queries_for_2_and_20_groups(
    client, organiser, django_assert_max_num_queries
):
    for i in range(2):
        GroupFactory(name=f"A{i}")
    MemberFactory(group=None, display_name="Gone")
    client.get("/organise/people/")  # warm the caches (session, navigation)

    def count() -> int:
        with django_assert_max_num_queries(50) as captured:
            client.get("/organise/people/")
        return len(captured.captured_queries)

    two = count()
    for i in range(18):
        GroupFactory(name=f"B{i}")
        MemberFactory(group=None)
    assert count() == two


def test_an_import_creates_groups_that_sign_in_with_their_password(
    client, organiser, django_capture_on_commit_callbacks
):
    preview = _upload(client, members_csv(groups=1, per_group=1))
    key = preview.context["apply_form"].initial["key"]
    with django_capture_on_commit_callbacks(execute=True):
        applied = client.post("/organise/people/import/apply/", {"key": key, "welcome": "on"})
    _group, password = applied.context["made"][0]
    assert re.fullmatch(r"[a-z2-9]{4}(-[a-z2-9]{4}){3}", password)
    client.logout()
    signed_in = client.post(
        "/api/v1/auth/login",
        {"email": "walker0-0@example.com", "password": password},
        content_type="application/json",
    )
    assert signed_in.status_code == 200


@pytest.mark.parametrize("page", ["", "sheet/"])
def test_a_group_page_and_its_sheet_cost_the_same_queries_for_2_and_20_members(
    client, organiser, django_assert_max_num_queries, page
):
    owls = GroupFactory(name="Owls")
    for _ in range(2):
        MemberFactory(group=owls)
    url = f"/organise/people/groups/{owls.pk}/{page}"
    client.get(url)  # warm the caches (session, navigation)

    def count() -> int:
        with django_assert_max_num_queries(20) as captured:
            assert client.get(url).status_code == 200
        return len(captured.captured_queries)

    two = count()
    for _ in range(18):
        MemberFactory(group=owls)
    assert count() == two
