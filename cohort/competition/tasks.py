from celery import shared_task

from cohort.competition.leaderboards.services import leaderboards_rebuild
from cohort.competition.services.seasons import seasons_update


@shared_task
def rebuild_leaderboards_task() -> dict[str, int]:
    return leaderboards_rebuild()


@shared_task
def update_seasons_task() -> str:
    return str(seasons_update(create_next=True))
