from django.conf import settings
from django.core.management.base import BaseCommand

from cohort.notifications.push import push_due_send


class Command(BaseCommand):
    help = (
        "Push each due notification to the devices of the members who turned push on, outside "
        "their quiet hours (what the schedule does every PUSH_SEND_SECONDS). Safe to run at "
        "any time: a notification is pushed at most once."
    )

    def handle(self, *args, **options):
        if not settings.PUSH_ENABLED:
            self.stdout.write("Push is off: set VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY.")
            return
        outcome = push_due_send()
        self.stdout.write(
            f"Pushed {outcome.sent}, held by quiet hours {outcome.held}, failed "
            f"{outcome.failed}, expired subscriptions removed {outcome.removed}."
        )
