"""Every Django-cache key and version of the leaderboards, and the functions that start new
versions or drop entries. A write that changes what a cached page shows starts a new
version, and the old entries are never read again. The key strings are what production
caches hold: renaming one would drop (or mix) those caches at deploy.

Readers (selectors) take versions and keys from here; only services call the `_forget`
functions."""

import secrets

from django.db import transaction

from cohort.accounts.models import User
from cohort.core.caching import cache_forget, cache_forget_on_commit, cache_version

FAMILIES = ("path", "season", "all")
REBUILD_QUEUED_KEY = "leaderboards:rebuild-queued"
PERSON_TTL = 26 * 3600  # past the nightly rebuild, which refills it; changes drop entries


def board_pages_version_key(family: str) -> str:
    return f"leaderboard:generation:{family}"


def board_pages_version(family: str) -> int:
    """A random number that changes whenever a write moves anyone on the family's boards:
    cached board pages are stamped with it."""
    version = cache_version(board_pages_version_key(family), None)
    return version if version is not None else secrets.randbits(62)  # no cache: no reuse


def board_page_key(board: str, group_id, division_id, season_id, start: int) -> str:
    return f"leaderboard:page:{board}:{group_id}:{division_id}:{season_id}:{start}"


def board_pages_forget(*families: str) -> None:
    """Drop the cached pages of these families' boards ("path": progress and groups;
    "season": points; "all": lifetime); of every board when none is named."""
    cache_forget([board_pages_version_key(f) for f in families or FAMILIES])


def board_person_key(user_id: int) -> str:
    return f"leaderboard:person:{user_id}:v1"


def board_people_forget(user_ids) -> None:
    """After these members' names, privacy, group or title change (on commit): drop their
    cached row details, every cached board page and their groups' dashboards."""
    user_ids = list(user_ids)
    cache_forget_on_commit([board_person_key(user_id) for user_id in user_ids])
    transaction.on_commit(board_pages_forget)
    group_dashboard_forget(user_ids=user_ids)


def _group_dashboard_version_key(group_id: int) -> str:
    # "standings" in the key is historical: it is the group dashboard's version.
    return f"standings:group:{group_id}:version"


def group_dashboard_version_keys(group_ids) -> list[str]:
    """The version keys of these groups' dashboards, for a caller that drops them together
    with other keys in one round trip."""
    return [_group_dashboard_version_key(g) for g in group_ids if g is not None]


def group_dashboard_version(group_id: int) -> int:
    """The version the group's dashboard page (its members' rows) is cached under: it
    changes whenever anything the members see of each other changes (steps, progress,
    points, streaks, names)."""
    version = cache_version(_group_dashboard_version_key(group_id), None)
    return version if version is not None else secrets.randbits(62)


def group_dashboard_forget(*, group_ids=(), user_ids=()) -> None:
    """Once the caller's transaction commits, start new group dashboard versions for these
    groups and these members' groups."""
    group_ids, user_ids = {g for g in group_ids if g is not None}, list(user_ids)

    def forget() -> None:
        groups = set(group_ids)
        if user_ids:
            members = User.objects.filter(pk__in=user_ids, group__isnull=False)
            groups.update(members.values_list("group_id", flat=True))
        cache_forget([_group_dashboard_version_key(g) for g in groups])

    if group_ids or user_ids:
        transaction.on_commit(forget)
