from django.core.management.base import BaseCommand, CommandError

from cohort.accounts.models import User, normalize_email
from cohort.devices.models import DeviceConnection, SyncRun
from cohort.devices.services.sync import device_sync_many
from cohort.devices.tasks import device_sync_nightly_task, device_sync_refresh_task


class Command(BaseCommand):
    help = (
        "Sync steps from connected devices. --nightly: the members for whom it is now "
        "DEVICE_SYNC_TIME or later in their own zone and whose night is not yet synced (what "
        "the schedule runs every 5 minutes); --refresh: today so far for every connection; "
        "--user EMAIL: that member's connections now, the edit window's days. Safe to rerun: "
        "unchanged days are not written again."
    )

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--nightly", action="store_true")
        which.add_argument("--refresh", action="store_true")
        which.add_argument("--user", metavar="EMAIL")

    def handle(self, *args, nightly, refresh, user, **options):
        if nightly:
            self.stdout.write(f"Nightly device sync: {device_sync_nightly_task()} queued.")
            return
        if refresh:
            self.stdout.write(f"Device refresh: {device_sync_refresh_task()} queued.")
            return
        member = User.objects.filter(email=normalize_email(user)).first()
        if member is None:
            raise CommandError(f"No member has the email {user}.")
        ids = list(
            DeviceConnection.objects.active().filter(user=member).values_list("pk", flat=True)
        )
        if not ids:
            raise CommandError(f"{member.email} has no connected device.")
        counts, _ = device_sync_many(connection_ids=ids, kind=SyncRun.Kind.MANUAL)
        summary = ", ".join(f"{n} {outcome}" for outcome, n in sorted(counts.items()))
        self.stdout.write(f"{member.email}: {summary}.")
