from django.core.management.base import BaseCommand, CommandError

from cohort.accounts.models import Group
from cohort.activity.management.commands.import_activity import report
from cohort.activity.models import SheetSource
from cohort.activity.services.imports import UnreadableSource
from cohort.activity.services.sheets import SheetUnavailable, sheet_sync, sheets_sync_all


class Command(BaseCommand):
    help = (
        "Read a group's sheet of steps from its configured URL (a published CSV, or a web app "
        'answering {"values": [[email, steps, date], ...]}) and upsert the rows, all or '
        "nothing like import_activity. --all reads every enabled sheet; one group's failure "
        "does not stop the others."
    )

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("group", nargs="?", help="the group's name or id")
        which.add_argument("--all", action="store_true", help="every enabled sheet")
        parser.add_argument(
            "--skip-invalid", action="store_true", help="Write the good rows, list the bad ones."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Fetch and check; write nothing (one group)."
        )

    def handle(self, *args, group, all, skip_invalid, dry_run, **options):
        if all:
            if dry_run:
                raise CommandError("--dry-run takes one group, not --all.")
            counts = sheets_sync_all(skip_invalid=skip_invalid)
            self.stdout.write(
                f"Sheets synced: {counts['synced']}, failed: {counts['failed']} "
                "(each group's outcome is on its sheet source in the admin)."
            )
            if counts["failed"]:
                raise CommandError(f"{counts['failed']} sheet(s) failed.")
            return
        source = self._source(group)
        try:
            result = sheet_sync(source, skip_invalid=skip_invalid, dry_run=dry_run)
        except (SheetUnavailable, UnreadableSource) as exc:
            raise CommandError(f"{source.group.name}: {exc}; nothing was written.") from exc
        report(self, result, where=source.url, skip_invalid=skip_invalid, dry_run=dry_run)

    def _source(self, name_or_id: str) -> SheetSource:
        groups = Group.objects.filter(name__iexact=name_or_id)
        if name_or_id.isdigit():
            groups = groups | Group.objects.filter(pk=int(name_or_id))
        group = groups.first()
        if group is None:
            raise CommandError(f"No group is named {name_or_id!r}.")
        source = SheetSource.objects.filter(group=group).select_related("group").first()
        if source is None:
            raise CommandError(f"{group.name} has no sheet; add one in the admin (Sheet sources).")
        return source
