"""The member's season page and `GET /api/v1/seasons/current`: the season, its episodes
(locked / unlocked / done), points by category against caps, rank, streaks, legacy,
credits and titles. About a dozen small queries, whatever the size of the programme."""

import datetime as dt
from dataclasses import dataclass, field

from cohort.accounts.models import User
from cohort.activity.models import Streak
from cohort.activity.services.streaks import streak_current
from cohort.competition.leaderboards.selectors import NotOnBoard, Scope, board_me
from cohort.competition.models import Legacy, Season, SeasonStanding
from cohort.competition.selectors.rewards import WalletSummary, titles_for_member, wallet_summary
from cohort.competition.selectors.seasons import CategoryPoints, member_points, season_current
from cohort.core.clock import programme_today, user_today
from cohort.core.exceptions import NotFound
from cohort.reviews.selectors import EpisodeState, episode_states


@dataclass
class StreakView:
    kind: str
    label: str
    current: int
    longest: int
    last_day: dt.date | None


@dataclass
class SeasonOverview:
    season: Season | None
    next_season: Season | None = None
    episodes: list[EpisodeState] = field(default_factory=list)
    score: int = 0
    categories: list[CategoryPoints] = field(default_factory=list)
    rank: int | None = None
    streaks: list[StreakView] = field(default_factory=list)
    legacy: int = 0
    history: list[SeasonStanding] = field(default_factory=list)
    wallet: WalletSummary | None = None
    titles: list = field(default_factory=list)
    is_board_missing: bool = False  # the points board: the caller queues a rebuild

    @property
    def days_left(self) -> int | None:
        if self.season is None:
            return None
        return max(0, (self.season.ends_on - programme_today()).days + 1)


def season_overview(*, viewer: User) -> SeasonOverview:
    """Everything the season page shows the viewer (members see their own numbers; staff
    the season and its episodes)."""
    season = season_current()
    overview = SeasonOverview(season=season)
    if season is None:  # only then does the page name the next one
        overview.next_season = (
            Season.objects.filter(status=Season.Status.UPCOMING).order_by("starts_on").first()
        )
    if not viewer.is_member:
        if season is not None:
            overview.episodes = [EpisodeState(e, "unlocked") for e in season.episodes.all()]
        return overview
    if season is not None:
        overview.episodes = episode_states(user_id=viewer.pk, season=season)
        overview.score, overview.categories = member_points(user_id=viewer.pk, season=season)
        overview.rank, overview.is_board_missing = _points_rank(viewer)
    overview.streaks = _streaks(viewer)
    overview.legacy = (
        Legacy.objects.filter(user=viewer).values_list("score", flat=True).first() or 0
    )
    overview.history = list(
        SeasonStanding.objects.filter(user=viewer).select_related("season").order_by("-season")[:6]
    )
    overview.wallet = wallet_summary(viewer, limit=0)  # the balance: no transactions shown
    overview.titles = titles_for_member(viewer)
    return overview


def _points_rank(viewer: User) -> tuple[int | None, bool]:
    """(the viewer's rank on the points board or None, whether its Redis board is missing)."""
    try:
        found = board_me(board="points", scope=Scope(), viewer=viewer, neighbours=0)
    except NotOnBoard as exc:
        return None, exc.is_board_missing
    except NotFound:
        return None, False
    return found["rank"], found["is_board_missing"]


def _streaks(viewer: User) -> list[StreakView]:
    """Both kinds, 0 for a kind never kept; an activity streak whose yesterday went unlogged
    shows 0 before the nightly job writes it."""
    found = {s.kind: s for s in Streak.objects.filter(user=viewer)}
    today = user_today(viewer)
    views = []
    for kind, label in Streak.Kind.choices:
        row = found.get(kind)
        if row is None:
            views.append(StreakView(kind, label, 0, 0, None))
            continue
        current = row.current
        if kind == Streak.Kind.ACTIVITY:
            current = streak_current(trailing=row.current, last_day=row.last_day, today=today)
        views.append(StreakView(kind, label, current, row.longest, row.last_day))
    return views
