from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "cohort.reviews"
    verbose_name = "Assignments and reviews"
