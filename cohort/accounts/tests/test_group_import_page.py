"""A group leader's bulk add on their group page: a CSV of up to the group's places, every
line checked before anything is written, applied with welcome emails; their group only."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from cohort.accounts.models import User
from cohort.accounts.tests.factories import GroupFactory, MemberFactory

pytestmark = pytest.mark.django_db


def _leader(group, **kwargs) -> User:
    leader = MemberFactory(group=group, has_personal_password=True, **kwargs)
    group.leader = leader
    group.save(update_fields=["leader"])
    return leader


def _rows(count: int, start: int = 0) -> str:
    return "email,name\n" + "".join(f"owl{i}@example.com,Owl {i}\n" for i in range(start, count))


def _check(client, group, text):
    upload = SimpleUploadedFile("owls.csv", text.encode())
    return client.post(f"/group/{group.pk}/import/", {"file": upload})


@pytest.fixture
def owls(client):
    group = GroupFactory(name="Owls")
    client.force_login(_leader(group))
    return group


def test_the_group_page_offers_the_csv_to_its_leader(client, owls):
    html = client.get(f"/group/{owls.pk}/").content.decode()
    assert "Add members from a CSV" in html


def test_a_leader_checks_then_adds_members_with_welcome_emails(
    client, owls, django_capture_on_commit_callbacks
):
    preview = _check(client, owls, _rows(3))
    assert preview.status_code == 200
    assert "3 members would be added" in preview.content.decode()
    assert owls.members.count() == 1
    key = preview.context["apply_form"].initial["key"]
    with django_capture_on_commit_callbacks(execute=True):
        applied = client.post(f"/group/{owls.pk}/import/apply/", {"key": key, "welcome": "on"})
    assert applied.status_code == 302
    assert owls.members.count() == 4
    assert sorted(m.to[0] for m in mail.outbox) == [f"owl{i}@example.com" for i in range(3)]
    assert "Owls" in mail.outbox[0].subject


def test_two_bad_lines_are_shown_by_line_and_nothing_is_written(client, owls):
    text = "email,name\nowl0@example.com,Owl\nbroken,Bad\nowl2@example.com,\n"
    response = _check(client, owls, text)
    assert response.status_code == 422
    errors = [r.line for r in response.context["import_result"].rows if r.outcome == "error"]
    assert errors == [3, 4]
    html = response.content.decode()
    assert "Lines 3, 4 have errors" in html and 'id="line-3"' in html
    assert owls.members.count() == 1


def test_more_than_the_places_left_is_refused_by_line(client, owls):
    response = _check(client, owls, _rows(20))  # the leader + 20 = 21
    assert response.status_code == 422
    assert [r.line for r in response.context["import_result"].rows if r.outcome == "error"] == [21]
    assert owls.members.count() == 1


def test_a_row_for_another_group_is_an_error(client, owls):
    GroupFactory(name="Larks")
    response = _check(client, owls, "email,name,group\nlark@example.com,Lark,Larks\n")
    assert response.status_code == 422
    assert not User.objects.filter(email="lark@example.com").exists()


def test_a_preview_applies_only_to_its_own_group(client, owls):
    preview = _check(client, owls, _rows(1))
    key = preview.context["apply_form"].initial["key"]
    larks = GroupFactory(name="Larks")
    _leader(larks)  # an organiser could apply elsewhere; a leader cannot even reach it
    response = client.post(f"/group/{larks.pk}/import/apply/", {"key": key})
    assert response.status_code == 404
    assert not User.objects.filter(email="owl0@example.com").exists()


def test_a_member_who_does_not_lead_may_not_import(client):
    group = GroupFactory()
    _leader(group)
    client.force_login(MemberFactory(group=group))
    assert _check(client, group, _rows(1)).status_code == 403
