"""LeetCode coding streaks, read from each member's public submission calendar through
LeetCode's GraphQL endpoint. The streak is computed from the calendar's days every time
(never from a "streak" field, never a day added per call), so a rerun gives the same
numbers. Calls are paced to LEETCODE_REQUESTS_PER_SECOND, each within
LEETCODE_TIMEOUT_SECONDS, and retried with exponential backoff (urllib3's Retry) on 5xx
answers, timeouts and connection errors only. One member's failure is recorded on their
streak row (last_error) and the others go on."""

import datetime as dt
import json
import logging
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import TypeGuard

import urllib3
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from urllib3.exceptions import HTTPError, MaxRetryError
from urllib3.util.retry import Retry

from cohort.accounts.models import User
from cohort.activity.models import Streak
from cohort.activity.services.points import coding_points_settle
from cohort.activity.services.streaks import StreakNumbers, streak_compute

logger = logging.getLogger(__name__)

# Both years in one call (GraphQL aliases), so a streak crossing New Year is whole.
CALENDAR_QUERY = """
query userCalendars($username: String!, $year: Int, $previousYear: Int) {
  matchedUser(username: $username) {
    thisYear: userCalendar(year: $year) { submissionCalendar }
    lastYear: userCalendar(year: $previousYear) { submissionCalendar }
  }
}
"""
RETRY_STATUSES = (500, 502, 503, 504)
DEFAULT_BACKOFF_SECONDS = 1.0


class LeetCodeError(Exception):
    """The calendar could not be had or read; the message is what last_error shows."""


class UnknownUser(LeetCodeError):
    """LeetCode has no user of that name."""


@dataclass
class SyncResult:
    synced: int = 0
    unchanged: int = 0
    unknown_user: int = 0
    failed: int = 0

    def summary(self) -> str:
        return (
            f"synced {self.synced}, unchanged {self.unchanged}, "
            f"unknown user {self.unknown_user}, failed {self.failed}"
        )

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


class LeetCodeClient:
    """POSTs to LeetCode's GraphQL endpoint, no more often than `per_second` (retries
    included), retrying 5xx answers, timeouts and connection errors with backoff."""

    def __init__(
        self,
        *,
        base_url: str,
        timeout: float,
        retries: int,
        per_second: float,
        backoff: float = DEFAULT_BACKOFF_SECONDS,
    ):
        self.url = base_url.rstrip("/") + "/graphql"
        self.pool = urllib3.PoolManager(
            timeout=urllib3.Timeout(connect=timeout, read=timeout), retries=False
        )
        # The calendar query reads only, so repeating the POST is safe.
        self.retry = Retry(
            total=retries,
            other=0,
            redirect=0,
            status_forcelist=RETRY_STATUSES,
            allowed_methods=frozenset({"POST"}),
            backoff_factor=backoff,
            # A Retry-After of an hour would stall every member behind this one: the backoff
            # and the request pacing keep us polite instead.
            respect_retry_after_header=False,
        )
        self.interval = 1.0 / per_second
        self._next_at = 0.0

    @classmethod
    def from_settings(cls, *, backoff: float | None = None) -> "LeetCodeClient":
        return cls(
            base_url=settings.LEETCODE_BASE_URL,
            timeout=settings.LEETCODE_TIMEOUT_SECONDS,
            retries=settings.LEETCODE_RETRIES,
            per_second=settings.LEETCODE_REQUESTS_PER_SECOND,
            backoff=DEFAULT_BACKOFF_SECONDS if backoff is None else backoff,
        )

    def _pace(self) -> None:
        """Space requests at least `interval` apart on the monotonic clock."""
        now = time.monotonic()
        if now < self._next_at:
            time.sleep(self._next_at - now)
            now = self._next_at
        self._next_at = now + self.interval

    def post(self, payload: dict) -> bytes:
        """The answer's body. Raises LeetCodeError once the retries are spent."""
        body, retry = json.dumps(payload).encode(), self.retry
        headers = {"Content-Type": "application/json", "Referer": "https://leetcode.com"}
        while True:
            self._pace()
            try:
                try:
                    response = self.pool.request("POST", self.url, body=body, headers=headers)
                except HTTPError as exc:
                    retry = retry.increment("POST", self.url, error=exc)
                    retry.sleep()
                    continue
                if retry.is_retry("POST", response.status):
                    retry = retry.increment("POST", self.url, response=response)
                    retry.sleep(response)
                    continue
            except MaxRetryError as exc:
                raise LeetCodeError(
                    f"no answer after {self.retry.total} retries: {_why(exc)}"
                ) from None
            except HTTPError as exc:  # not retryable
                raise LeetCodeError(f"could not reach LeetCode: {_why(exc)}") from None
            if response.status != 200:
                raise LeetCodeError(f"LeetCode answered HTTP {response.status}")
            return response.data


def _why(exc: Exception) -> str:
    reason = getattr(exc, "reason", None) or exc
    if "timed out" in str(reason).lower():
        return "timed out"
    return type(reason).__name__ if not str(reason) else str(reason)[:150]


