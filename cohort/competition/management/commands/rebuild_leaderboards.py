import time

from django.core.management.base import BaseCommand

from cohort.competition.leaderboards.services import leaderboards_rebuild


class Command(BaseCommand):
    help = "Reload the Redis leaderboards of the current path from the database."

    def handle(self, *args, **options):
        started = time.perf_counter()
        loaded = leaderboards_rebuild()
        if not loaded:
            self.stdout.write("Nothing to rebuild: no Redis (REDIS_URL) or no current path.")
            return
        sizes = ", ".join(f"{board} {count:,}" for board, count in loaded.items())
        self.stdout.write(f"Rebuilt: {sizes} in {time.perf_counter() - started:.1f} s.")
