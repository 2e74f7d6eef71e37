"""Two server processes' schedulers at once: a due job runs in exactly one of them (the claim
is a conditional UPDATE on PostgreSQL's row)."""

import datetime as dt
import threading

import pytest
from django.db import connection
from django.utils import timezone

from cohort.ops import schedule
from cohort.ops.models import ScheduledJob

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


def test_a_due_job_runs_in_only_one_of_several_schedulers(postgres_only):
    schedule.schedule_run_due()
    ScheduledJob.objects.filter(name="prune-old-records").update(
        last_run_at=timezone.now() - dt.timedelta(days=2)
    )
    only_prune = {"prune-old-records": schedule.schedule_entries()["prune-old-records"]}
    barrier, ran = threading.Barrier(4), []

    def scheduler():
        try:
            barrier.wait()
            ran.extend(schedule.schedule_run_due(entries=only_prune))
        finally:
            connection.close()

    threads = [threading.Thread(target=scheduler) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert ran == ["prune-old-records"]
