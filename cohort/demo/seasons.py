"""The demo's cohort programme: the plan's five categories, a shop of titles, last month's
season finalised (history, legacy, credits) and this month's running with points, episodes
and assignments. Points are written in bulk as the ledger services would leave them, so a
seed of 100,000 members takes seconds."""

import datetime as dt
import random

from django.utils import timezone

from cohort.accounts.models import User
from cohort.competition.leaderboards.services import leaderboards_rebuild
from cohort.competition.models import (
    Category,
    CategoryTotal,
    PointsEntry,
    Season,
    SeasonScore,
    Title,
)
from cohort.competition.services.finalise import season_finalise
from cohort.competition.services.seasons import month_end, season_create
from cohort.core.clock import programme_today
from cohort.demo.mentors import demo_mentors_seed
from cohort.reviews.models import Assignment
from cohort.reviews.services import season_episodes_forget

CATEGORIES = [
    # name, cap, rule (the plan's five; season cap 1,500)
    ("Learning", 100, Category.Rule.WORK),
    ("Outreach", 200, Category.Rule.WORK),
    ("Coding streak", 100, Category.Rule.CODING_STREAK),
    ("Career", 800, Category.Rule.WORK),
    ("Outcome", 300, Category.Rule.WORK),
]
TITLES = [
    # name, rarity, cost, award
    ("Trailblazer", Title.Rarity.COMMON, 10, ""),
    ("Night Owl", Title.Rarity.RARE, 25, ""),
    ("Code Whisperer", Title.Rarity.EPIC, 60, ""),
    ("Legend of the Camino", Title.Rarity.LEGENDARY, 120, ""),
    ("Season Champion", Title.Rarity.LEGENDARY, 0, "champion"),
    ("Runner-up", Title.Rarity.EPIC, 0, "runner_up"),
]
ASSIGNMENTS = [
    # episode number, title, category name, points
    (1, "Finish the course's first module", "Learning", 40),
    (1, "Write a short introduction post", "Outreach", 30),
    (2, "Build a small project", "Career", 150),
    (3, "Pair on a hackathon idea", "Career", 200),
    (4, "Present what you built", "Outcome", 150),
]


def demo_programme_seed() -> None:
    """Create what is missing of the programme demo; running it again changes nothing."""
    categories = _categories()
    for name, rarity, cost, award in TITLES:
        Title.objects.get_or_create(
            name=name,
            defaults={"rarity": rarity, "cost": cost, "award": award, "is_for_sale": not award},
        )
    if Season.objects.exists():
        return
    today = programme_today()
    last_month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    previous = season_create(starts_on=last_month, ends_on=month_end(last_month))
    Season.objects.filter(pk=previous.pk).update(status=Season.Status.ACTIVE)
    previous.refresh_from_db()
    _demo_points(previous, categories, days=previous.days, seed=1)
    season_finalise(season=previous)
    current = season_create(starts_on=today.replace(day=1), like=previous)
    Season.objects.filter(pk=current.pk).update(status=Season.Status.ACTIVE)
    current.refresh_from_db()
    _demo_points(current, categories, days=(today - current.starts_on).days + 1, seed=2)
    _assignments(current, categories)
    leaderboards_rebuild()
    demo_mentors_seed()


def _categories() -> dict[str, Category]:
    found = {}
    for order, (name, cap, rule) in enumerate(CATEGORIES):
        found[name], _ = Category.objects.get_or_create(
            slug=name.lower().replace(" ", "-"),
            defaults={"name": name, "season_cap": cap, "rule": rule, "order": order},
        )
    return found


def _demo_points(season: Season, categories: dict, *, days: int, seed: int) -> None:
    """Points for every demo member, in proportion to how far the season has gone."""
    rng = random.Random(seed)  # noqa: S311 - demo data, not security
    share = min(1.0, days / season.days)
    members = User.objects.filter(role=User.Role.MEMBER, group__isnull=False).values_list(
        "pk", flat=True
    )
    entries, totals, scores = [], [], []
    for user_id in members.iterator(chunk_size=5000):
        effort = rng.random()
        score = 0
        for category in categories.values():
            points = int(category.season_cap * effort * share * rng.uniform(0.3, 1.1))
            if points <= 0:
                continue
            source = f"demo:{season.pk}:{category.pk}:{user_id}"
            entries.append(
                PointsEntry(
                    user_id=user_id,
                    season=season,
                    category=category,
                    points=points,
                    reason="Demo work",
                    source=source,
                    source_key=f"{source}#0",
                )
            )
            totals.append(
                CategoryTotal(user_id=user_id, season=season, category=category, points=points)
            )
            score += min(points, category.season_cap)
        scores.append(
            SeasonScore(user_id=user_id, season=season, score=min(score, season.point_cap))
        )
    PointsEntry.objects.bulk_create(entries, batch_size=5000, ignore_conflicts=True)
    # Dated inside the season (the ledger stamps "now"), so monthly reports find them.
    earned_on = season.starts_on + dt.timedelta(days=max(0, days - 1) // 2)
    PointsEntry.objects.filter(season=season, source__startswith="demo:").update(
        created_at=timezone.make_aware(dt.datetime.combine(earned_on, dt.time(12)))
    )
    CategoryTotal.objects.bulk_create(totals, batch_size=5000, ignore_conflicts=True)
    SeasonScore.objects.bulk_create(scores, batch_size=5000, ignore_conflicts=True)


def _assignments(season: Season, categories: dict) -> None:
    episodes = {e.number: e for e in season.episodes.all()}
    Assignment.objects.bulk_create(
        Assignment(
            title=title,
            category=categories[category],
            episode=episodes[number],
            points=points,
            description=f"{title}. Hand it in on /submissions/; a mentor reviews it.",
        )
        for number, title, category, points in ASSIGNMENTS
        if number in episodes
    )
    season_episodes_forget()  # bulk_create sends no post_save
