import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from cohort.competition.services.seasons import seasons_update


class Command(BaseCommand):
    help = (
        "Finalise the season that ended, open one for today when none covers it, activate the "
        "season whose window has begun; with --create-next, also open the following season "
        "(or the first one on a fresh install). Safe to run any number of times."
    )

    def add_arguments(self, parser):
        parser.add_argument("--create-next", action="store_true")
        parser.add_argument(
            "--today", help="Run as if it were this day (YYYY-MM-DD, the programme's zone)."
        )

    def handle(self, *args, **options):
        today = None
        if options["today"]:
            try:
                today = dt.date.fromisoformat(options["today"])
            except ValueError:
                raise CommandError("--today takes a date like 2026-12-01.") from None
        done = seasons_update(today=today, create_next=options["create_next"])
        self.stdout.write(f"Seasons: {done}.")
