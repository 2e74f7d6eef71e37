from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cohort.activity.models import DailyActivity
from cohort.activity.services.imports import UnreadableSource, activity_import, rows_from_csv


def report(command: BaseCommand, result, *, where: str, skip_invalid: bool, dry_run: bool):
    """Print an import's bad rows and outcome; CommandError when nothing could be written."""
    for line, message in result.errors:
        command.stderr.write(f"{where}:{line}: {message}")
    if result.errors and not skip_invalid:
        raise CommandError(
            f"{len(result.errors)} bad row(s); nothing was written "
            "(--skip-invalid writes the good ones)."
        )
    skipped = f"; skipped {len(result.errors)} bad row(s)" if result.errors else ""
    if dry_run:
        command.stdout.write(f"Dry run, nothing written. Would have: {result.summary()}{skipped}.")
    else:
        command.stdout.write(command.style.SUCCESS(f"Imported: {result.summary()}{skipped}."))


class Command(BaseCommand):
    help = (
        "Import daily steps from a CSV file with the columns email, date (YYYY-MM-DD), steps "
        "(UTF-8, header first). Every row is checked; if any is bad, each is listed with its "
        "line and nothing is written. Rows are upserted, so importing a file again changes "
        "nothing; the members touched are recomputed."
    )

    def add_arguments(self, parser):
        parser.add_argument("csv_file", type=Path)
        parser.add_argument(
            "--skip-invalid", action="store_true", help="Write the good rows, list the bad ones."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file and report; write nothing."
        )

    def handle(self, *args, csv_file: Path, skip_invalid: bool, dry_run: bool, **options):
        try:
            text = csv_file.read_text(encoding="utf-8")
            rows = rows_from_csv(text)
        except OSError as exc:
            raise CommandError(f"Cannot read {csv_file}: {exc.strerror or exc}") from exc
        except UnicodeDecodeError as exc:
            raise CommandError(f"{csv_file} is not UTF-8 text ({exc.reason}).") from exc
        except UnreadableSource as exc:
            raise CommandError(f"{csv_file}:{exc.line}: {exc}") from exc
        result = activity_import(
            rows, source=DailyActivity.Source.CSV, skip_invalid=skip_invalid, dry_run=dry_run
        )
        report(self, result, where=str(csv_file), skip_invalid=skip_invalid, dry_run=dry_run)
