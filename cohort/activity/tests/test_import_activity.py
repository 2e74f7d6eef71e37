import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from cohort.accounts.tests.factories import GroupFactory, MemberFactory, StaffFactory
from cohort.activity.models import DailyActivity
from cohort.activity.services.daily import activity_log, activity_review
from cohort.activity.services.imports import UnreadableSource, rows_from_csv
from cohort.activity.services.recompute import progress_recompute_groups
from cohort.core.clock import user_today
from cohort.journeys.models import Enrollment
from cohort.journeys.tests.factories import path_create
from cohort.notifications.models import Notification
from cohort.ops.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def walkers():
    path_create()
    group = GroupFactory()
    return [MemberFactory(group=group, email=f"walker{i}@example.com") for i in range(3)]


@pytest.fixture
def days(walkers):
    today = user_today(walkers[0])
    return [today - dt.timedelta(days=n) for n in range(3)]


def _run(tmp_path, text: str, options, out: StringIO, err: StringIO) -> None:
    csv_file = tmp_path / "steps.csv"
    csv_file.write_text(text, encoding="utf-8")
    call_command("import_activity", str(csv_file), *options, stdout=out, stderr=err)


def _import(tmp_path, text: str, *options) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    _run(tmp_path, text, options, out, err)
    return out.getvalue(), err.getvalue()


def _import_failing(tmp_path, text: str, *options) -> tuple[str, str]:
    err = StringIO()
    with pytest.raises(CommandError) as failure:
        _run(tmp_path, text, options, StringIO(), err)
    return str(failure.value), err.getvalue()


def _good_csv(days) -> str:
    return (
        "email,date,steps\n"
        f"walker0@example.com,{days[0]},1200\n"
        f'WALKER1@example.com , {days[1]},"3,400"\n'
        f"walker0@example.com,{days[1]},800\n"
    )


def _steps(member) -> dict:
    return dict(DailyActivity.objects.filter(user=member).values_list("date", "steps"))


def test_a_good_file_is_upserted_and_moves_the_members_along(tmp_path, walkers, days):
    out, _ = _import(tmp_path, _good_csv(days))
    assert "created 3, updated 0, unchanged 0 (2 members)" in out
    assert _steps(walkers[0]) == {days[0]: 1200, days[1]: 800}
    assert _steps(walkers[1]) == {days[1]: 3400}
    assert Enrollment.objects.get(user=walkers[0]).steps == 2000
    assert Enrollment.objects.get(user=walkers[1]).steps == 3400
    assert set(DailyActivity.objects.values_list("source", flat=True)) == {"csv"}
    walkers[1].refresh_from_db()
    assert walkers[1].last_logged_on == days[1]
    assert AuditEvent.objects.filter(action=AuditEvent.Action.ACTIVITY_IMPORTED).count() == 1


def test_a_file_with_bad_rows_writes_nothing_and_names_every_bad_line(tmp_path, walkers, days):
    future = days[0] + dt.timedelta(days=2)
    organiser = StaffFactory(email="boss@example.com")
    text = (
        "email,date,steps\n"
        f"walker0@example.com,{days[0]},1200\n"  # line 2: fine
        f"nobody@example.com,{days[0]},1200\n"  # 3
        f"walker1@example.com,{days[0]},-5\n"  # 4
        f"walker1@example.com,{future},100\n"  # 5
        f"walker2@example.com,24/11/2026,100\n"  # 6
        f"walker2@example.com,{days[1]},100001\n"  # 7
        f"walker2@example.com,{days[2]},lots\n"  # 8
        f"walker0@example.com,{days[0]},1300\n"  # 9: line 2 again
        f"{organiser.email},{days[0]},100\n"  # 10
        f",{days[0]},100\n"  # 11
    )
    message, err = _import_failing(tmp_path, text)
    assert "9 bad row(s); nothing was written" in message
    expected = {
        3: "no member has the email nobody@example.com",
        4: "steps cannot be negative",
        5: "has not happened yet",
        6: "'24/11/2026' is not a date; use YYYY-MM-DD",
        7: "100,001 steps is more than the 100,000 allowed",
        8: "'lots' is not a whole number of steps",
        9: "is also on line 2",
        10: "boss@example.com is not an active member",
        11: "the email is blank",
    }
    for line, reason in expected.items():
        assert f"steps.csv:{line}: " in err and reason in err, (line, err)
    assert "steps.csv:2:" not in err
    assert not DailyActivity.objects.exists()
    assert not Enrollment.objects.filter(steps__gt=0).exists()


def test_skip_invalid_writes_the_good_rows_and_lists_the_bad(tmp_path, walkers, days):
    text = _good_csv(days) + f"nobody@example.com,{days[0]},5\n"
    out, err = _import(tmp_path, text, "--skip-invalid")
    assert "steps.csv:5: no member has the email" in err
    assert "created 3" in out and "skipped 1 bad row(s)" in out
    assert DailyActivity.objects.count() == 3


