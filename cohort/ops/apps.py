from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "cohort.ops"
    label = "ops"
    verbose_name = "Operations"
