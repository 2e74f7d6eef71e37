"""The LeetCode sync against a real local HTTP server that answers like LeetCode's GraphQL
endpoint: per username a set of submission days, and a script of misbehaviours."""

import datetime as dt
import io
import socket

import pytest
import time_machine
from django.core.management import call_command
from django.db.models import Sum

from cohort.accounts.tests.factories import MemberFactory
from cohort.activity.models import Streak
from cohort.activity.services.leetcode import leetcode_streaks_sync
from cohort.activity.services.points import coding_points_for, coding_source
from cohort.activity.tasks import sync_leetcode_streaks_task
from cohort.activity.tests.fake_leetcode import fake_leetcode
from cohort.competition.models import Category, PointsEntry
from cohort.competition.tests.factories import CategoryFactory, SeasonFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 20, 12, tzinfo=dt.UTC)
TODAY = NOW.date()


def _stamp(day: dt.date) -> str:
    return str(int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp()))


def _run(last: dt.date, length: int) -> set[dt.date]:
    return {last - dt.timedelta(days=i) for i in range(length)}


@pytest.fixture
def leetcode(settings):
    with fake_leetcode(settings) as fake:
        yield fake


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def _coder(fake, username, days=None, script=None):
    """A member whose LeetCode username is verified as theirs (only those are synced)."""
    member = MemberFactory(leetcode_username=username, leetcode_verified_at=NOW)
    if days is not None:
        fake.days[username] = days
    if script:
        fake.script[username] = list(script)
    return member


def _sync(**kwargs):
    return leetcode_streaks_sync(backoff=0.01, **kwargs)


def _streak(member) -> Streak:
    return Streak.objects.get(user=member, kind=Streak.Kind.LEETCODE)


def test_the_streak_comes_from_the_calendar(leetcode):
    older = _run(TODAY - dt.timedelta(days=40), 6)
    member = _coder(leetcode, "ada", _run(TODAY - dt.timedelta(days=1), 4) | older)
    result = _sync()
    assert result.as_dict() == {"synced": 1, "unchanged": 0, "unknown_user": 0, "failed": 0}
    streak = _streak(member)
    assert (streak.current, streak.longest, streak.last_day) == (4, 6, TODAY - dt.timedelta(1))
    assert (streak.synced_at, streak.last_error) == (NOW, "")


def test_running_twice_adds_no_day(leetcode):
    member = _coder(leetcode, "ada", _run(TODAY, 3))
    _sync()
    first = _streak(member)
    result = _sync()
    assert result.as_dict() == {"synced": 0, "unchanged": 1, "unknown_user": 0, "failed": 0}
    again = _streak(member)
    assert (
        (again.current, again.longest, again.last_day) == (first.current, 3, TODAY) == (3, 3, TODAY)
    )


def test_a_streak_crossing_new_year_asks_for_both_years(leetcode):
    member = _coder(leetcode, "ada", _run(dt.date(2027, 1, 2), 6))  # 28 Dec to 2 Jan
    with time_machine.travel(dt.datetime(2027, 1, 2, 20, tzinfo=dt.UTC), tick=False):
        _sync()
    assert (_streak(member).current, _streak(member).longest) == (6, 6)


def test_an_unknown_user_is_recorded_and_the_others_go_on(leetcode):
    ghost = _coder(leetcode, "nobody-here")
    member = _coder(leetcode, "ada", _run(TODAY, 2))
    result = _sync()
    assert (result.unknown_user, result.synced) == (1, 1)
    assert _streak(ghost).last_error == "LeetCode has no user 'nobody-here'"
    assert (_streak(ghost).current, _streak(ghost).synced_at) == (0, None)
    assert _streak(member).current == 2


def test_a_server_error_is_retried(leetcode):
    member = _coder(leetcode, "ada", _run(TODAY, 2), script=["500", "ok"])
    assert _sync().synced == 1
    assert leetcode.requests_for("ada") == 2
    assert _streak(member).current == 2


def test_server_errors_past_the_retries_are_a_failure(leetcode):
    member = _coder(leetcode, "ada", _run(TODAY, 2), script=["500"])
    assert _sync().failed == 1
    assert leetcode.requests_for("ada") == 3  # the call and LEETCODE_RETRIES = 2 retries
    assert "too many 500 error responses" in _streak(member).last_error


def test_a_slow_answer_times_out_is_retried_and_fails(leetcode, settings):
    settings.LEETCODE_RETRIES = 1
    slow = _coder(leetcode, "slowpoke", _run(TODAY, 2), script=["slow"])
    member = _coder(leetcode, "ada", _run(TODAY, 5))
    result = _sync()
    assert (result.failed, result.synced) == (1, 1)
    assert leetcode.requests_for("slowpoke") == 2
    assert _streak(slow).last_error == "no answer after 1 retries: timed out"
    assert _streak(member).current == 5


def test_a_refused_connection_is_retried_and_fails(settings):
    with socket.socket() as unused:  # a port nobody listens on once closed
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    settings.LEETCODE_BASE_URL = f"http://127.0.0.1:{port}"
    settings.LEETCODE_RETRIES = 2
    settings.LEETCODE_REQUESTS_PER_SECOND = 1000
    member = MemberFactory(leetcode_username="ada", leetcode_verified_at=NOW)
    assert _sync().failed == 1
    assert _streak(member).last_error.startswith("no answer after 2 retries: ")
    assert "refused" in _streak(member).last_error


