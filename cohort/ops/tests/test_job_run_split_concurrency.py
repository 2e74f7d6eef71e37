"""Chunks finishing at the same moment on several workers: no count and no worker's share
of the run's record is lost (real threads, each with its own PostgreSQL connection)."""

import pytest

from cohort.core.testing import race
from cohort.ops.models import JobRun
from cohort.ops.services import job_run_chunk_done, job_run_start


@pytest.mark.django_db(transaction=True)
def test_forty_chunks_finishing_at_once_on_four_workers_are_all_counted(postgres_only):
    run = job_run_start(name="update_progress", chunks_total=40)

    results, errors = race(
        lambda n: job_run_chunk_done(
            run_id=run.pk, rows=n + 1, worker=f"w{n % 4 + 1}@box", seconds=0.5
        ),
        40,
    )

    assert errors == []
    run.refresh_from_db()
    assert (run.outcome, run.chunks_done, run.rows) == ("succeeded", 40, sum(range(1, 41)))
    workers = run.detail["workers"]
    assert sorted(workers) == ["w1@box", "w2@box", "w3@box", "w4@box"]
    assert [w["chunks"] for w in workers.values()] == [10, 10, 10, 10]
    assert sum(w["rows"] for w in workers.values()) == sum(range(1, 41))
    assert workers["w1@box"] == {"chunks": 10, "rows": sum(range(1, 41, 4)), "seconds": 5.0}
    assert JobRun.objects.count() == 1
