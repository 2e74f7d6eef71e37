from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "cohort.notifications"
    label = "notifications"
