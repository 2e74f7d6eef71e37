from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cohort.accounts.services.imports import import_members


class Command(BaseCommand):
    help = (
        "Import members from a CSV file with the columns email, name, group (UTF-8, header "
        "first). All or nothing: if any row is bad, every bad row is listed and nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("csv_file", type=Path)
        parser.add_argument(
            "--create-groups",
            action="store_true",
            help="Create groups the file names but that do not exist (with no usable password).",
        )
        parser.add_argument(
            "--generate-passwords",
            action="store_true",
            help="Give each group --create-groups creates a generated password, printed once.",
        )
        parser.add_argument(
            "--move-members",
            action="store_true",
            help="Move members of other groups into the group their row names.",
        )
        parser.add_argument(
            "--welcome",
            action="store_true",
            help="Email each new member their group's invite link and how to sign in.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file and report; write nothing."
        )

    def handle(self, *args, csv_file: Path, dry_run: bool, **options):
        choices = {
            name: options[name]
            for name in ("create_groups", "generate_passwords", "move_members", "welcome")
        }
        try:
            result = import_members(csv_file, **choices, dry_run=dry_run)
        except OSError as exc:
            raise CommandError(f"Cannot read {csv_file}: {exc.strerror or exc}") from exc
        if result.errors:
            for line, message in result.errors:
                self.stderr.write(f"{csv_file}:{line}: {message}" if line else message)
            raise CommandError(f"{len(result.errors)} bad row(s); nothing was imported.")
        summary = (
            f"created {result.created}, unchanged {result.unchanged}, "
            f"groups created {result.groups_created}"
        ) + (f", moved {result.moved}" if result.moved else "")
        if dry_run:
            self.stdout.write(f"Dry run, nothing written. Would have: {summary}.")
        else:
            self.stdout.write(self.style.SUCCESS(f"Imported: {summary}."))
        for name, password in result.passwords.items():
            self.stdout.write(f"Group {name}: password {password} (shown this once)")
        if result.new_groups and not result.passwords:
            self.stdout.write(
                self.style.WARNING(
                    "New groups have no password, so their members cannot sign in until an "
                    "organiser sets one in the admin: " + ", ".join(result.new_groups)
                )
            )
