import time

from django.core.management.base import BaseCommand

from cohort.analytics.services import Changes, analytics_recompute, analytics_steps


class Command(BaseCommand):
    help = (
        "Recompute the analytics summaries from the raw tables, writing only changed rows. "
        "Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="show what would change; write nothing"
        )
        parser.add_argument("--verbose", action="store_true", help="report every step")

    def handle(self, *args, dry_run: bool, verbose: bool, **options):
        from tqdm import tqdm

        started = time.perf_counter()
        steps = analytics_steps()

        def report(step, changes: Changes) -> None:
            if verbose:
                self.stdout.write(f"{step.label}: {self._describe(changes)}")

        totals = analytics_recompute(
            dry_run=dry_run,
            steps=tqdm(steps, desc="recompute_analytics", unit="step", disable=None),
            on_step=report,
        )
        for name, changes in totals.items():
            self.stdout.write(f"{name}: {self._describe(changes)}")
        elapsed = time.perf_counter() - started
        verb = "Would write" if dry_run else "Wrote"
        written = sum(c.written for c in totals.values())
        self.stdout.write(f"{verb} {written} rows in {len(steps)} steps, {elapsed:.2f} s.")

    @staticmethod
    def _describe(changes: Changes) -> str:
        return (
            f"{changes.created} new, {changes.updated} changed, {changes.deleted} removed, "
            f"{changes.unchanged} unchanged"
        )
