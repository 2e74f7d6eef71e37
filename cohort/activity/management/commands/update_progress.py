import time

from django.core.management.base import BaseCommand

from cohort.activity.services.recompute import progress_recompute_groups
from cohort.activity.tasks import UPDATE_PROGRESS, progress_chunks, update_progress_task
from cohort.ops.services import job_run_chunk_done, job_run_fail, job_run_start


class Command(BaseCommand):
    help = "Recompute every enrollment from daily activity (the nightly job). Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--chunk-groups", type=int, default=None, help="groups per chunk")
        parser.add_argument(
            "--queue",
            action="store_true",
            help="hand the chunks to Celery workers instead of running them here",
        )

    def handle(self, *args, chunk_groups, queue, **options):
        if queue:
            update_progress_task.delay(chunk_groups)
            self.stdout.write("Queued; the run's record (JobRun) shows in the admin.")
            return
        from tqdm import tqdm

        started = time.perf_counter()
        chunks = progress_chunks(chunk_groups)
        run = job_run_start(name=UPDATE_PROGRESS, chunks_total=len(chunks))
        rows = 0
        try:
            for chunk in tqdm(chunks, desc="update_progress", unit="chunk", disable=None):
                done = progress_recompute_groups(group_ids=chunk)
                job_run_chunk_done(run_id=run.pk, rows=done)
                rows += done
        except Exception as exc:
            job_run_fail(run_id=run.pk, error=repr(exc))
            raise
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"Recomputed {rows} enrollments in {len(chunks)} chunks, {elapsed:.2f} s."
        )