def calendar_days(raw: bytes, username: str) -> set[dt.date]:
    """The UTC days with at least one submission in a calendar answer. Raises UnknownUser
    or LeetCodeError("malformed answer: ...")."""
    try:
        answer = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise LeetCodeError("malformed answer: not JSON") from None
    data = answer.get("data") if isinstance(answer, dict) else None
    if not isinstance(data, dict) or "matchedUser" not in data:
        errors = answer.get("errors") if isinstance(answer, dict) else None
        detail = f" ({errors[0].get('message')})" if _is_error_list(errors) else ""
        raise LeetCodeError(f"malformed answer: no matchedUser{detail}"[:300])
    user = data["matchedUser"]
    if user is None:
        raise UnknownUser(f"LeetCode has no user {username!r}")
    if not isinstance(user, dict):
        raise LeetCodeError("malformed answer: matchedUser is not an object")
    return _year_days(user.get("thisYear")) | _year_days(user.get("lastYear"))


def _is_error_list(errors: object) -> TypeGuard[list[dict]]:
    return isinstance(errors, list) and bool(errors) and isinstance(errors[0], dict)


def _year_days(calendar) -> set[dt.date]:
    if calendar is None:  # a year LeetCode has nothing for
        return set()
    text = calendar.get("submissionCalendar") if isinstance(calendar, dict) else None
    try:
        if not isinstance(text, str | bytes | bytearray):
            raise TypeError  # json.loads raises it too: None, a number...
        counts = json.loads(text)
        if not isinstance(counts, dict):
            raise TypeError
        return {
            dt.datetime.fromtimestamp(int(stamp), tz=dt.UTC).date()
            for stamp, count in counts.items()
            if int(count) > 0
        }
    except (TypeError, ValueError, OverflowError, OSError):
        raise LeetCodeError("malformed answer: submissionCalendar is not a JSON map") from None


def leetcode_days_fetch(*, client: LeetCodeClient, username: str, today: dt.date) -> set[dt.date]:
    """The member's LeetCode days of this year and the last. Raises LeetCodeError."""
    payload = {
        "operationName": "userCalendars",
        "query": CALENDAR_QUERY,
        "variables": {"username": username, "year": today.year, "previousYear": today.year - 1},
    }
    return calendar_days(client.post(payload), username)


def _store(user_id: int, numbers: StreakNumbers) -> bool:
    """Caller is in a transaction. Returns whether the numbers changed."""
    row, created = Streak.objects.select_for_update().get_or_create(
        user_id=user_id, kind=Streak.Kind.LEETCODE
    )
    changed = created or (row.current, row.longest, row.last_day) != (
        numbers.current,
        numbers.longest,
        numbers.last_day,
    )
    row.current, row.longest, row.last_day = numbers.current, numbers.longest, numbers.last_day
    row.synced_at, row.last_error = timezone.now(), ""
    row.save()
    return changed


def _store_failure(user_id: int, error: str, *, reset: bool = False) -> None:
    """Record why the sync failed; the numbers stay as last read, unless `reset` (the user
    does not exist, so there is no streak to show)."""
    values: dict[str, object] = {"last_error": error[:300]}
    if reset:
        values |= {"current": 0, "longest": 0, "last_day": None}
    Streak.objects.update_or_create(user_id=user_id, kind=Streak.Kind.LEETCODE, defaults=values)


def leetcode_streak_sync(
    *, user_id: int, username: str, client: LeetCodeClient, today: dt.date
) -> tuple[str, str]:
    """Read one member's calendar, store their LeetCode streak and settle their coding
    points. Returns (outcome, detail): outcome is a SyncResult field name."""
    try:
        days = leetcode_days_fetch(client=client, username=username, today=today)
    except UnknownUser as exc:
        _store_failure(user_id, str(exc), reset=True)
        return "unknown_user", str(exc)
    except LeetCodeError as exc:
        _store_failure(user_id, str(exc))
        return "failed", str(exc)
    numbers = streak_compute(days, today=today)
    with transaction.atomic():
        changed = _store(user_id, numbers)
        coding_points_settle(user_id=user_id, days=days, today=today)
    detail = f"current {numbers.current}, longest {numbers.longest}"
    return ("synced" if changed else "unchanged"), detail


def leetcode_streaks_sync(
    *,
    user_ids: list[int] | None = None,
    backoff: float | None = None,
    on_member: Callable[[str, str, str], None] | None = None,
) -> SyncResult:
    """Sync every active member with a verified LeetCode username (or those of `user_ids`);
    each member's outcome is on their streak row and `on_member(email, outcome, detail)`.
    An unverified username is never read: anyone can type anyone's (leetcode_verify)."""
    members = User.objects.filter(
        role=User.Role.MEMBER, is_active=True, leetcode_verified_at__isnull=False
    ).exclude(leetcode_username="")
    if user_ids is not None:
        members = members.filter(pk__in=user_ids)
    client = LeetCodeClient.from_settings(backoff=backoff)
    today = timezone.now().astimezone(dt.UTC).date()  # the calendar's days are UTC days
    result = SyncResult()
    for user_id, email, username in members.order_by("pk").values_list(
        "pk", "email", "leetcode_username"
    ):
        try:
            outcome, detail = leetcode_streak_sync(
                user_id=user_id, username=username, client=client, today=today
            )
        except Exception:  # one member's surprise must not stop the others
            logger.exception("LeetCode sync of member %s", user_id)
            outcome, detail = _("failed"), "an unexpected error (see the log)"
            _store_failure(user_id, detail)
        setattr(result, outcome, getattr(result, outcome) + 1)
        if on_member is not None:
            on_member(email, outcome, detail)
    return result
