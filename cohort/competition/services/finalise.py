"""Finalising a season: freeze the standings, bank the scores into legacy, award credits,
titles and brackets, and tell each member their final rank. One transaction under the
season's row lock; a finalised season is never finalised again."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from cohort.accounts.models import User
from cohort.competition.leaderboards.standings import ranked
from cohort.competition.models import Legacy, Season, SeasonScore, SeasonStanding, Title
from cohort.competition.services.caches import season_current_forget
from cohort.core.i18n import Sql, sql_message
from cohort.ops.models import AuditEvent
from cohort.ops.services import audit_record

_BATCH = 5_000
_BRACKETS = (
    (0.10, SeasonStanding.Award.TOP_10),
    (0.25, SeasonStanding.Award.TOP_25),
    (0.50, SeasonStanding.Award.TOP_50),
)


def season_finalise(*, season: Season) -> int | None:
    """Finalise an active season that has ended. Returns how many members were ranked, or
    None when it was finalised already (by an earlier run or a concurrent one)."""
    with transaction.atomic():
        # FOR UPDATE waits for awards in flight (they hold FOR SHARE) and stops new ones.
        season = Season.objects.select_for_update().get(pk=season.pk)
        if season.status == Season.Status.FINALISED:
            return None
        order = _final_order(season)
        standings = _standings(season, order)
        SeasonStanding.objects.bulk_create(standings, batch_size=_BATCH)
        _legacy_bank(standings)
        _rewards_give(season, standings)
        season.status = Season.Status.FINALISED
        season.finalised_at = timezone.now()
        season.save(update_fields=["status", "finalised_at", "updated_at"])
        _announce_ranks(season, len(standings))
        audit_record(
            action=AuditEvent.Action.SEASON_FINALISED, target=season, ranked=len(standings)
        )
        season_current_forget()
    from cohort.competition.leaderboards.services import lifetime_rebuild

    transaction.on_commit(lifetime_rebuild)
    return len(standings)


def _final_order(season: Season) -> list[tuple[int, int]]:
    """(user_id, score) of every active member, best first and, in a tie, the older account
    first (as on the boards); a member who earned nothing scores 0."""
    scores = dict(SeasonScore.objects.filter(season=season).values_list("user_id", "score"))
    members = User.objects.filter(
        role=User.Role.MEMBER, is_active=True, group__isnull=False
    ).values_list("pk", flat=True)
    pairs = [(pk, scores.get(pk, 0)) for pk in members.iterator(chunk_size=_BATCH)]
    pairs.sort(key=lambda pair: (-pair[1], pair[0]))
    return pairs


def _standings(season: Season, order: list[tuple[int, int]]) -> list[SeasonStanding]:
    """Competition ranks (ties share a rank); the first three places with points take the
    champion and runner-up titles, everyone else the bracket their rank falls in."""
    previous = {
        user_id: score
        for user_id, score in Legacy.objects.filter(last_season_score__isnull=False).values_list(
            "user_id", "last_season_score"
        )
        if score is not None
    }
    total = len(order)
    standings = []
    for position, standing in enumerate(ranked(order)):
        if position < 3 and standing.score > 0:
            award = SeasonStanding.Award.CHAMPION if position == 0 else "runner_up"
        else:
            award = next((a for share, a in _BRACKETS if standing.rank <= share * total), "")
        beaten = standing.id in previous and standing.score > previous[standing.id]
        standings.append(
            SeasonStanding(
                season=season,
                user_id=standing.id,
                rank=standing.rank,
                score=standing.score,
                award=award,
                bonus=season.ascension_bonus if beaten else 0,
                credits=standing.score // season.credit_divisor,
            )
        )
    return standings


def _legacy_bank(standings: list[SeasonStanding]) -> None:
    """Add each season score (and bonus) to the member's legacy, in bulk."""
    current = {
        row.user_id: row
        for row in Legacy.objects.filter(user_id__in=[s.user_id for s in standings]).only(
            "user_id", "score", "seasons"
        )
    }
    banked = []
    for s in standings:
        old = current.get(s.user_id)
        banked.append(
            Legacy(
                user_id=s.user_id,
                score=(old.score if old else 0) + s.score + s.bonus,
                last_season_score=s.score,
                seasons=(old.seasons if old else 0) + 1,
            )
        )
    Legacy.objects.bulk_create(
        banked,
        batch_size=_BATCH,
        update_conflicts=True,
        unique_fields=["user"],
        update_fields=["score", "last_season_score", "seasons"],
    )


def _rewards_give(season: Season, standings: list[SeasonStanding]) -> None:
    from cohort.competition.services.rewards import credits_grant_many, titles_grant_many

    credits_grant_many(
        grants=[
            (
                s.user_id,
                s.credits,
                f"{season.name}: {s.score} points",
                f"season:{season.pk}:{s.user_id}",
            )
            for s in standings
            if s.credits > 0
        ]
    )
    for title in Title.objects.exclude(award=""):
        winners = [s.user_id for s in standings if s.award == title.award]
        if winners:
            titles_grant_many(title=title, user_ids=winners)


def _announce_ranks(season: Season, total: int) -> None:
    from cohort.notifications.services import notifications_create_from_query

    # Each member's text in their own language (core.i18n.sql_message).
    text, text_params = sql_message(
        gettext_noop(
            "%(season)s is over: you finished #%(rank)s of %(total)s with %(score)s points."
        ),
        language_column="u.language",
        season=season.name,
        rank=Sql("s.rank"),
        total=total,
        score=Sql("s.score"),
    )
    notifications_create_from_query(
        select_sql=(
            f"SELECT s.user_id, {text}, '/season/', CAST(%s AS VARCHAR(100)) "  # noqa: S608 - constants only
            "FROM competition_seasonstanding s JOIN accounts_user u ON u.id = s.user_id "
            "WHERE s.season_id = %s"
        ),
        params=[*text_params, f"season-final:{season.pk}", season.pk],
    )