@pytest.mark.parametrize(
    ("behaviour", "error"),
    [
        ("not-json", "malformed answer: not JSON"),
        ("bad-calendar", "malformed answer: submissionCalendar is not a JSON map"),
    ],
)
def test_a_malformed_answer_is_a_failure_with_a_clear_error(leetcode, behaviour, error):
    member = _coder(leetcode, "ada", _run(TODAY, 2), script=[behaviour])
    _sync()
    assert leetcode.requests_for("ada") == 1  # not retried: asking again would not help
    assert _streak(member).last_error == error


def test_a_failure_keeps_the_last_numbers(leetcode):
    member = _coder(leetcode, "ada", _run(TODAY, 4))
    _sync()
    leetcode.script["ada"] = ["not-json"]
    assert _sync().failed == 1
    streak = _streak(member)
    assert (streak.current, streak.synced_at, streak.last_error) == (
        4,
        NOW,
        "malformed answer: not JSON",
    )


def test_one_failure_of_each_kind_does_not_stop_the_others(leetcode):
    _coder(leetcode, "ghost")
    _coder(leetcode, "broken", _run(TODAY, 1), script=["not-json"])
    _coder(leetcode, "flaky", _run(TODAY, 1), script=["500", "ok"])
    _coder(leetcode, "ada", _run(TODAY, 1))
    inactive = _coder(leetcode, "gone", _run(TODAY, 1))
    inactive.is_active = False
    inactive.save()
    MemberFactory(leetcode_username="")
    MemberFactory(leetcode_username="unverified")  # not shown to be theirs: never asked
    result = _sync()
    assert result.as_dict() == {"synced": 2, "unchanged": 0, "unknown_user": 1, "failed": 1}
    assert leetcode.requests_for("gone") == 0
    assert leetcode.requests_for("unverified") == 0


def test_requests_are_spaced_by_the_rate_bound(leetcode, settings):
    settings.LEETCODE_REQUESTS_PER_SECOND = 20
    for i in range(6):
        _coder(leetcode, f"coder{i}", _run(TODAY, 1))
    _sync()
    times = sorted(moment for _, moment in leetcode.seen)
    assert len(times) == 6
    # Five gaps of at least 1/20 s: 0.25 s in all. The whole span, not each gap, is checked:
    # a busy machine can delay the server seeing one request and shrink one gap, but not
    # the span by more than that one delay.
    assert times[-1] - times[0] >= 0.2


def test_the_command_syncs_one_member_and_prints_a_summary(leetcode):
    member = _coder(leetcode, "ada", _run(TODAY, 3))
    _coder(leetcode, "bob", _run(TODAY, 3))
    out = io.StringIO()
    call_command("sync_leetcode_streaks", "--user", member.email.upper(), "--verbose", stdout=out)
    assert out.getvalue().splitlines() == [
        f"{member.email}: synced (current 3, longest 3)",
        "LeetCode streaks: synced 1, unchanged 0, unknown user 0, failed 0.",
    ]
    assert leetcode.requests_for("bob") == 0


def test_the_task_syncs_everyone(leetcode):
    _coder(leetcode, "ada", _run(TODAY, 3))
    assert sync_leetcode_streaks_task() == {
        "synced": 1,
        "unchanged": 0,
        "unknown_user": 0,
        "failed": 0,
    }


@pytest.mark.parametrize(
    ("covered", "points"),
    [(30, 100), (28, 100), (27, 80), (24, 80), (23, 60), (18, 60), (17, 40), (12, 40),
     (11, 20), (6, 20), (5, 0), (0, 0)],
)  # fmt: skip
def test_coding_bands_in_a_thirty_day_season(covered, points):
    assert coding_points_for(covered=covered, season_days=30, cap=100) == points


def test_coding_bands_scale_with_the_cap():
    assert coding_points_for(covered=24, season_days=30, cap=250) == 200


@pytest.mark.parametrize(("run", "points"), [(28, 100), (24, 80), (17, 40), (5, 0)])
def test_the_longest_run_inside_the_season_earns_its_band(leetcode, run, points):
    season = SeasonFactory(starts_on=dt.date(2026, 3, 1), ends_on=dt.date(2026, 3, 30))
    coding = CategoryFactory(name="Coding", rule=Category.Rule.CODING_STREAK, season_cap=100)
    # A run ending on the 29th, plus days before the season that do not count.
    days = _run(dt.date(2026, 3, 29), run) | _run(dt.date(2026, 2, 28), 10)
    member = _coder(leetcode, "ada", days)
    with time_machine.travel(dt.datetime(2026, 3, 31, 12, tzinfo=dt.UTC), tick=False):
        _sync()
        _sync()
    source = coding_source(coding, season, member.pk)
    entries = PointsEntry.objects.filter(source=source)
    assert (entries.aggregate(net=Sum("points"))["net"] or 0) == points
    assert entries.count() == (1 if points else 0)  # the rerun added nothing


def test_coding_points_follow_the_calendar_down(leetcode):
    season = SeasonFactory(starts_on=dt.date(2026, 3, 1), ends_on=dt.date(2026, 3, 30))
    coding = CategoryFactory(name="Coding", rule=Category.Rule.CODING_STREAK, season_cap=100)
    member = _coder(leetcode, "ada", _run(TODAY, 12))  # 9 to 20 March: 40 %
    _sync()
    leetcode.days["ada"] = _run(TODAY, 6)  # a run of six: 20 %
    _sync()
    net = PointsEntry.objects.filter(source=coding_source(coding, season, member.pk))
    assert list(net.order_by("id").values_list("points", flat=True)) == [40, -20]
