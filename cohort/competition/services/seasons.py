"""Opening, activating and finalising seasons. Each step takes the season's row lock and
checks its status first, so `update_seasons` can run any number of times (or twice at once)
and change things only once."""

import calendar
import datetime as dt
import logging
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from cohort.competition.models import EPISODE_NAMES, Episode, Season
from cohort.competition.services.caches import season_current_forget
from cohort.core.clock import programme_today
from cohort.core.exceptions import Conflict, InvalidInput, NotFound
from cohort.core.i18n import sql_message

logger = logging.getLogger(__name__)


def month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def episode_windows(starts_on: dt.date, ends_on: dt.date, count: int) -> list[tuple]:
    """(number, name, starts_on, ends_on) of `count` weekly episodes; the last one runs to the
    season's end (a month is four weeks and a few days)."""
    if (ends_on - starts_on).days + 1 < 7 * (count - 1) + 1:
        raise InvalidInput(
            _("A season of %(count)s weekly episodes needs more days.") % {"count": count}
        )
    windows = []
    for number in range(1, count + 1):
        starts = starts_on + dt.timedelta(days=7 * (number - 1))
        ends = ends_on if number == count else starts + dt.timedelta(days=6)
        name = EPISODE_NAMES[number - 1] if number <= len(EPISODE_NAMES) else f"Week {number}"
        windows.append((number, name, starts, ends))
    return windows


def season_create(
    *,
    starts_on: dt.date,
    ends_on: dt.date | None = None,
    name: str = "",
    like: Season | None = None,
) -> Season:
    """A new upcoming season (a calendar month from `starts_on` by default) with its weekly
    episodes, taking its caps, bonus and credit rate from `like` (the previous season)."""
    ends_on = ends_on or month_end(starts_on)
    if ends_on < starts_on:
        raise InvalidInput(_("A season ends on or after the day it starts."))
    if Season.objects.filter(starts_on__lte=ends_on, ends_on__gte=starts_on).exists():
        raise Conflict(
            _("Another season already covers part of %(starts_on)s to %(ends_on)s.")
            % {"starts_on": starts_on, "ends_on": ends_on}
        )
    copied = {}
    if like is not None:
        copied = {
            f: getattr(like, f)
            for f in ("point_cap", "ascension_bonus", "credit_divisor", "episode_count")
        }
    with transaction.atomic():
        season = Season.objects.create(
            name=name or starts_on.strftime("%B %Y"), starts_on=starts_on, ends_on=ends_on, **copied
        )
        Episode.objects.bulk_create(
            Episode(season=season, number=n, name=label, starts_on=s, ends_on=e)
            for n, label, s, e in episode_windows(starts_on, ends_on, season.episode_count)
        )
    return season


@dataclass
class SeasonsUpdate:
    finalised: list[str] = field(default_factory=list)
    activated: list[str] = field(default_factory=list)
    created: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        parts = [
            f"{what}: {', '.join(names) if names else 'none'}"
            for what, names in (
                ("finalised", self.finalised),
                ("activated", self.activated),
                ("created", self.created),
            )
        ]
        return "; ".join(parts)


def seasons_update(*, today: dt.date | None = None, create_next: bool = False) -> SeasonsUpdate:
    """Finalise every active season that has ended, open a season for today when none covers
    it and there was one before (from the latest one's settings), activate the season whose
    window holds today, and with `create_next` make sure the following season exists.
    Idempotent."""
    from cohort.competition.services.finalise import season_finalise

    today = today or programme_today()
    done = SeasonsUpdate()
    for season in Season.objects.filter(status=Season.Status.ACTIVE, ends_on__lt=today):
        if season_finalise(season=season) is not None:
            done.finalised.append(season.name)
    latest = Season.objects.order_by("-ends_on").first()
    if latest is not None and latest.ends_on < today:
        done.created.append(_season_next(latest, today).name)
    started = _season_activate(today)
    if started is not None:
        done.activated.append(started.name)
    if create_next:
        created = _season_following(today)
        if created is not None:
            done.created.append(created.name)
            if _season_activate(today) is not None:
                done.activated.append(created.name)
    return done


def _season_following(today: dt.date) -> Season | None:
    """The season after the one holding today (or this month's, on a fresh install), unless
    one is already waiting."""
    latest = Season.objects.order_by("-ends_on").first()
    if latest is None:
        return season_create(starts_on=today.replace(day=1))
    if latest.starts_on <= today <= latest.ends_on:
        return season_create(starts_on=latest.ends_on + dt.timedelta(days=1), like=latest)
    return None


def _season_next(latest: Season, starts_on: dt.date) -> Season:
    """The season after `latest`: the month holding `starts_on` (when seasons were skipped,
    the gap stays a gap), from the day after `latest` at the earliest."""
    if starts_on > latest.ends_on + dt.timedelta(days=1):
        starts_on = max(starts_on.replace(day=1), latest.ends_on + dt.timedelta(days=1))
    return season_create(starts_on=starts_on, like=latest)


