from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "cohort.notifications"
    label = "notifications"

    def ready(self):
        from cohort.accounts.signals import group_password_rotated, members_to_welcome
        from cohort.notifications.services import group_password_rotated_received
        from cohort.notifications.tasks import members_to_welcome_received

        group_password_rotated.connect(
            group_password_rotated_received, dispatch_uid="notify-password-rotated"
        )
        members_to_welcome.connect(members_to_welcome_received, dispatch_uid="welcome-members")

        from cohort.notifications.signals import notifications_created
        from cohort.notifications.tasks import notifications_created_received

        notifications_created.connect(
            notifications_created_received, dispatch_uid="push-new-notifications"
        )
