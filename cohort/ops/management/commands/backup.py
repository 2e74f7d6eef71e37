from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cohort.ops.backups import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Back up the whole database: pg_dump (custom format) on PostgreSQL, the online "
        "backup API on SQLite. Default path: var/backups/cohort-<UTC time>.<dump|sqlite3>."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, help="where to write the backup")

    def handle(self, *args, output: Path | None, **options):
        try:
            path = backup_create(output=output)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        size = path.stat().st_size
        self.stdout.write(f"Backup written to {path} ({size:,} bytes)")
