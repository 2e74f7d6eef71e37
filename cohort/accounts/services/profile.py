import re
import zoneinfo

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cohort.accounts.models import LANGUAGE_CHOICES, User
from cohort.accounts.signals import standing_changed
from cohort.core.exceptions import InvalidInput

COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
LANGUAGE_CODES = ("", *(code for code, _name in LANGUAGE_CHOICES))


def time_zones_available() -> list[str]:
    """Every IANA zone this server knows, sorted (the profile's searchable list)."""
    return sorted(zoneinfo.available_timezones())


class ProfileInvalid(InvalidInput):
    """422, naming the field (`field`) so that a form can mark it."""

    def __init__(self, field: str, detail: str):
        super().__init__(detail)
        self.field = field


def profile_clean(*, display_name=None, time_zone=None, marker_colour=None, language=None) -> dict:
    """The given fields (None: not given), checked: ProfileInvalid (422) names the wrong one."""
    changes = {}
    if display_name is not None:
        display_name = display_name.strip()
        if not display_name:
            raise ProfileInvalid("display_name", _("Enter a name to show to your group."))
        if len(display_name) > 100:
            raise ProfileInvalid("display_name", _("A name has at most 100 characters."))
        changes["display_name"] = display_name
    if time_zone is not None:
        time_zone = time_zone.strip()
        if time_zone not in zoneinfo.available_timezones():
            raise ProfileInvalid(
                "time_zone",
                _(
                    "%(zone)s is not a known time zone: choose one from the list "
                    "(e.g. Europe/Madrid)."
                )
                % {"zone": repr(time_zone)},
            )
        changes["time_zone"] = time_zone
    if marker_colour is not None:
        if not COLOUR.match(marker_colour.strip()):
            raise ProfileInvalid("marker_colour", _("Use a colour like #2563eb for your marker."))
        changes["marker_colour"] = marker_colour.strip().lower()
    if language is not None:
        if language not in LANGUAGE_CODES:
            raise ProfileInvalid(
                "language",
                _("Choose one of the languages offered (%(codes)s), or none for the browser's.")
                % {"codes": ", ".join(code for code in LANGUAGE_CODES if code)},
            )
        changes["language"] = language
    return changes


def profile_update(
    *,
    user: User,
    display_name: str | None = None,
    time_zone: str | None = None,
    marker_colour: str | None = None,
    language: str | None = None,
) -> User:
    """Change the member's own display name, time zone, marker colour and language (None:
    unchanged; language "": the browser's).
    Everything cached with the name or the day in their zone is dropped once it commits:
    the group's member list, the boards' row details and pages, the group's dashboards."""
    changes = profile_clean(
        display_name=display_name,
        time_zone=time_zone,
        marker_colour=marker_colour,
        language=language,
    )
    if time_zone is not None:
        changes["time_zone_chosen_at"] = timezone.now()
    if not changes:
        return user
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(**changes)
        for field, value in changes.items():
            setattr(user, field, value)
        if changes.keys() - {"language"}:  # the language shows on no board or dashboard
            standing_changed.send(
                sender=User, group_ids=[user.group_id] if user.group_id else [], user_ids=[user.pk]
            )
    return user


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
