from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "cohort.analytics"
    verbose_name = "Analytics"

    def ready(self):
        from cohort.activity.signals import day_changed
        from cohort.analytics.services import day_changed_received

        day_changed.connect(day_changed_received, dispatch_uid="analytics-today")
