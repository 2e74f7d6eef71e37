from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "cohort.analytics"
    verbose_name = "Analytics"
