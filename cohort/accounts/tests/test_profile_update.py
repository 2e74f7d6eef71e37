"""Members change their own display name, time zone and marker colour (before, only the
admin could): the profile form, the browser's zone offered once, and the caches that held
the old name dropped at once."""

import pytest
from django.urls import reverse

from cohort.accounts.models import User
from cohort.accounts.services.profile import ProfileInvalid, profile_update
from cohort.accounts.tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def _profile_post(client, **data):
    fields = {"profile": "1", "display_name": "Ana", "time_zone": "Europe/Madrid"}
    return client.post(reverse("accounts:profile"), {**fields, "marker_colour": "#aa3300", **data})


def test_the_service_changes_the_three_and_records_the_choice_of_zone():
    member = MemberFactory(time_zone="America/Chicago")
    profile_update(
        user=member, display_name=" Ana ", time_zone="Europe/Madrid", marker_colour="#AA3300"
    )
    member = User.objects.get(pk=member.pk)
    assert (member.display_name, member.time_zone, member.marker_colour) == (
        "Ana",
        "Europe/Madrid",
        "#aa3300",
    )
    assert member.time_zone_chosen_at is not None


@pytest.mark.parametrize(
    "field, value",
    [("time_zone", "Europe/Atlantis"), ("display_name", "  "), ("marker_colour", "red")],
)
def test_the_service_refuses_bad_values_naming_the_field(field, value):
    member = MemberFactory(time_zone="America/Chicago")
    with pytest.raises(ProfileInvalid) as refused:
        profile_update(user=member, **{field: value})
    assert refused.value.field == field and refused.value.status_code == 422
    assert User.objects.get(pk=member.pk).time_zone == "America/Chicago"


def test_the_profile_page_has_the_form_with_a_searchable_list_of_zones(client):
    client.force_login(MemberFactory(time_zone="America/Chicago"))
    html = client.get(reverse("accounts:profile")).content.decode()
    assert 'list="time-zones"' in html and '<datalist id="time-zones">' in html
    assert '<option value="Europe/Madrid">' in html
    assert 'type="color"' in html and 'value="America/Chicago"' in html


def test_a_member_saves_their_name_zone_and_colour_on_the_profile(client):
    member = MemberFactory(time_zone="America/Chicago")
    client.force_login(member)
    assert _profile_post(client).status_code == 302
    member.refresh_from_db()
    assert (member.display_name, member.time_zone, member.marker_colour) == (
        "Ana",
        "Europe/Madrid",
        "#aa3300",
    )


def test_an_unknown_zone_is_a_field_error_keeping_what_was_typed(client):
    member = MemberFactory(time_zone="America/Chicago")
    client.force_login(member)
    response = _profile_post(client, time_zone="Europe/Atlantis", display_name="Ana B")
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_time_zone_error"' in html and "is not a known time zone" in html
    assert 'value="Europe/Atlantis"' in html and 'value="Ana B"' in html
    member.refresh_from_db()
    assert (member.time_zone, member.display_name) != ("Europe/Atlantis", "Ana B")


def test_the_browser_zone_is_offered_until_the_member_chooses(client):
    member = MemberFactory(time_zone="America/Chicago")
    client.force_login(member)
    home = client.get(reverse("dashboard:home")).content.decode()
    assert "data-zone-offer" in home and 'data-current="America/Chicago"' in home
    assert "/static/js/time-zone-offer.js" in home
    taken = client.post(
        reverse("accounts:profile-time-zone"), {"time_zone": "Europe/Madrid", "next": "/"}
    )
    assert taken.status_code == 302 and taken["Location"] == "/"
    member.refresh_from_db()
    assert member.time_zone == "Europe/Madrid" and member.time_zone_chosen_at is not None
    assert "data-zone-offer" not in client.get(reverse("dashboard:home")).content.decode()


def test_keeping_the_zone_also_ends_the_offer(client):
    member = MemberFactory(time_zone="America/Chicago")
    client.force_login(member)
    client.post(reverse("accounts:profile-time-zone"), {"time_zone": "America/Chicago"})
    member.refresh_from_db()
    assert member.time_zone == "America/Chicago" and member.time_zone_chosen_at is not None
