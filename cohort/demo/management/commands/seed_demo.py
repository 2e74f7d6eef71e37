import os

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from cohort.analytics.services import analytics_recompute
from cohort.demo.services import demo_seed

DEFAULT_DEMO_PASSWORD = "camino-de-santiago-demo"  # noqa: S105 (demo data only)


class Command(BaseCommand):
    help = "Create the demo data set (idempotent): an organiser and members in groups of 20."

    def add_arguments(self, parser):
        parser.add_argument("--members", type=int, default=40, help="how many members (default 40)")
        parser.add_argument(
            "--password",
            default=None,
            help="the demo groups' and organiser's password (default: DEMO_PASSWORD or a demo one)",
        )
        parser.add_argument(
            "--migrate",
            action="store_true",
            help="bring the database up to date first, in the same process (what make run does)",
        )
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="seed even though DATABASE_URL points at a real database",
        )

    def handle(self, *args, members, password, migrate, allow_production, **options):
        if members < 1:
            raise CommandError("--members must be at least 1")
        if "postgresql" in settings.DATABASES["default"]["ENGINE"] and not allow_production:
            raise CommandError(
                "Refusing to put demo accounts with a known password into PostgreSQL; "
                "pass --allow-production for a benchmark or staging database."
            )
        if migrate:
            call_command("migrate", interactive=False, verbosity=0)
        password = password or os.environ.get("DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD
        result = demo_seed(members=members, password=password)
        # The analytics summaries from the start, not only after the first nightly job.
        analytics_recompute()
        self.stdout.write(f"Demo data ready ({result.created_members} new members).")
        self.stdout.write("")
        self.stdout.write("  Sign in as a member:    " + result.member_email)
        self.stdout.write("  Sign in as a mentor:    mentor1@demo.cohort.example  (/mentor/)")
        self.stdout.write(
            "  Sign in as organiser:   " + result.organiser_email + "  (also /admin/)"
        )
        self.stdout.write("  Password (all three):   " + result.password)
        if settings.ORGANISER_2FA_REQUIRED:
            self.stdout.write(
                "  The organiser then sets up two-factor sign-in in the browser: the first "
                "sign-in\n  shows a QR code for an authenticator app; later sign-ins ask for "
                "its 6-digit code.\n  (Lost it? `manage.py two_factor_reset "
                + result.organiser_email
                + "`; ORGANISER_2FA_REQUIRED=0 turns the step off.)"
            )
