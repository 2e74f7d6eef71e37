from django.apps import AppConfig


class JourneysConfig(AppConfig):
    name = "cohort.journeys"
    label = "journeys"
