"""A milestone's postcard (text and an optional photo) reaches the member with the
milestone: in its notification, and only once they have reached it (no spoilers)."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cohort.accounts.tests.factories import MemberFactory, StaffFactory
from cohort.core.exceptions import NotFound
from cohort.journeys.models import Milestone, postcard_photo_validate
from cohort.journeys.selectors import (
    milestone_postcard_get_for_viewer,
    path_current_get,
    postcards_for_viewer,
)
from cohort.journeys.services import enrollment_apply_steps, path_cache_clear
from cohort.journeys.tests.factories import path_create
from cohort.notifications.models import Notification

pytestmark = pytest.mark.django_db

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81"
    b"\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)


def _walk(member, steps: int) -> None:
    """What a logged day pushes down to journeys (activity sits above it)."""
    enrollment_apply_steps(user_id=member.pk, day=timezone.localdate(), delta_steps=steps)


@pytest.fixture
def path():
    path = path_create()
    Milestone.objects.filter(path=path, name="Ford").update(
        postcard="Cold water up to the knees, and a heron watching."
    )
    Milestone.objects.filter(path=path, name="Inn").update(postcard="Soup, bread and a fire.")
    path_cache_clear()
    return path


def test_the_notification_carries_the_postcard_and_links_to_it(path):
    member = MemberFactory()
    _walk(member, 1_500)  # past Ford (10)
    ford = Milestone.objects.get(path=path, name="Ford")
    notice = Notification.objects.get(recipient=member)
    assert notice.text == (
        "You reached Ford on Test Way! Cold water up to the knees, and a heron watching."
    )
    assert notice.link == f"/milestones/{ford.pk}/"


def test_a_long_postcard_is_cut_to_fit_the_notification(path):
    Milestone.objects.filter(path=path, name="Ford").update(postcard="word " * 80)
    path_cache_clear()
    member = MemberFactory()
    _walk(member, 1_500)
    text = Notification.objects.get(recipient=member).text
    assert len(text) <= 300 and text.endswith("…")


def test_a_member_sees_only_the_postcards_of_milestones_reached(path):
    member = MemberFactory()
    _walk(member, 1_500)  # Ford, not Inn
    current = path_current_get()
    assert [m.name for m in postcards_for_viewer(viewer=member, path=current)] == ["Ford"]
    ford, inn = (Milestone.objects.get(path=path, name=n) for n in ("Ford", "Inn"))
    assert milestone_postcard_get_for_viewer(viewer=member, milestone_id=ford.pk).name == "Ford"
    with pytest.raises(NotFound):
        milestone_postcard_get_for_viewer(viewer=member, milestone_id=inn.pk)


def test_a_postcard_once_reached_stays_after_a_day_is_lowered(path):
    member = MemberFactory()
    _walk(member, 1_500)
    _walk(member, -1_400)  # back before Ford
    ford = Milestone.objects.get(path=path, name="Ford")
    assert milestone_postcard_get_for_viewer(viewer=member, milestone_id=ford.pk).pk == ford.pk


def test_organisers_see_every_postcard_and_mentors_none_ahead(path):
    current = path_current_get()
    names = [m.name for m in postcards_for_viewer(viewer=StaffFactory(), path=current)]
    assert names == ["Ford", "Inn"]
    assert postcards_for_viewer(viewer=StaffFactory(role="mentor"), path=current) == []


def test_a_photo_must_be_an_image_by_its_content():
    postcard_photo_validate(SimpleUploadedFile("heron.png", PNG))
    with pytest.raises(ValidationError):
        postcard_photo_validate(SimpleUploadedFile("heron.png", b"<html>not an image</html>"))
    with pytest.raises(ValidationError):
        postcard_photo_validate(SimpleUploadedFile("heron.jpg", PNG))  # name disagrees
