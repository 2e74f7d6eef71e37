from django.core.management.base import BaseCommand, CommandParser

from cohort.ops.retention import records_prune


class Command(BaseCommand):
    help = (
        "Delete read notifications, job runs and audit events older than their retention "
        "(RETENTION_* settings). Unread notifications are always kept."
    )

    def add_arguments(self, parser: CommandParser):
        parser.add_argument("--dry-run", action="store_true", help="count, delete nothing")
        parser.add_argument("--notifications-days", type=_positive, help="keep read ones N days")
        parser.add_argument("--job-runs-days", type=_positive, help="keep job runs N days")
        parser.add_argument("--audit-days", type=_positive, help="keep audit events N days")

    def handle(self, *args, dry_run: bool, **options):
        results = records_prune(
            notification_days=options["notifications_days"],
            job_run_days=options["job_runs_days"],
            audit_days=options["audit_days"],
            dry_run=dry_run,
        )
        verb = "would delete" if dry_run else "deleted"
        for result in results:
            self.stdout.write(
                f"{result.name}: {verb} {result.count} "
                f"(older than {result.cutoff:%Y-%m-%d %H:%M} UTC)"
            )


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise ValueError(value)
    return number
