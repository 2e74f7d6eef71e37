"""The map gives staff a picker of the groups they may see; members get none."""

import pytest
from django.urls import reverse

from cohort.accounts.tests.factories import GroupFactory, MemberFactory, mentor_of
from cohort.journeys.tests.factories import path_create

pytestmark = pytest.mark.django_db


def test_a_mentor_picks_one_of_their_groups_on_the_map(client):
    path_create()
    mine, theirs = GroupFactory(name="Herons"), GroupFactory(name="Kites")
    MemberFactory(group=mine)
    mentor = mentor_of(mine)
    client.force_login(mentor)
    html = client.get(reverse("dashboard:map")).content.decode()
    assert '<select id="map-group" name="group">' in html
    assert f'<option value="{mine.pk}"' in html and "Kites" not in html
    shown = client.get(reverse("dashboard:map"), {"group": mine.pk}).content.decode()
    assert "Where everyone is" in shown and f'<option value="{mine.pk}" selected' in shown
    assert client.get(reverse("dashboard:map"), {"group": theirs.pk}).status_code == 404


def test_a_member_gets_no_picker_on_the_map(client):
    path_create()
    client.force_login(MemberFactory())
    assert 'id="map-group"' not in client.get(reverse("dashboard:map")).content.decode()
