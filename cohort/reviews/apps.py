from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "cohort.reviews"
    verbose_name = "Assignments and reviews"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from cohort.competition.models import Category, Episode
        from cohort.reviews.models import Assignment
        from cohort.reviews.services import season_episodes_forget

        for model in (Episode, Assignment, Category):
            uid = f"season-episodes-{model.__name__}"
            post_save.connect(season_episodes_forget, sender=model, dispatch_uid=uid)
            post_delete.connect(season_episodes_forget, sender=model, dispatch_uid=f"{uid}-d")