def _season_activate(today: dt.date) -> Season | None:
    with transaction.atomic():
        season = (
            Season.objects.select_for_update()
            .filter(status=Season.Status.UPCOMING, starts_on__lte=today, ends_on__gte=today)
            .first()
        )
        if season is None or Season.objects.filter(status=Season.Status.ACTIVE).exists():
            return None
        season.status = Season.Status.ACTIVE
        season.save(update_fields=["status", "updated_at"])
        season_current_forget()
        _announce_start(season)
    return season


def _announce_start(season: Season) -> None:
    from cohort.notifications.services import notifications_create_from_query

    text, text_params = sql_message(
        gettext_noop("%(season)s has begun: four weeks of episodes."),
        language_column="language",
        season=season.name,
    )
    notifications_create_from_query(
        select_sql=(
            f"SELECT id, {text}, '/season/', CAST(%s AS VARCHAR(100)) "  # noqa: S608 - constants only
            "FROM accounts_user "
            "WHERE role = 'member' AND is_active AND group_id IS NOT NULL"
        ),
        params=[*text_params, f"season-start:{season.pk}"],
    )


# --- The organiser's changes (the console's Seasons page) -----------------------------------


def _season_locked(season_id: int) -> Season:
    season = Season.objects.select_for_update().filter(pk=season_id).first()
    if season is None:
        raise NotFound(_("No such season."))
    return season


def _season_window_move(season: Season, starts_on: dt.date, ends_on: dt.date) -> None:
    """Give the locked season new dates and lay its weekly episodes out again over them
    (the rows kept, by number: assignments stay on their week). Episodes are saved one by
    one so that their post_save receivers renew the cached episodes."""
    if ends_on < starts_on:
        raise InvalidInput(_("A season ends on or after the day it starts."))
    others = Season.objects.exclude(pk=season.pk)
    if others.filter(starts_on__lte=ends_on, ends_on__gte=starts_on).exists():
        raise Conflict(
            _("Another season already covers part of %(start)s to %(end)s.")
            % {"start": starts_on, "end": ends_on}
        )
    windows = {
        n: (s, e) for n, _label, s, e in episode_windows(starts_on, ends_on, season.episode_count)
    }
    season.starts_on, season.ends_on = starts_on, ends_on
    season.save(update_fields=["starts_on", "ends_on", "updated_at"])
    for episode in Episode.objects.filter(season=season).order_by("number"):
        if episode.number in windows:
            episode.starts_on, episode.ends_on = windows[episode.number]
            episode.save(update_fields=["starts_on", "ends_on"])
    season_current_forget()


def season_dates_change(
    *, season_id: int, starts_on: dt.date, ends_on: dt.date, today: dt.date | None = None
) -> Season:
    """Move an upcoming season's dates, or an active season's end (today at the earliest);
    a finalised season keeps its dates (Conflict). No overlap with another season."""
    today = today or programme_today()
    with transaction.atomic():
        season = _season_locked(season_id)
        if season.status == Season.Status.FINALISED:
            raise Conflict(_("A finalised season keeps its dates."))
        if season.status == Season.Status.ACTIVE:
            if starts_on != season.starts_on:
                raise Conflict(_("An active season keeps its start; change its end instead."))
            if ends_on < today:
                raise InvalidInput(_("An active season ends today at the earliest."))
        _season_window_move(season, starts_on, ends_on)
    return season


def season_activate_now(*, season_id: int, today: dt.date | None = None) -> Season:
    """Start an upcoming season today, rather than on its first day: its start moves to
    today (its episodes with it) and members are told, as when update_seasons activates it.
    Conflict while another season is active (it is finalised the day after it ends) or when
    the season is not upcoming or already over."""
    today = today or programme_today()
    with transaction.atomic():
        season = _season_locked(season_id)
        if season.status != Season.Status.UPCOMING:
            raise Conflict(_("%(season)s is not upcoming.") % {"season": season.name})
        active = Season.objects.filter(status=Season.Status.ACTIVE).first()
        if active is not None:
            raise Conflict(
                _(
                    "%(season)s is still active until %(day)s: a season starts once the "
                    "active one has ended (shorten it first)."
                )
                % {"season": active.name, "day": active.ends_on}
            )
        if season.ends_on < today:
            raise Conflict(
                _("%(season)s ended on %(day)s.") % {"season": season.name, "day": season.ends_on}
            )
        if season.starts_on > today:
            _season_window_move(season, today, season.ends_on)
        season.status = Season.Status.ACTIVE
        season.save(update_fields=["status", "updated_at"])
        season_current_forget()
        _announce_start(season)
    return season
