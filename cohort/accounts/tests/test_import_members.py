from io import StringIO

import pytest
from django.contrib.auth.hashers import is_password_usable
from django.core.management import CommandError, call_command

from cohort.accounts.models import Group, User
from cohort.accounts.services.imports import import_members
from cohort.accounts.tests.factories import GroupFactory, MemberFactory
from cohort.ops.models import AuditEvent

pytestmark = pytest.mark.django_db


def write_csv(tmp_path, text: str, encoding: str = "utf-8"):
    path = tmp_path / "members.csv"
    path.write_text(text, encoding=encoding)
    return path


def run(path, *args) -> str:
    out = StringIO()
    call_command("import_members", str(path), *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def run_failing(path, *args) -> str:
    err = StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_members", str(path), *args, stdout=StringIO(), stderr=err)
    return err.getvalue()


def test_creates_members_and_updates_member_count(tmp_path):
    red = GroupFactory(name="Red")
    MemberFactory(group=red)
    path = write_csv(
        tmp_path,
        "email,name,group\nAda@Example.com,Ada,red\nbob@example.com,Bob,Red\n",
    )

    out = run(path)

    assert "created 2, unchanged 0, groups created 0" in out
    ada = User.objects.get(email="ada@example.com")
    assert (ada.display_name, ada.group, ada.role) == ("Ada", red, User.Role.MEMBER)
    assert not ada.has_usable_password()
    red.refresh_from_db()
    assert red.member_count == 3
    event = AuditEvent.objects.get(action=AuditEvent.Action.MEMBERS_IMPORTED)
    assert event.detail == {"created": 2, "unchanged": 0, "groups_created": []}


def test_reimport_changes_nothing(tmp_path):
    GroupFactory(name="Red")
    path = write_csv(tmp_path, "email,name,group\nada@example.com,Ada,Red\n")
    run(path)

    out = run(path)

    assert "created 0, unchanged 1, groups created 0" in out
    assert User.objects.count() == 1
    assert Group.objects.get(name="Red").member_count == 1


def test_bad_rows_write_nothing_and_are_all_reported(tmp_path):
    red = GroupFactory(name="Red")
    for _ in range(18):
        MemberFactory(group=red)
    blue = GroupFactory(name="Blue")
    MemberFactory(group=blue, email="taken@example.com")
    path = write_csv(
        tmp_path,
        "email,name,group\n"
        "ok@example.com,Ok,Red\n"  # line 2: fine (19th member)
        "not-an-email,Bad,Red\n"  # 3
        "x@example.com,X,Nowhere\n"  # 4
        "OK@example.com,Again,Red\n"  # 5: duplicate of line 2
        "y@example.com,Y,Red\n"  # 6: 20th member, fine
        "z@example.com,Z,Red\n"  # 7: 21st
        "taken@example.com,Taken,Red\n"  # 8: in Blue already
        "w@example.com,,Red\n",  # 9: no name
    )

    err = run_failing(path)
    result = import_members(path)

    assert result.errors == [
        (3, "'not-an-email' is not a valid email address"),
        (4, "no group named 'Nowhere' (--create-groups creates it)"),
        (5, "ok@example.com is a duplicate of line 2"),
        (7, "group Red would have 21 members"),
        (8, "taken@example.com already has an account in another group"),
        (9, "the name is blank"),
    ]
    for line in (3, 4, 5, 7, 8, 9):
        assert f"members.csv:{line}:" in err
    assert User.objects.count() == 19
    red.refresh_from_db()
    assert red.member_count == 18
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.MEMBERS_IMPORTED).exists()


def test_rejects_email_of_a_person_without_a_group(tmp_path):
    GroupFactory(name="Red")
    MemberFactory(group=None, email="former@example.com")
    path = write_csv(tmp_path, "email,name,group\nformer@example.com,Former,Red\n")

    assert import_members(path).errors == [
        (2, "former@example.com already has an account outside any group")
    ]


def test_dry_run_writes_nothing(tmp_path):
    GroupFactory(name="Red")
    path = write_csv(tmp_path, "email,name,group\nada@example.com,Ada,Red\nb@example.com,B,New\n")

    out = run(path, "--dry-run", "--create-groups")

    assert "Dry run" in out
    assert "created 2, unchanged 0, groups created 1" in out
    assert not User.objects.exists()
    assert not Group.objects.filter(name="New").exists()
    assert Group.objects.get(name="Red").member_count == 0
    assert not AuditEvent.objects.exists()


def test_dry_run_still_fails_on_bad_rows(tmp_path):
    path = write_csv(tmp_path, "email,name,group\nada@example.com,Ada,Nowhere\n")

    assert "members.csv:2: no group named 'Nowhere'" in run_failing(path, "--dry-run")


def test_create_groups_creates_missing_groups_without_usable_password(tmp_path):
    path = write_csv(
        tmp_path, "email,name,group\na@example.com,A,Night Owls\nb@example.com,B,night owls\n"
    )

    out = run(path, "--create-groups")

    assert "created 2, unchanged 0, groups created 1" in out
    assert "organiser sets one in the admin: Night Owls" in out
    group = Group.objects.get(name="Night Owls")
    assert group.member_count == 2
    assert not is_password_usable(group.password)
    assert AuditEvent.objects.filter(action=AuditEvent.Action.GROUP_CREATED).count() == 1


def test_cap_applies_to_new_groups(tmp_path):
    rows = "".join(f"m{i}@example.com,M{i},Big\n" for i in range(21))
    path = write_csv(tmp_path, "email,name,group\n" + rows)

    result = import_members(path, create_groups=True)

    assert result.errors == [(22, "group Big would have 21 members")]
    assert not Group.objects.exists()


def test_accepts_bom_and_any_header_case(tmp_path):
    GroupFactory(name="Red")
    path = write_csv(
        tmp_path, "Email,NAME,Group\r\nada@example.com,Ada,Red\r\n", encoding="utf-8-sig"
    )
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")

    assert "created 1" in run(path)
    assert User.objects.filter(email="ada@example.com").exists()


def test_rejects_header_without_required_columns(tmp_path):
    path = write_csv(tmp_path, "mail,name,group\nada@example.com,Ada,Red\n")

    assert "members.csv:1: the header needs the columns" in run_failing(path)


def test_missing_file_is_a_command_error(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_members", str(tmp_path / "nope.csv"), stdout=StringIO())


def test_the_command_generates_passwords_moves_and_welcomes(
    tmp_path, django_capture_on_commit_callbacks
):
    from django.core import mail

    red = GroupFactory(name="Red")
    MemberFactory(group=red, email="bob@example.com")
    path = write_csv(
        tmp_path, "email,name,group\nada@example.com,Ada,Blue\nbob@example.com,Bob,Blue\n"
    )
    with django_capture_on_commit_callbacks(execute=True):
        out = run(path, "--create-groups", "--generate-passwords", "--move-members", "--welcome")
    assert "created 1, unchanged 0, groups created 1, moved 1" in out
    password = out.split("Group Blue: password ", 1)[1].split()[0]
    blue = Group.objects.get(name="Blue")
    assert blue.check_password(password)
    assert User.objects.get(email="bob@example.com").group == blue
    red.refresh_from_db()
    blue.refresh_from_db()
    assert (red.member_count, blue.member_count) == (0, 2)
    assert [m.to for m in mail.outbox] == [["ada@example.com"]]  # the new member only
