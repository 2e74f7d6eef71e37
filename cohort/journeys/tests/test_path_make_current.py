"""Making a path current: never one that has not started (members could log nothing on
it), from the admin action or any other caller of path_make_current."""

import datetime as dt

import pytest
from django.utils import timezone

from cohort.core.exceptions import InvalidInput
from cohort.journeys.models import Path
from cohort.journeys.selectors import path_current_get
from cohort.journeys.services import path_make_current
from cohort.journeys.tests.factories import path_create, path_make_current_in_admin

pytestmark = pytest.mark.django_db


def test_a_path_that_starts_tomorrow_is_refused_with_a_clear_message(
    client, django_capture_on_commit_callbacks
):
    old = path_create(name="Old Way")
    tomorrow = timezone.localdate() + dt.timedelta(days=2)
    future = path_create(name="Next Way", start=tomorrow, current=False)
    with pytest.raises(InvalidInput, match=f"Next Way starts on {tomorrow:%-d %B %Y}"):
        path_make_current(path=future)

    with django_capture_on_commit_callbacks(execute=True):
        page = path_make_current_in_admin(client, future).content.decode()
    assert f"Next Way starts on {tomorrow:%-d %B %Y}" in page
    assert "Done: members now walk this path" not in page
    assert Path.objects.get(is_current=True) == old
    assert path_current_get().name == "Old Way"
