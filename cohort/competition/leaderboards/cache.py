"""Versions that cached board pages and group pages are stamped with: a write that changes
what they show starts a new version, and the old entries are never read again."""

import secrets

from django.db import transaction

from cohort.accounts.models import User
from cohort.core.caching import cache_forget, cache_version


def generation_key(family: str) -> str:
    return f"leaderboard:generation:{family}"


def generation(family: str) -> int:
    """A random number that changes whenever a write moves anyone on the family's boards."""
    version = cache_version(generation_key(family), None)
    return version if version is not None else secrets.randbits(62)  # no cache: no reuse


def board_pages_forget(*families: str) -> None:
    """Drop the cached pages of these families' boards ("path": progress and groups;
    "season": points; "all": lifetime); of every board when none is named."""
    cache_forget([generation_key(f) for f in families or ("path", "season", "all")])


def _group_version_key(group_id: int) -> str:
    return f"standings:group:{group_id}:version"


def group_standing_version(group_id: int) -> int:
    """A number that changes whenever anything a group's members see of each other changes
    (steps, progress, points, streaks, names): pages built from the group's rows are cached
    under it."""
    version = cache_version(_group_version_key(group_id), None)
    return version if version is not None else secrets.randbits(62)


def group_standings_forget(*, group_ids=(), user_ids=()) -> None:
    """Once the caller's transaction commits, start new versions for these groups and
    these members' groups."""
    group_ids, user_ids = {g for g in group_ids if g is not None}, list(user_ids)

    def forget() -> None:
        groups = set(group_ids)
        if user_ids:
            members = User.objects.filter(pk__in=user_ids, group__isnull=False)
            groups.update(members.values_list("group_id", flat=True))
        cache_forget([_group_version_key(g) for g in groups])

    if group_ids or user_ids:
        transaction.on_commit(forget)
