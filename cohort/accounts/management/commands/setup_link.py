from django.conf import settings
from django.core.management.base import BaseCommand
from django.urls import reverse

from cohort.accounts.services.setup import SETUP_LINK_MAX_AGE, setup_link_issue


class Command(BaseCommand):
    help = (
        "On a site without an organiser, print a one-time link that creates the first one "
        "(their own password, then two-factor enrolment). Prints nothing once an organiser "
        "exists. Each run replaces the previous unused link. `make run` calls it at start-up."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--base-url",
            default=None,
            help="the address the browser reaches the site at (default: SITE_URL)",
        )

    def handle(self, *args, base_url: str | None, **options):
        key = setup_link_issue()
        if key is None:
            if options["verbosity"] > 1:
                self.stdout.write("The site has an organiser; no set-up link needed.")
            return
        base = (base_url or settings.SITE_URL).rstrip("/")
        url = base + reverse("accounts:setup", args=[key])
        hours = int(SETUP_LINK_MAX_AGE.total_seconds() // 3600)
        self.stdout.write("")
        self.stdout.write(
            "  This site has no organiser yet. Open this link to create the first one"
        )
        self.stdout.write(
            f"  (it works once, for {hours} hours; run `manage.py setup_link` for a new one):"
        )
        self.stdout.write("")
        self.stdout.write(f"      {url}")
        self.stdout.write("")
