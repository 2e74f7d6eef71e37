from cohort.accounts.models import User
from cohort.accounts.signals import standing_changed


def profile_privacy_set(*, user: User, hide_name: bool) -> User:
    """Whether the member's name shows on leaderboards outside their own group, from the
    next request on: a save (not .update()) lets the boards' post_save receiver drop the
    member's cached row details, and standing_changed names the member so every cached
    board page showing them goes too."""
    user.hide_name_outside_group = hide_name
    user.save(update_fields=["hide_name_outside_group"])
    standing_changed.send(
        sender=User, group_ids=[user.group_id] if user.group_id else [], user_ids=[user.pk]
    )
    return user


def profile_leetcode_set(*, user: User, username: str) -> User:
    """Set (or clear, with "") the member's LeetCode username; the caller validated it
    (LeetCodeForm). A new username is unverified: the sync reads it only once the member
    has shown it is theirs (cohort.activity.services.leetcode_verify)."""
    username = username.strip()
    # One statement: the verification goes with any change of the stored username, even one
    # this request's copy of the user has not seen.
    changed = (
        User.objects.filter(pk=user.pk)
        .exclude(leetcode_username=username)
        .update(leetcode_username=username, leetcode_verified_at=None)
    )
    if changed:
        user.leetcode_username, user.leetcode_verified_at = username, None
    return user
