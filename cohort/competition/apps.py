from django.apps import AppConfig


class CompetitionConfig(AppConfig):
    name = "cohort.competition"
    verbose_name = "Seasons, points and leaderboards"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from cohort.accounts.models import Group, User
        from cohort.accounts.signals import standing_changed
        from cohort.competition.leaderboards.services import (
            group_saved_received,
            standing_changed_received,
            user_saved_received,
        )

        standing_changed.connect(standing_changed_received, dispatch_uid="leaderboards")
        # Board rows cache members' names and groups' names: drop them when those change.
        post_save.connect(user_saved_received, sender=User, dispatch_uid="board-people")
        post_delete.connect(user_saved_received, sender=User, dispatch_uid="board-people-d")
        post_save.connect(group_saved_received, sender=Group, dispatch_uid="board-groups")
        # Categories are cached whole; any save (the admin, the demo, a shell) drops them.
        from cohort.competition.models import Category
        from cohort.competition.services.caches import category_saved_received

        post_save.connect(category_saved_received, sender=Category, dispatch_uid="categories")
        post_delete.connect(category_saved_received, sender=Category, dispatch_uid="categories-d")
