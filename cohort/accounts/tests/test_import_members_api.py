"""POST /api/v1/imports/members: the import_members service over HTTP (multipart `file`,
`dry_run`), answering the per-line report: 200 dry run, 201 applied, 422 with every bad
line, 413 too big; organisers anywhere, a leader in their own group only."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from cohort.accounts.models import Group, User
from cohort.accounts.tests.factories import (
    GroupFactory,
    MemberFactory,
    StaffFactory,
    mentor_of,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/imports/members"


def _csv(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("members.csv", text.encode(), content_type="text/csv")


def _post(client, text: str, **fields):
    return client.post(URL, {"file": _csv(text), **fields})


GOOD = "email,name,group\nada@example.com,Ada,Red\nbob@example.com,Bob,Blue\n"
TWO_BAD = "email,name,group\nada@example.com,Ada,Red\nnot-an-email,Bad,Red\nbob@example.com,,Blue\n"


@pytest.fixture
def organiser(client):
    user = StaffFactory()
    client.force_login(user)
    return user


def test_a_dry_run_answers_200_with_each_line_and_writes_nothing(client, organiser):
    GroupFactory(name="Red")
    response = _post(client, GOOD, dry_run="true", create_groups="true")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["dry_run"], body["written"], body["created"]) == (True, False, 2)
    assert body["groups_created"] == ["Blue"]
    assert body["passwords"] == {}
    assert [(r["line"], r["email"], r["outcome"]) for r in body["rows"]] == [
        (2, "ada@example.com", "create"),
        (3, "bob@example.com", "create"),
    ]
    assert not User.objects.filter(email__in=["ada@example.com", "bob@example.com"]).exists()
    assert not Group.objects.filter(name="Blue").exists()
    assert mail.outbox == []


def test_applied_answers_201_creates_groups_with_passwords_and_welcomes(
    client, organiser, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, GOOD, create_groups="true")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["written"], body["created"], sorted(body["groups_created"])) == (
        True,
        2,
        ["Blue", "Red"],
    )
    red = Group.objects.get(name="Red")
    assert red.check_password(body["passwords"]["Red"])
    assert red.member_count == 1
    assert sorted(m.to[0] for m in mail.outbox) == ["ada@example.com", "bob@example.com"]
    ada = next(m for m in mail.outbox if m.to == ["ada@example.com"])
    assert "Red" in ada.subject
    assert "/join/" in ada.body and "/login/" in ada.body
    assert body["passwords"]["Red"] not in ada.body  # the password never travels by email


def test_two_bad_lines_are_a_422_naming_both_and_nothing_is_written(client, organiser):
    GroupFactory(name="Red")
    GroupFactory(name="Blue")
    response = _post(client, TWO_BAD)
    assert response.status_code == 422
    body = response.json()
    assert [e["line"] for e in body["detail"]] == [3, 4]
    assert "not a valid email" in body["detail"][0]["msg"]
    assert "name is blank" in body["detail"][1]["msg"]
    assert [r["outcome"] for r in body["rows"]] == ["create", "error", "error"]
    assert not User.objects.filter(email="ada@example.com").exists()


def test_a_dry_run_with_bad_lines_is_a_422_too(client, organiser):
    GroupFactory(name="Red")
    GroupFactory(name="Blue")
    assert _post(client, TWO_BAD, dry_run="true").status_code == 422


def test_a_file_over_the_limit_is_a_413_and_writes_nothing(client, organiser, settings):
    settings.MEMBERS_CSV_MAX_BYTES = 40
    GroupFactory(name="Red")
    response = _post(client, GOOD)
    assert response.status_code == 413
    assert "detail" in response.json()
    assert not User.objects.filter(email="ada@example.com").exists()


def test_no_file_is_a_422(client, organiser):
    response = client.post(URL, {"dry_run": "true"})
    assert response.status_code == 422
    assert "CSV" in response.json()["detail"]


def test_a_file_that_is_not_utf8_is_one_error_on_line_1(client, organiser):
    response = client.post(URL, {"file": SimpleUploadedFile("m.csv", "é,ü\n".encode("latin-1"))})
    assert response.status_code == 422
    assert response.json()["detail"][0]["line"] == 1


def test_moves_members_of_other_groups_when_asked(client, organiser):
    red, blue = GroupFactory(name="Red"), GroupFactory(name="Blue")
    ada = MemberFactory(group=red, email="ada@example.com")
    text = "email,name,group\nada@example.com,Ada,Blue\n"
    assert _post(client, text).status_code == 422  # without move_members: an error
    response = _post(client, text, dry_run="true", move_members="true")
    row = response.json()["rows"][0]
    assert (row["outcome"], row["detail"]) == ("move", "Red")
    assert _post(client, text, move_members="true").status_code == 201
    ada.refresh_from_db()
    red.refresh_from_db()
    blue.refresh_from_db()
    assert (ada.group_id, red.member_count, blue.member_count) == (blue.pk, 0, 1)


def _leader(group) -> User:
    leader = MemberFactory(group=group, has_personal_password=True)
    group.leader = leader
    group.save(update_fields=["leader"])
    return leader


def test_a_leader_imports_into_their_own_group_only(client):
    owls, other = GroupFactory(name="Owls"), GroupFactory(name="Larks")
    client.force_login(_leader(owls))
    response = _post(client, "email,name\nnew@example.com,New Owl\n")
    assert response.status_code == 201, response.content
    assert User.objects.get(email="new@example.com").group_id == owls.pk
    response = _post(client, "email,name,group\nlark@example.com,Lark,Larks\n")
    assert response.status_code == 422
    assert "Owls only" in response.json()["detail"][0]["msg"]
    # Nor may a leader create groups or move people, whatever they ask.
    response = _post(client, "email,name,group\nx@example.com,X,Herons\n", create_groups="true")
    assert response.status_code == 422
    assert not Group.objects.filter(name="Herons").exists()
    assert other.members.count() == 0


def test_a_leader_adds_up_to_the_cap_of_20(client):
    owls = GroupFactory(name="Owls")
    client.force_login(_leader(owls))
    rows = "".join(f"owl{i}@example.com,Owl {i}\n" for i in range(20))  # 1 + 20 = 21
    response = _post(client, "email,name\n" + rows)
    assert response.status_code == 422
    assert [e["line"] for e in response.json()["detail"]] == [21]
    assert "would have 21 members" in response.json()["detail"][0]["msg"]
    assert owls.members.count() == 1
    rows = "".join(f"owl{i}@example.com,Owl {i}\n" for i in range(19))
    assert _post(client, "email,name\n" + rows).status_code == 201
    owls.refresh_from_db()
    assert owls.member_count == 20


def test_a_leader_without_a_personal_password_is_refused(client):
    owls = GroupFactory(name="Owls")
    leader = MemberFactory(group=owls)
    owls.leader = leader
    owls.save(update_fields=["leader"])
    client.force_login(leader)
    assert _post(client, "email,name\nnew@example.com,New\n").status_code == 403


@pytest.mark.parametrize("who", ["member", "mentor", "coordinator"])
def test_others_may_not_import(client, who):
    group = GroupFactory(name="Red")
    user = {
        "member": lambda: MemberFactory(group=group),
        "mentor": lambda: mentor_of(group),
        "coordinator": lambda: StaffFactory(role=User.Role.COORDINATOR),
    }[who]()
    client.force_login(user)
    assert _post(client, GOOD).status_code == 403
    assert not User.objects.filter(email="ada@example.com").exists()


def test_signed_out_is_401(client):
    assert _post(client, GOOD).status_code == 401
