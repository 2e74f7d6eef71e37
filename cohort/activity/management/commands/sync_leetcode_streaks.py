from django.core.management.base import BaseCommand, CommandError

from cohort.accounts.models import User, normalize_email
from cohort.activity.services.leetcode import leetcode_streaks_sync


class Command(BaseCommand):
    help = (
        "Read each active member's LeetCode submission calendar (members with a verified "
        "LeetCode username on their profile), store their LeetCode streak and settle their "
        "coding-streak points. Safe to rerun: the streak is computed from the calendar each "
        "time. One member's failure is kept on their streak row and the others go on."
    )

    def add_arguments(self, parser):
        parser.add_argument("--user", metavar="EMAIL", help="only this member")
        parser.add_argument("--verbose", action="store_true", help="one line per member")

    def handle(self, *args, user, verbose, **options):
        user_ids = None
        if user:
            member = User.objects.filter(email=normalize_email(user)).first()
            if member is None:
                raise CommandError(f"No member has the email {user}.")
            if not member.leetcode_username:
                raise CommandError(f"{member.email} has no LeetCode username on their profile.")
            if member.leetcode_verified_at is None:
                raise CommandError(
                    f"{member.email} has not verified their LeetCode username "
                    f"{member.leetcode_username!r} (the Verify button on their profile)."
                )
            user_ids = [member.pk]

        def report(email: str, outcome: str, detail: str) -> None:
            if verbose:
                self.stdout.write(f"{email}: {outcome.replace('_', ' ')} ({detail})")

        result = leetcode_streaks_sync(user_ids=user_ids, on_member=report)
        self.stdout.write(f"LeetCode streaks: {result.summary()}.")
        if user_ids and (result.failed or result.unknown_user):
            raise CommandError(f"{user}: the sync did not succeed (see the streak's last error).")
