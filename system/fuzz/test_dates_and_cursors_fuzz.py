"""Every place a date, a month or a cursor comes from input: any text gives the value or a
clear 4xx, never an exception escaping; what the app writes reads back the same."""

import datetime as dt
import json
import zoneinfo
from base64 import urlsafe_b64encode

import pytest
from django.conf import settings as django_settings
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from cohort.activity.selectors import parse_day
from cohort.activity.services.imports import _parse_day as sheet_day
from cohort.competition.leaderboards.selectors import cursor_decode, cursor_encode
from cohort.core.clock import programme_today
from cohort.core.exceptions import InvalidInput
from cohort.mentoring.reports import report_month_parse
from system.fuzz.strategies import odd_text, pure, writes

# Text that is nearly a date: the shapes people type and the edges of the calendar.
datelike = st.one_of(
    odd_text,
    st.dates().map(str),
    st.datetimes(timezones=st.timezones() | st.none()).map(lambda d: d.isoformat()),
    st.from_regex(r"[0-9]{1,5}-[0-9]{1,2}(-[0-9]{1,2})?", fullmatch=True),
    st.sampled_from(["0001-01-01", "9999-12-31", "0000-01-01", "2026-02-29", "2024-02-29"]),
    st.sampled_from(["2026-W47-2", "20261124", "2026-11-24T24:00", "0001-01-01T00:00+05:00"]),
)


@pure
@given(text=datelike)
def test_an_api_day_is_a_date_or_a_422(text):
    try:
        day = parse_day(text)
    except InvalidInput as exc:
        assert text in exc.detail or repr(text) in exc.detail
        return
    assert isinstance(day, dt.date)


@pure
@given(day=st.dates())
def test_a_day_the_api_writes_reads_back(day):
    assert parse_day(day.isoformat()) == day


@pure
@given(text=datelike)
def test_a_sheet_or_csv_date_is_a_date_or_a_value_error(text):
    try:
        day = sheet_day(text)
    except ValueError:
        return
    assert isinstance(day, dt.date)


@pure
@given(moment=st.datetimes(timezones=st.timezones()))
def test_a_sheet_timestamp_is_its_day_in_the_programme_zone(moment):
    zone = zoneinfo.ZoneInfo(django_settings.PROGRAMME_TIME_ZONE)
    try:
        expected = moment.astimezone(zone).date()
    except OverflowError:  # past year 9999 (or before year 1) there
        with pytest.raises(ValueError):
            sheet_day(moment.isoformat())
        return
    assert sheet_day(moment.isoformat()) == expected


@pure
@given(text=datelike | st.none())
def test_a_report_month_is_a_past_first_day_or_a_422(text):
    try:
        first = report_month_parse(text)
    except InvalidInput:
        return
    assert first.day == 1 and first <= programme_today()


@pure
@given(month=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_a_month_reads_as_its_first_day_unless_it_is_to_come(month):
    text = f"{month.year:04d}-{month.month:02d}"
    first = month.replace(day=1)
    if first > programme_today():
        with pytest.raises(InvalidInput):
            report_month_parse(text)
    else:
        assert report_month_parse(text) == first


@pure
@given(start=st.integers(min_value=0, max_value=10**9 - 1))
def test_a_board_cursor_round_trips(start):
    assert cursor_decode(cursor_encode(start)) == start


@pure
@given(
    text=odd_text
    | st.binary(max_size=40).map(lambda b: urlsafe_b64encode(b).decode().rstrip("="))
    | st.integers().map(lambda n: urlsafe_b64encode(f"start={n}".encode()).decode())
)
def test_any_board_cursor_is_a_start_or_a_422(text):
    try:
        start = cursor_decode(text)
    except InvalidInput:
        return
    assert 0 <= start < 10**9


def _statuses(sent: str, usual: tuple[int, ...]) -> tuple[int, ...]:
    """A NUL character anywhere in a request's path or query is a 400 before any handler
    (cohort.core.middleware.NulCharacterMiddleware); otherwise the usual answers."""
    return (400,) if "\x00" in sent else usual


def _b64(value) -> str:
    return urlsafe_b64encode(value.encode()).decode().rstrip("=")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | odd_text,
    lambda inner: st.lists(inner, max_size=3),
    max_leaves=4,
)
dashboard_cursors = st.one_of(
    odd_text,
    st.tuples(json_values, json_values).map(lambda pair: _b64(json.dumps(list(pair)))),
    st.tuples(datelike, st.integers()).map(lambda pair: _b64(json.dumps(list(pair)))),
    json_values.map(lambda value: _b64(json.dumps(value))),
)
ninja_cursors = st.one_of(
    odd_text,
    st.tuples(odd_text | st.integers().map(str), odd_text, odd_text).map(
        lambda t: _b64(f"p={t[0]}&r={t[1]}&o={t[2]}")
    ),
)


@pytest.fixture
def browser(transactional_db, fuzz_world):
    """A client signed in as each role by token (and by session for the pages)."""

    def client_for(role: str) -> Client:
        client = Client(raise_request_exception=False)
        client.cookies["sessionid"] = fuzz_world.roles[role].session_key
        client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {fuzz_world.roles[role].token}"
        return client

    return client_for


@writes
@given(
    order=st.sampled_from(["progress", "name", "last_activity"]),
    cursor=dashboard_cursors,
)
def test_a_forged_dashboard_cursor_is_a_page_or_a_422(browser, order, cursor):
    response = browser("organiser").get(
        "/api/v1/dashboard", {"scope": "all", "order": order, "cursor": cursor}
    )
    assert response.status_code in _statuses(cursor, (200, 422)), response.content[:300]


@writes
@given(
    board=st.sampled_from(["progress", "points", "lifetime", "groups"]),
    cursor=odd_text | st.integers().map(lambda n: _b64(f"start={n}")),
)
def test_a_forged_board_cursor_is_a_page_or_a_4xx(browser, board, cursor):
    response = browser("member").get(f"/api/v1/leaderboards/{board}", {"cursor": cursor})
    assert response.status_code in _statuses(cursor, (200, 404, 422)), response.content[:300]


@writes
@given(
    url=st.sampled_from(
        ["/api/v1/notifications", "/api/v1/credits", "/api/v1/announcements", "/api/v1/submissions"]
    ),
    cursor=ninja_cursors,
)
def test_a_forged_list_cursor_is_a_page_or_a_422(browser, url, cursor):
    response = browser("member").get(url, {"cursor": cursor})
    assert response.status_code in _statuses(cursor, (200, 422)), response.content[:300]


@writes
@given(start=datelike, end=datelike | st.none())
def test_an_activity_range_is_days_or_a_422(browser, start, end):
    query = {"from": start} if end is None else {"from": start, "to": end}
    response = browser("member").get("/api/v1/activity", query)
    expected = _statuses(f"{start}{end}", (200, 422))
    assert response.status_code in expected, response.content[:300]


@writes
@given(day=datelike, steps=st.integers(min_value=-10, max_value=200_000))
def test_logging_any_day_is_saved_or_a_422(browser, day, steps):
    response = browser("member").put(
        f"/api/v1/activity/{day}", {"steps": steps}, content_type="application/json"
    )
    assert response.status_code in _statuses(day, (200, 404, 422)), response.content[:300]


@writes
@given(month=datelike, page=st.sampled_from(["/report/", "/mentor/report/"]))
def test_a_report_month_from_the_address_is_a_page_or_a_422(browser, month, page):
    role = "member" if page == "/report/" else "mentor"
    response = browser(role).get(page, {"month": month})
    assert response.status_code in _statuses(month, (200, 422)), response.content[:300]
