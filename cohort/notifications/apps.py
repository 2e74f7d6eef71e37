from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "cohort.notifications"
    label = "notifications"

    def ready(self):
        from cohort.accounts.signals import group_password_rotated
        from cohort.notifications.services import group_password_rotated_received

        group_password_rotated.connect(
            group_password_rotated_received, dispatch_uid="notify-password-rotated"
        )

        from cohort.notifications.signals import notifications_created
        from cohort.notifications.tasks import notifications_created_received

        notifications_created.connect(
            notifications_created_received, dispatch_uid="push-new-notifications"
        )
