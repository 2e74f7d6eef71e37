"""The announcement form on /announcements/: a refusal keeps what was typed, and a mentor
of one group finds it already chosen."""

import re

import pytest

from cohort.accounts.tests.factories import GroupFactory
from cohort.messaging.models import Announcement
from cohort.messaging.tests.factories import mentor_of

pytestmark = pytest.mark.django_db


def _selected_groups(body: str) -> list[str]:
    select = re.search(r'<select name="groups".*?</select>', body, re.S).group(0)
    return re.findall(r'<option value="(\d+)" selected>', select)


def test_a_mentor_of_one_group_finds_it_chosen(signed_in, group):
    body = signed_in(mentor_of(group)).get("/announcements/").content.decode()
    assert _selected_groups(body) == [str(group.pk)]


def test_a_mentor_of_two_groups_chooses_themselves(signed_in, group):
    mentor = mentor_of(group)
    GroupFactory().mentors.add(mentor)
    body = signed_in(mentor).get("/announcements/").content.decode()
    assert _selected_groups(body) == []


def test_a_refused_announcement_keeps_the_title_text_and_group(signed_in, group):
    client = signed_in(mentor_of(group))
    form = {
        "title": "Review day", "text": "Bring your work", "audience": "groups",
        "groups": [group.pk], "priority": 0, "expires_at": "2020-01-01T10:00",
    }  # fmt: skip
    response = client.post("/announcements/new/", form)
    body = response.content.decode()
    assert response.status_code == 422 and "expiry must be in the future" in body
    assert 'value="Review day"' in body and ">\nBring your work</textarea>" in body
    assert _selected_groups(body) == [str(group.pk)]
    assert not Announcement.objects.exists()


def test_a_form_missing_its_text_keeps_the_title(signed_in, group):
    client = signed_in(mentor_of(group))
    form = {"title": "Review day", "text": "", "audience": "groups", "groups": [group.pk]}
    response = client.post("/announcements/new/", {**form, "priority": 0})
    body = response.content.decode()
    assert response.status_code == 422 and 'value="Review day"' in body
    assert _selected_groups(body) == [str(group.pk)]
