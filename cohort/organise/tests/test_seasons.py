"""Seasons in the console: the next one copied from the last (settings and every assignment
of its weeks), dates changed, an upcoming season started today after a confirmation."""

import datetime as dt

import pytest

from cohort.competition.models import Episode, Season
from cohort.competition.tests.factories import SeasonFactory
from cohort.core.clock import programme_today
from cohort.core.exceptions import Conflict, InvalidInput, PermissionDenied
from cohort.notifications.models import Notification
from cohort.ops.models import AuditEvent
from cohort.organise.services import (
    season_activate,
    season_dates_update,
    season_next_create,
    season_next_defaults,
)
from cohort.reviews.models import Assignment
from cohort.reviews.tests.factories import AssignmentFactory, episode_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def last(console):
    """The running season with a cap of its own and three assignments over its weeks."""
    season = console.programme.season
    Season.objects.filter(pk=season.pk).update(point_cap=900, credit_divisor=5)
    season.refresh_from_db()
    category = console.programme.category
    AssignmentFactory(
        episode=episode_of(season, 2), category=category, title="CV", points=40,
        due_on=season.starts_on + dt.timedelta(days=10), is_required=False,
    )  # fmt: skip
    AssignmentFactory(episode=episode_of(season, 4), category=category, title="Mock interview")
    return season


def _next_start(season):
    return season.ends_on + dt.timedelta(days=1)


def test_the_next_season_copies_the_last(console, last):
    starts = _next_start(last)
    made = season_next_create(actor=console.organiser, starts_on=starts)
    season = made.season
    assert made.copied_from == last and made.assignments == 3
    assert season.status == Season.Status.UPCOMING
    assert (season.point_cap, season.credit_divisor) == (900, 5)
    assert season.episodes.count() == 4
    copied = {a.title: a for a in Assignment.objects.filter(episode__season=season)}
    old = {a.title: a for a in Assignment.objects.filter(episode__season=last)}
    assert set(copied) == set(old)
    for title, a in copied.items():
        assert a.episode.number == old[title].episode.number
        assert (a.points, a.is_required, a.category_id) == (
            old[title].points, old[title].is_required, old[title].category_id,
        )  # fmt: skip
    assert copied["CV"].due_on == starts + dt.timedelta(days=10)
    event = AuditEvent.objects.get(action=AuditEvent.Action.SEASON_CREATED)
    assert event.target_id == season.pk and event.detail["assignments"] == 3


def test_the_next_season_starts_after_the_last(console, last):
    with pytest.raises(InvalidInput):
        season_next_create(actor=console.organiser, starts_on=last.ends_on)
    assert Season.objects.count() == 1


def test_a_first_season_on_an_empty_install(console):
    Season.objects.all().delete()
    assert season_next_defaults(None) is None
    made = season_next_create(actor=console.organiser, starts_on=dt.date(2027, 3, 1))
    assert made.copied_from is None and made.assignments == 0
    assert (made.season.name, made.season.ends_on) == ("March 2027", dt.date(2027, 3, 31))


def test_the_form_suggests_the_month_after_the_last(console, last):
    starts = _next_start(last)
    assert season_next_defaults(last)[0] == starts


def test_only_organisers_change_seasons(console, last):
    with pytest.raises(PermissionDenied):
        season_next_create(actor=console.coordinator, starts_on=_next_start(last))
    with pytest.raises(PermissionDenied):
        season_activate(actor=console.coordinator, season_id=last.pk)


def test_dates_of_an_upcoming_season_move_its_weeks(console, last):
    upcoming = season_next_create(actor=console.organiser, starts_on=_next_start(last)).season
    starts = upcoming.starts_on + dt.timedelta(days=3)
    ends = starts + dt.timedelta(days=34)
    season_dates_update(
        actor=console.organiser, season_id=upcoming.pk, starts_on=starts, ends_on=ends
    )
    upcoming.refresh_from_db()
    assert (upcoming.starts_on, upcoming.ends_on) == (starts, ends)
    weeks = list(Episode.objects.filter(season=upcoming).order_by("number"))
    assert weeks[0].starts_on == starts and weeks[-1].ends_on == ends
    assert weeks[1].starts_on == starts + dt.timedelta(days=7)
    assert AuditEvent.objects.filter(action=AuditEvent.Action.SEASON_DATES_CHANGED).count() == 1


def test_an_active_season_keeps_its_start(console, last):
    with pytest.raises(Conflict):
        season_dates_update(
            actor=console.organiser, season_id=last.pk,
            starts_on=last.starts_on + dt.timedelta(days=1), ends_on=last.ends_on,
        )  # fmt: skip
    longer = last.ends_on + dt.timedelta(days=3)
    season_dates_update(
        actor=console.organiser, season_id=last.pk, starts_on=last.starts_on, ends_on=longer
    )
    assert Season.objects.get(pk=last.pk).ends_on == longer


