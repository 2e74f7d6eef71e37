from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from cohort.ops.backups import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Load a backup made by `backup` into the database named by DATABASE_URL. The "
        "database must be empty (new, or only migrated): a restore never overwrites data."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="a file written by `manage.py backup`")

    def handle(self, *args, path: Path, **options):
        # Our own connection must not hold the database (SQLite: the file) while it is loaded.
        connections.close_all()
        try:
            backup_restore(path=path)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Restored {path} into {connections['default'].settings_dict['NAME']}")
