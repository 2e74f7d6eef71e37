import datetime as dt
from decimal import Decimal, InvalidOperation
from pathlib import Path as FilePath

from django.core.management.base import BaseCommand, CommandError

from cohort.core.exceptions import DomainError
from cohort.journeys.services import path_import

UNITS = {"km": "km", "mi": "mi", "miles": "mi"}


def _every(value: str) -> Decimal:
    try:
        return Decimal(value)
    except InvalidOperation:
        raise CommandError(f"--every takes a number of units, not {value!r}.") from None


class Command(BaseCommand):
    help = (
        "Create a geographic path from a GPX file (its track, else its route; waypoints "
        "become milestones) or a GeoJSON LineString. Its length is the line's geodesic "
        "length on WGS84. A bad file writes nothing. The path is not made current."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=FilePath)
        parser.add_argument("--name", required=True)
        parser.add_argument("--unit", choices=sorted(UNITS), default="km")
        parser.add_argument(
            "--every", type=_every, help="Without waypoints: a milestone every N units."
        )
        parser.add_argument(
            "--start-date", type=dt.date.fromisoformat, help="YYYY-MM-DD (default: today)."
        )

    def handle(self, *args, file: FilePath, name, unit, every, start_date, **options):
        try:
            with file.open("rb") as source:
                path = path_import(
                    source=source,
                    size=file.stat().st_size,
                    name=name,
                    unit=UNITS[unit],
                    every=every,
                    start_date=start_date,
                )
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror or exc}") from exc
        except DomainError as exc:
            raise CommandError(f"{file}: {exc.detail} Nothing was written.") from exc
        milestones = path.milestones.count()
        self.stdout.write(
            self.style.SUCCESS(
                f"Created path {path.pk} “{path.name}”: {path.total_distance} {path.unit}, "
                f"{milestones} milestones, starting {path.start_date:%Y-%m-%d}."
            )
        )