def test_dates_may_not_overlap_another_season(console, last):
    upcoming = season_next_create(actor=console.organiser, starts_on=_next_start(last)).season
    with pytest.raises(Conflict):
        season_dates_update(
            actor=console.organiser, season_id=upcoming.pk, starts_on=last.ends_on,
            ends_on=upcoming.ends_on,
        )  # fmt: skip
    assert Season.objects.get(pk=upcoming.pk).starts_on == upcoming.starts_on


def test_start_now_waits_for_the_active_season(console, last):
    upcoming = season_next_create(actor=console.organiser, starts_on=_next_start(last)).season
    with pytest.raises(Conflict, match="still active"):
        season_activate(actor=console.organiser, season_id=upcoming.pk)


def test_start_now_moves_the_start_to_today_and_tells_members(console, last):
    Season.objects.filter(pk=last.pk).update(status=Season.Status.FINALISED)
    today = programme_today()
    upcoming = SeasonFactory(
        status=Season.Status.UPCOMING, starts_on=today + dt.timedelta(days=40),
        ends_on=today + dt.timedelta(days=70),
    )  # fmt: skip
    Season.objects.filter(pk=last.pk).update(ends_on=today - dt.timedelta(days=1))
    season = season_activate(actor=console.organiser, season_id=upcoming.pk)
    assert (season.status, season.starts_on) == (Season.Status.ACTIVE, today)
    assert episode_of(season, 1).starts_on == today
    assert Notification.objects.filter(dedupe_key=f"season-start:{season.pk}").count() == 5
    assert AuditEvent.objects.filter(action=AuditEvent.Action.SEASON_ACTIVATED).count() == 1


# --- The page -------------------------------------------------------------------------------


def test_the_page_creates_the_next_season(console, last, as_user):
    client = as_user(console.organiser)
    starts = _next_start(last)
    response = client.post("/organise/seasons/", {"next-starts_on": starts.isoformat()})
    assert response.status_code == 302
    page = client.get("/organise/seasons/").content.decode()
    assert "created with 3 assignments copied" in page
    assert starts.strftime("%B %Y") in page


def test_a_bad_start_is_shown_by_the_field_keeping_what_was_typed(console, last, as_user):
    client = as_user(console.organiser)
    data = {"next-name": "Spring sprint", "next-starts_on": last.starts_on.isoformat()}
    response = client.post("/organise/seasons/", data)
    assert response.status_code == 422
    body = response.content.decode()
    assert 'id="id_next-starts_on_error"' in body and "starts after" in body
    assert 'value="Spring sprint"' in body
    assert Season.objects.count() == 1


def test_start_now_asks_first(console, last, as_user):
    Season.objects.filter(pk=last.pk).update(
        status=Season.Status.FINALISED, ends_on=programme_today() - dt.timedelta(days=1)
    )
    upcoming = season_next_create(
        actor=console.organiser, starts_on=programme_today() + dt.timedelta(days=5)
    ).season
    client = as_user(console.organiser)
    url = f"/organise/seasons/{upcoming.pk}/activate/"
    asked = client.post(url)
    assert asked.status_code == 200 and "Start this season today?" in asked.content.decode()
    assert Season.objects.get(pk=upcoming.pk).status == Season.Status.UPCOMING
    assert client.post(url, {"confirmed": "yes"}).status_code == 302
    assert Season.objects.get(pk=upcoming.pk).status == Season.Status.ACTIVE


def test_start_now_refused_is_a_page_not_an_error(console, last, as_user):
    upcoming = season_next_create(actor=console.organiser, starts_on=_next_start(last)).season
    response = as_user(console.organiser).post(
        f"/organise/seasons/{upcoming.pk}/activate/", {"confirmed": "yes"}
    )
    assert response.status_code == 409 and "still active" in response.content.decode()


def test_dates_form_error_keeps_the_input(console, last, as_user):
    data = {f"s{last.pk}-starts_on": "2026-13-01", f"s{last.pk}-ends_on": "2027-01-31"}
    response = as_user(console.organiser).post(f"/organise/seasons/{last.pk}/dates/", data)
    assert response.status_code == 422
    body = response.content.decode()
    assert f'id="id_s{last.pk}-starts_on_error"' in body and 'value="2027-01-31"' in body


def test_an_unknown_season_is_404(console, as_user):
    client = as_user(console.organiser)
    data = {"s999999-starts_on": "2030-01-01", "s999999-ends_on": "2030-01-31"}
    assert client.post("/organise/seasons/999999/dates/", data).status_code == 404
    assert (
        client.post("/organise/seasons/999999/activate/", {"confirmed": "yes"}).status_code == 404
    )
