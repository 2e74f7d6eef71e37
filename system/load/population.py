"""The load test's world, made through the services before the server starts: a current
path with milestones, an active season with two activity categories and a work category
(caps low enough to bite), groups of members in several time zones with older days, points,
notifications and API tokens, then the nightly recompute and a leaderboard rebuild, so the
derived totals start consistent and the Redis boards are live."""

import datetime as dt
import random
from dataclasses import dataclass

from django.utils import timezone

from cohort.accounts.models import Group, User
from cohort.accounts.tests.factories import GROUP_PASSWORD, GroupFactory, MemberFactory
from cohort.accounts.tokens import api_token_create
from cohort.activity.models import DailyActivity
from cohort.activity.services.recompute import progress_recompute_users
from cohort.competition.leaderboards.services import leaderboards_rebuild
from cohort.competition.models import Category, Season
from cohort.competition.tests.factories import CategoryFactory, SeasonFactory, points_give
from cohort.core.clock import user_today
from cohort.journeys.tests.factories import path_create
from cohort.notifications.services import NotificationDraft, notifications_create
from system.load.clients import Member

ZONES = ("UTC", "America/Chicago", "Asia/Tokyo", "Europe/Madrid")
DAYS = 6  # each member writes their own last DAYS days (the edit window is 7)


@dataclass
class World:
    path_id: int
    season: Season
    categories: list[Category]
    groups: list[Group]
    members: list[Member]  # the clients
    everyone: list[User]  # the clients and the idle members


def world_build(*, groups: int, clients_per_group: int, sessions_every: int, seed: int) -> World:
    """`groups` groups of `clients_per_group` client members plus one idle member each;
    every `sessions_every`-th client signs in by session, the others use a token."""
    rng = random.Random(seed)  # noqa: S311 - test data
    today = timezone.localdate()
    path = path_create(
        name="Load Way",
        total=2_000,
        milestones=(
            ("Start", 0),
            ("Bridge", 150),
            ("Inn", 300),
            ("Pass", 500),
            ("Abbey", 800),
            ("Coast", 1_200),
            ("End", 2_000),
        ),  # fmt: skip
        start=today - dt.timedelta(days=60),
    )
    season = SeasonFactory(
        starts_on=today - dt.timedelta(days=14), ends_on=today + dt.timedelta(days=20), point_cap=60
    )
    categories = [
        CategoryFactory(name="Walking", rule=Category.Rule.ACTIVITY, points_per_day=10,
                        min_steps=8_000, season_cap=40),
        CategoryFactory(name="Long walks", rule=Category.Rule.ACTIVITY, points_per_day=5,
                        min_steps=20_000, season_cap=100),
        CategoryFactory(name="Course", rule=Category.Rule.WORK, season_cap=100),
    ]  # fmt: skip
    group_rows = [GroupFactory(name=f"Load group {g}") for g in range(groups)]
    members, everyone = [], []
    for g, group in enumerate(group_rows):
        for n in range(clients_per_group + 1):
            user = MemberFactory(
                group=group,
                email=f"load{g}-{n}@example.com",
                display_name=f"Walker {g}-{n}",
                time_zone=ZONES[(g + n) % len(ZONES)],
            )
            everyone.append(user)
            _history(user, rng)
            points_give(user, season, categories[2], rng.randint(0, 60), source=f"load:{user.pk}")
            if n == clients_per_group:
                continue  # the idle member: on the boards, never a client
            members.append(_client_member(user, len(members) % sessions_every == 0))
    _notifications(everyone)
    progress_recompute_users(user_ids=[u.pk for u in everyone])
    leaderboards_rebuild()
    return World(path.id, season, categories, group_rows, members, everyone)


def _history(user: User, rng: random.Random) -> None:
    """Older days, outside the edit window (the clients never touch them)."""
    today = user_today(user)
    days = rng.sample(range(DAYS + 2, 20), k=6)
    DailyActivity.objects.bulk_create(
        [
            DailyActivity(
                user=user, date=today - dt.timedelta(days=d), steps=rng.randint(0, 25_000)
            )
            for d in days
        ]
    )


def _client_member(user: User, by_session: bool) -> Member:
    # activity:write: the load logs steps by token as well as reading.
    token = None
    if not by_session:
        token = api_token_create(user=user, name="load", scope="activity:write")[1]
    today = user_today(user)
    days = tuple(today - dt.timedelta(days=d) for d in reversed(range(DAYS)))
    return Member(user.pk, user.email, GROUP_PASSWORD, token, days)


def _notifications(users: list[User]) -> None:
    notifications_create(
        drafts=[
            NotificationDraft(recipient_id=u.pk, text=f"Welcome note {n}", dedupe_key=f"load:{n}")
            for u in users
            for n in range(3)
        ]
    )