def test_dry_run_reports_and_writes_nothing(tmp_path, walkers, days):
    out, _ = _import(tmp_path, _good_csv(days), "--dry-run")
    assert "Dry run, nothing written. Would have: created 3" in out
    assert not DailyActivity.objects.exists()


def test_importing_the_same_file_again_changes_nothing(tmp_path, walkers, days):
    _import(tmp_path, _good_csv(days))
    before = list(DailyActivity.objects.order_by("pk").values())
    enrollments = list(Enrollment.objects.order_by("pk").values())
    notifications = Notification.objects.count()
    out, _ = _import(tmp_path, _good_csv(days))
    assert "created 0, updated 0, unchanged 3" in out
    assert list(DailyActivity.objects.order_by("pk").values()) == before
    assert list(Enrollment.objects.order_by("pk").values()) == enrollments
    assert Notification.objects.count() == notifications
    assert AuditEvent.objects.filter(action=AuditEvent.Action.ACTIVITY_IMPORTED).count() == 1


def test_a_changed_count_updates_the_day_and_the_progress(tmp_path, walkers, days):
    activity_log(user=walkers[0], day=days[0], steps=500)
    out, _ = _import(tmp_path, _good_csv(days))
    assert "created 2, updated 1" in out
    row = DailyActivity.objects.get(user=walkers[0], date=days[0])
    assert (row.steps, row.source) == (1200, "csv")
    assert Enrollment.objects.get(user=walkers[0]).steps == 2000


def test_a_rejected_day_imported_again_with_the_same_count_stays_rejected(tmp_path, walkers, days):
    _import(tmp_path, _good_csv(days))
    row = DailyActivity.objects.get(user=walkers[0], date=days[0])
    activity_review(activity=row, decision="rejected", actor=StaffFactory())
    _import(tmp_path, _good_csv(days))
    row.refresh_from_db()
    assert row.review == "rejected"
    assert Enrollment.objects.get(user=walkers[0]).steps == 800


def test_a_huge_imported_day_is_flagged_for_review(tmp_path, walkers, days, settings):
    settings.ACTIVITY_FLAG_STEPS = 20_000
    _import(tmp_path, f"email,date,steps\nwalker0@example.com,{days[0]},25000\n")
    assert DailyActivity.objects.get(user=walkers[0]).review == "pending"


def test_the_import_and_the_nightly_recompute_agree(tmp_path, walkers, days):
    _import(tmp_path, _good_csv(days))
    enrollments = Enrollment.objects.filter(user__in=walkers[:2]).order_by("pk")
    after_import = list(enrollments.values("steps", "distance", "progress"))
    assert [e["steps"] for e in after_import] == [2000, 3400]
    enrollments.update(steps=0, distance=0, progress=0)
    progress_recompute_groups(group_ids=[walkers[0].group_id])
    assert list(enrollments.values("steps", "distance", "progress")) == after_import


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("walker0@example.com,2026-01-01,5\n", 1, "must name the columns"),
        ("email,steps\nwalker0@example.com,5\n", 1, "no column date"),
        ('email,date,steps\n"unterminated,2026-01-01,5\n', 2, "not valid CSV"),
    ],
)
def test_a_file_without_the_right_header_is_refused_whole(text, line, reason):
    with pytest.raises(UnreadableSource, match=reason) as refused:
        rows_from_csv(text)
    assert refused.value.line == line


def test_a_missing_file_is_a_clear_error(tmp_path, walkers):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_activity", str(tmp_path / "absent.csv"))


def test_line_numbers_count_cells_that_span_lines(walkers):
    rows = rows_from_csv('email,date,steps\n"walker0@example.com\n",2026-01-01,5\nx,y,z\n')
    assert [r.line for r in rows] == [2, 4]


def test_days_outside_the_path_are_bad_lines(tmp_path, walkers, days):
    from cohort.journeys.models import Path

    path = Path.objects.get(is_current=True)
    before = path.start_date - dt.timedelta(days=1)
    text = (
        "email,date,steps\n"
        f"walker0@example.com,{days[0]},1200\n"  # line 2: fine
        "walker1@example.com,1999-01-01,100\n"  # 3
        f"walker2@example.com,{before},100\n"  # 4
    )
    message, err = _import_failing(tmp_path, text)
    assert "2 bad row(s); nothing was written" in message
    assert (
        f"steps.csv:3: 1999-01-01 is outside {path.name}, which starts on {path.start_date}" in err
    )
    assert f"steps.csv:4: {before} is outside {path.name}, which starts on {path.start_date}" in err
    assert not DailyActivity.objects.exists()


def test_days_after_the_paths_end_are_bad_lines(tmp_path, walkers, days):
    from cohort.journeys.models import Path
    from cohort.journeys.services import path_cache_clear

    path = Path.objects.get(is_current=True)
    path.end_date = days[1]
    path.save()
    path_cache_clear()
    text = f"email,date,steps\nwalker0@example.com,{days[0]},1200\n"
    _, err = _import_failing(tmp_path, text)
    assert f"steps.csv:2: {days[0]} is outside {path.name}, which ends on {days[1]}" in err
