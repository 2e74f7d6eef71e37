"""Every "today" and time zone. The programme's calendar (PROGRAMME_TIME_ZONE) decides seasons,
paths, months and reports; a member's own zone decides their days and streaks."""

import datetime as dt
import zoneinfo
from functools import cache

from django.conf import settings
from django.utils import timezone


def programme_zone() -> zoneinfo.ZoneInfo:
    """The programme's time zone: seasons and months start at its midnight."""
    return zoneinfo.ZoneInfo(settings.PROGRAMME_TIME_ZONE)


@cache
def _known_zone(name: str) -> zoneinfo.ZoneInfo | None:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


def zone_for(name: str | None) -> zoneinfo.ZoneInfo:
    """The zone called `name`; the programme's when it is blank or unknown."""
    return (_known_zone(name) if name else None) or programme_zone()


def today(zone: dt.tzinfo | None = None) -> dt.date:
    """Today's date in `zone` (the programme's by default)."""
    return timezone.localdate(timezone=zone or programme_zone())


def programme_today() -> dt.date:
    """Today in the programme's calendar."""
    return today()


def zone_today(name: str | None) -> dt.date:
    """Today's date in the zone called `name` (the programme's when it is unknown)."""
    return today(zone_for(name))


def user_today(user) -> dt.date:
    """The user's own calendar date, in their time zone."""
    return zone_today(user.time_zone)


def local_date(moment: dt.datetime, zone: dt.tzinfo | None = None) -> dt.date:
    """The date an aware `moment` falls on in `zone` (the programme's by default)."""
    return moment.astimezone(zone or programme_zone()).date()


def day_start(day: dt.date, zone: dt.tzinfo | None = None) -> dt.datetime:
    """Midnight at the start of `day` in `zone` (the programme's by default)."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=zone or programme_zone())
