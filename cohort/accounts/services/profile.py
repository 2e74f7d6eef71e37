from cohort.accounts.models import User
from cohort.accounts.signals import standing_changed


def profile_privacy_set(*, user: User, hide_name: bool) -> User:
    """Whether the member's name shows on leaderboards outside their own group."""
    User.objects.filter(pk=user.pk).update(hide_name_outside_group=hide_name)
    user.hide_name_outside_group = hide_name
    standing_changed.send(sender=User, group_ids=[user.group_id] if user.group_id else [])
    return user


def profile_leetcode_set(*, user: User, username: str) -> User:
    """Set (or clear, with "") the member's LeetCode username; the caller validated it
    (LeetCodeForm). Their coding streak is read from it at the next sync."""
    username = username.strip()
    User.objects.filter(pk=user.pk).update(leetcode_username=username)
    user.leetcode_username = username
    return user
