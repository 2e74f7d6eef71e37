from django.core.management.base import BaseCommand

from cohort.notifications.emails import notification_emails_send


class Command(BaseCommand):
    help = (
        "Email each due notification to the members who asked for them one by one (what the "
        "schedule does every NOTIFICATION_EMAIL_SECONDS). Safe to run at any time."
    )

    def handle(self, *args, **options):
        sent = notification_emails_send()
        self.stdout.write(f"Sent {sent} notification email{'' if sent == 1 else 's'}.")
