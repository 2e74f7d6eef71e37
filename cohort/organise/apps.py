from django.apps import AppConfig


class OrganiseConfig(AppConfig):
    name = "cohort.organise"
    label = "organise"
