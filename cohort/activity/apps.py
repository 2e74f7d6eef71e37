from django.apps import AppConfig


class ActivityConfig(AppConfig):
    name = "cohort.activity"
    label = "activity"
