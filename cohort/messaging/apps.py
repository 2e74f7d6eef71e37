from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "cohort.messaging"
    verbose_name = "Announcements and messages"
