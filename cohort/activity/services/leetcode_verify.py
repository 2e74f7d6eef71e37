"""Showing that a LeetCode username belongs to the member who typed it: the member puts
their code (User.leetcode_code) in the "About me" of their public LeetCode profile, and
Verify reads it back through the same public GraphQL endpoint as the streak sync. Until
then the sync gives that username no streak and no coding points."""

import json

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext as _

from cohort.accounts.models import User
from cohort.activity.services.leetcode import LeetCodeClient, LeetCodeError, UnknownUser
from cohort.core.exceptions import Conflict, DomainError, InvalidInput

PROFILE_QUERY = """
query userProfile($username: String!) {
  matchedUser(username: $username) { profile { aboutMe } }
}
"""
HELD = gettext_lazy("Another member has already verified this LeetCode username.")


class LeetCodeUnavailable(DomainError):
    """LeetCode did not answer, or not in a form we can read: try again later."""

    status_code = 503


def _about_me(raw: bytes, username: str) -> str:
    """The profile's "About me" text from a profile answer. Raises UnknownUser or
    LeetCodeError."""
    try:
        answer = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise LeetCodeError("malformed answer: not JSON") from None
    data = answer.get("data") if isinstance(answer, dict) else None
    if not isinstance(data, dict) or "matchedUser" not in data:
        raise LeetCodeError("malformed answer: no matchedUser")
    user = data["matchedUser"]
    if user is None:
        raise UnknownUser(f"LeetCode has no user {username!r}")
    profile = user.get("profile") if isinstance(user, dict) else None
    about = profile.get("aboutMe") if isinstance(profile, dict) else None
    if about is not None and not isinstance(about, str):
        raise LeetCodeError("malformed answer: aboutMe is not text")
    return about or ""


def leetcode_about_me_fetch(*, client: LeetCodeClient, username: str) -> str:
    """The "About me" of a public LeetCode profile. Raises UnknownUser or LeetCodeError."""
    payload = {
        "operationName": "userProfile",
        "query": PROFILE_QUERY,
        "variables": {"username": username},
    }
    return _about_me(client.post(payload), username)


def _interactive_client() -> LeetCodeClient:
    """A member waits on this one: at most one retry, a short backoff."""
    return LeetCodeClient(
        base_url=settings.LEETCODE_BASE_URL,
        timeout=settings.LEETCODE_TIMEOUT_SECONDS,
        retries=min(1, settings.LEETCODE_RETRIES),
        per_second=settings.LEETCODE_REQUESTS_PER_SECOND,
        backoff=0.2,
    )


def _held_by_another(username: str, user_id: int) -> bool:
    others = User.objects.filter(leetcode_username__iexact=username).exclude(pk=user_id)
    return others.filter(leetcode_verified_at__isnull=False).exists()


def leetcode_username_verify(*, user_id: int, client: LeetCodeClient | None = None) -> User:
    """Mark the member's LeetCode username verified when their code is in its profile's
    "About me". Raises InvalidInput (no username, unknown user, code not there), Conflict
    (another member holds it verified, or it changed meanwhile), LeetCodeUnavailable."""
    user = User.objects.get(pk=user_id)
    username, code = user.leetcode_username, user.leetcode_code
    if not username:
        raise InvalidInput(_("Save your LeetCode username first, then verify it."))
    if user.leetcode_verified_at is not None:
        return user
    if _held_by_another(username, user_id):  # before asking LeetCode anything
        raise Conflict(HELD)
    try:
        about = leetcode_about_me_fetch(client=client or _interactive_client(), username=username)
    except UnknownUser:
        raise InvalidInput(
            _("LeetCode has no user %(username)s; check the spelling.") % {"username": username}
        ) from None
    except LeetCodeError:
        raise LeetCodeUnavailable(
            gettext("We could not read your LeetCode profile just now; try again in a few minutes.")
        ) from None
    if code not in about:
        raise InvalidInput(
            _(
                "%(code)s is not in the About me of %(username)s on LeetCode yet: add it there, "
                "save, then press Verify again."
            )
            % {"code": code, "username": username}
        )
    try:
        with transaction.atomic():
            locked = User.objects.select_for_update().get(pk=user_id)
            if locked.leetcode_username != username:
                raise Conflict(_("Your LeetCode username changed meanwhile; press Verify again."))
            if _held_by_another(username, user_id):
                raise Conflict(HELD)
            locked.leetcode_verified_at = timezone.now()
            locked.save(update_fields=["leetcode_verified_at"])
    except IntegrityError:  # another member verified the same name in the same instant
        raise Conflict(HELD) from None
    return locked
