from django.apps import AppConfig


class ActivityConfig(AppConfig):
    name = "cohort.activity"
    label = "activity"

    def ready(self):
        from cohort.activity.tasks import path_made_current_received
        from cohort.journeys.signals import path_made_current

        path_made_current.connect(path_made_current_received, dispatch_uid="activity-rebuild")
