from django.core.management.base import BaseCommand

from cohort.notifications.emails import notification_digests_send


class Command(BaseCommand):
    help = (
        "Send the daily digest to each member who takes it and has due notifications (what "
        "the schedule does daily at DIGEST_TIME). Safe to run at any time."
    )

    def handle(self, *args, **options):
        sent = notification_digests_send()
        self.stdout.write(f"Sent {sent} digest{'' if sent == 1 else 's'}.")
