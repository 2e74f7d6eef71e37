from django.core.management.base import BaseCommand, CommandError

from cohort.accounts.services.two_factor import two_factor_reset
from cohort.core.exceptions import DomainError


class Command(BaseCommand):
    help = (
        "Remove an organiser's authenticator (a lost phone): their next sign-in after the "
        "password asks them to enrol a new one. Audited."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help="the organiser's email")

    def handle(self, *args, email: str, **options):
        try:
            removed = two_factor_reset(email=email)
        except DomainError as exc:
            raise CommandError(exc.detail) from exc
        if removed:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Removed {removed} authenticator(s) of {email}; they enrol again at their "
                    "next sign-in."
                )
            )
        else:
            self.stdout.write(f"{email} had no authenticator; nothing removed (audited anyway).")
