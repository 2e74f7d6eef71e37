import datetime as dt
import random

import pytest
from django.core.management import call_command

from cohort.accounts.tests.factories import GroupFactory, MemberFactory, StaffFactory
from cohort.activity.models import DailyActivity
from cohort.activity.services import recompute
from cohort.activity.services.daily import activity_log, activity_review
from cohort.activity.tasks import update_progress_task
from cohort.activity.tests.factories import DailyActivityFactory
from cohort.core.clock import user_today
from cohort.journeys.models import Enrollment
from cohort.journeys.services import path_cache_clear
from cohort.journeys.tests.factories import path_create
from cohort.notifications.models import Notification
from cohort.ops.models import JobRun

pytestmark = pytest.mark.django_db

FIELDS = ("user_id", "path_id", "steps", "distance", "progress", "current_milestone_id")


def _snapshot():
    rows = Enrollment.objects.order_by("user_id", "path_id").values(*FIELDS, "completed_at")
    return [{**r, "completed": r.pop("completed_at") is not None} for r in rows]


def _walk(members, seed: int) -> None:
    """Random logging through the services: new days, edits, corrections, rejections."""
    rng = random.Random(seed)
    organiser = StaffFactory()
    for member in members:
        today = user_today(member)
        for back in rng.sample(range(0, 28), 12):
            day = today - dt.timedelta(days=back)
            row = activity_log(user=member, day=day, steps=rng.randint(0, 2_500), actor=organiser)
            if rng.random() < 0.2:
                activity_log(user=member, day=day, steps=rng.randint(0, 2_500), actor=organiser)
            if rng.random() < 0.1:
                activity_review(activity=row, decision="rejected", actor=organiser)


def _scramble() -> None:
    Enrollment.objects.update(steps=0, distance=0, progress=0, current_milestone=None)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_nightly_recompute_agrees_with_the_incremental_updates(seed):
    path_create(total=200, milestones=(("A", 0), ("B", 20), ("C", 90), ("D", 150), ("E", 200)))
    groups = GroupFactory.create_batch(3)
    members = [MemberFactory(group=groups[i % 3]) for i in range(9)]
    _walk(members, seed)
    incremental = _snapshot()
    assert any(row["current_milestone_id"] for row in incremental)
    _scramble()
    call_command("update_progress", chunk_groups=2)
    assert _snapshot() == incremental


def test_running_twice_gives_the_same_result_and_no_second_notification():
    path_create()
    members = MemberFactory.create_batch(4)
    for member in members:
        DailyActivityFactory(user=member, steps=6_000)
    call_command("update_progress")
    first, notified = _snapshot(), Notification.objects.count()
    assert notified == 8  # Ford and Inn for each of four members
    call_command("update_progress")
    assert (_snapshot(), Notification.objects.count()) == (first, notified)


def test_a_run_over_unchanged_data_writes_no_row():
    path_create()
    members = MemberFactory.create_batch(3)
    for member in members:
        DailyActivityFactory(user=member, steps=2_000)
    call_command("update_progress")
    long_ago = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    Enrollment.objects.update(updated_at=long_ago)
    call_command("update_progress")
    assert set(Enrollment.objects.values_list("updated_at", flat=True)) == {long_ago}
    DailyActivity.objects.filter(user=members[1]).update(steps=2_500)  # as a bulk import would
    call_command("update_progress")
    changed = Enrollment.objects.exclude(updated_at=long_ago)
    assert list(changed.values_list("user_id", "steps")) == [(members[1].pk, 2_500)]


def test_a_run_killed_half_way_converges_when_run_again(monkeypatch):
    path_create()
    groups = GroupFactory.create_batch(4)
    for group in groups:
        member = MemberFactory(group=group)
        DailyActivityFactory(user=member, steps=6_000)
    real, calls = recompute.progress_recompute_groups, []

    def dies_on_third_chunk(*, group_ids):
        calls.append(group_ids)
        if len(calls) == 3:
            raise RuntimeError("worker killed")
        return real(group_ids=group_ids)

    monkeypatch.setattr(
        "cohort.activity.management.commands.update_progress.progress_recompute_groups",
        dies_on_third_chunk,
    )
    with pytest.raises(RuntimeError):
        call_command("update_progress", chunk_groups=1)
    failed = JobRun.objects.get()
    assert (failed.outcome, failed.chunks_done, failed.chunks_total) == ("failed", 2, 4)
    assert "worker killed" in failed.error
    monkeypatch.undo()

    call_command("update_progress", chunk_groups=1)
    assert Enrollment.objects.filter(steps=6_000, current_milestone__name="Inn").count() == 4
    assert Notification.objects.count() == 8
    assert JobRun.objects.first().outcome == "succeeded"


def test_each_run_is_recorded_with_its_chunks_and_rows():
    path_create()
    for group in GroupFactory.create_batch(3):
        MemberFactory.create_batch(2, group=group)
    run_id = update_progress_task.delay(2).get()
    run = JobRun.objects.get(pk=run_id)
    assert (run.name, run.outcome, run.chunks_total, run.chunks_done, run.rows) == (
        "update_progress",
        "succeeded",
        2,
        2,
        6,
    )
    assert run.finished_at >= run.started_at


def test_members_without_an_enrollment_are_enrolled_by_the_job():
    path_create()
    member = MemberFactory()
    DailyActivityFactory(user=member, steps=1_500)
    call_command("update_progress")
    enrollment = Enrollment.objects.get(user=member)
    assert (enrollment.steps, enrollment.current_milestone.name) == (1_500, "Ford")


def test_the_nightly_notification_carries_the_postcard_and_links_to_it():
    path = path_create()
    ford = path.milestones.get(name="Ford")
    ford.postcard = "A heron by the ford."
    ford.save()
    path_cache_clear()
    member = MemberFactory()
    DailyActivityFactory(user=member, steps=1_500)
    call_command("update_progress")
    notice = Notification.objects.get(recipient=member)
    assert notice.text == "You reached Ford on Test Way! A heron by the ford."
    assert notice.link == f"/milestones/{ford.pk}/"


def test_the_job_enrolls_finishers_in_the_chained_path():
    back = path_create(name="Back", current=False)
    path_create(name="There", next_path=back)
    member = MemberFactory()
    DailyActivityFactory(user=member, steps=20_000)
    call_command("update_progress")
    call_command("update_progress")
    there, follow_on = Enrollment.objects.filter(user=member).order_by("started_on")
    assert there.completed_at is not None and str(there.progress) == "100.00"
    assert follow_on.path_id == back.pk and follow_on.steps == 0


def test_beat_runs_the_job_daily_at_the_configured_local_time():
    from config.celery import _beat_schedule

    entry = _beat_schedule()["update-progress-nightly"]
    assert entry["task"] == "cohort.activity.tasks.update_progress_task"
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({23}, {59})
    assert str(entry["schedule"].nowfun().tzinfo) == "America/Chicago"


def test_the_nightly_notification_is_in_each_members_language():
    path_create()
    spanish, plain = MemberFactory(language="es"), MemberFactory()
    for member in (spanish, plain):
        DailyActivityFactory(user=member, steps=1_500)
    call_command("update_progress")
    assert Notification.objects.get(recipient=spanish).text == "¡Has llegado a Ford en Test Way!"
    assert Notification.objects.get(recipient=plain).text == "You reached Ford on Test Way!"
