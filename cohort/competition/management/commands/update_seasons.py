import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cohort.competition.selectors.seasons import seasons_near
from cohort.competition.services.seasons import seasons_update
from cohort.core.clock import programme_today


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
        parser.add_argument(
            "--verbose",
            action="store_true",
            help="show the day, each step and the seasons around it",
        )

    def handle(self, *args, **options):
        today = None
        if options["today"]:
            try:
                today = dt.date.fromisoformat(options["today"])
            except ValueError:
                raise CommandError("--today takes a date like 2026-12-01.") from None
        today = today or programme_today()
        done = seasons_update(today=today, create_next=options["create_next"])
        if options["verbose"]:
            self._describe(today, done)
        self.stdout.write(f"Seasons: {done}.")

    def _describe(self, today: dt.date, done) -> None:
        self.stdout.write(f"Programme day: {today} ({settings.PROGRAMME_TIME_ZONE})")
        for label, names in (
            ("Finalised", done.finalised),
            ("Activated", done.activated),
            ("Created", done.created),
        ):
            self.stdout.write(f"{label}: {', '.join(names) or 'none'}")
        for season in seasons_near(day=today):
            self.stdout.write(
                f"  {season.name}: {season.starts_on}..{season.ends_on}, {season.status}"
            )
