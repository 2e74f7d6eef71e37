from celery import shared_task

from cohort.competition.services.boards import leaderboards_rebuild


@shared_task
def rebuild_leaderboards_task() -> dict[str, int]:
    return leaderboards_rebuild()
