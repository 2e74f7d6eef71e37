from django.core.management.base import BaseCommand

from cohort.accounts.services.legacy import assign_default_group


class Command(BaseCommand):
    help = (
        'Move every active member without a group into "Default group", "Default group 2", '
        "... (20 members each), filling existing default groups first."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would move; write nothing."
        )

    def handle(self, *args, dry_run: bool, **options):
        result = assign_default_group(dry_run=dry_run)
        if not result.moved:
            self.stdout.write("No member is without a group; nothing to do.")
            return
        verb = "Would move" if dry_run else "Moved"
        for placement in result.placements:
            new = " (new group)" if placement.created else ""
            self.stdout.write(f"  {placement.name}{new}: +{len(placement.members)}")
        summary = f"{verb} {result.moved} member(s) into {len(result.placements)} group(s)."
        if dry_run:
            self.stdout.write(f"Dry run, nothing written. {summary}")
        else:
            self.stdout.write(self.style.SUCCESS(summary))
        if result.groups_created:
            self.stdout.write(
                self.style.WARNING(
                    "Set the password of each new group in the admin (its 'Group password' "
                    "field); until then its members cannot sign in: "
                    + ", ".join(result.groups_created)
                )
            )
