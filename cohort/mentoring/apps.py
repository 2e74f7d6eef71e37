from django.apps import AppConfig


class MentoringConfig(AppConfig):
    name = "cohort.mentoring"
    label = "mentoring"
