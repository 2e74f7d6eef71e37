"""Members' row details on the boards (name, privacy, group, worn title), cached per member
and warmed for everyone by the nightly rebuild, so a page of any depth needs no query."""

from django.db import transaction
from django.db.models import OuterRef, Subquery

from cohort.accounts.models import User
from cohort.competition.models import OwnedTitle
from cohort.competition.selectors.versions import board_pages_forget, group_standings_forget
from cohort.core.caching import (
    cache_count,
    cache_forget_on_commit,
    cache_get_many,
    cache_set_many,
)

_PERSON_TTL = 26 * 3600  # past the nightly rebuild, which refills it; changes drop entries


def _person_key(user_id: int) -> str:
    return f"leaderboard:person:{user_id}:v1"


def people_details(ids: list[int]) -> dict[int, tuple]:
    """{user_id: (name, hides name, group id, group name, equipped title)}: from the cache,
    the missing ones from the database (one query) and cached for next time."""
    keys = {user_id: _person_key(user_id) for user_id in ids}
    found = cache_get_many(keys.values())
    people = {user_id: found[key] for user_id, key in keys.items() if key in found}
    missing = [user_id for user_id in ids if user_id not in people]
    cache_count("leaderboard_people", hit=not missing)
    if missing:
        fresh = _people_load(User.objects.filter(pk__in=missing))
        cache_set_many({keys[pk]: value for pk, value in fresh.items()}, _PERSON_TTL)
        people.update(fresh)
    return people


def _people_load(users) -> dict[int, tuple]:
    worn = OwnedTitle.objects.filter(user=OuterRef("pk"), is_equipped=True).values("title__name")
    rows = users.annotate(title=Subquery(worn[:1])).values_list(
        "pk", "display_name", "hide_name_outside_group", "group_id", "group__name", "title"
    )
    return {
        pk: (name, hidden, gid, gname or "", title or "")
        for pk, name, hidden, gid, gname, title in rows
    }


def people_warm(user_ids: list[int]) -> None:
    """Cache these members' row details (the nightly rebuild does it for everyone on the
    boards, so a deep page needs no query)."""
    cache_set_many(
        {
            _person_key(pk): value
            for pk, value in _people_load(User.objects.filter(pk__in=user_ids)).items()
        },
        _PERSON_TTL,
    )


def people_forget(user_ids) -> None:
    """After these members' names, privacy, group or title change (on commit), and their
    rows in cached pages with them."""
    user_ids = list(user_ids)
    cache_forget_on_commit([_person_key(user_id) for user_id in user_ids])
    transaction.on_commit(board_pages_forget)
    group_standings_forget(user_ids=user_ids)
