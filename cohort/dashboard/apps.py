from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "cohort.dashboard"
    label = "dashboard"
