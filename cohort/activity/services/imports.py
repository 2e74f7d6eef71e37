"""Many days at once, from a CSV file (`import_activity`) or a group's sheet (`sync_sheet`):
validate every row, then upsert them in one transaction and recompute the members touched.
A file with a bad row writes nothing unless the caller skips bad rows; a re-import of the
same rows changes nothing."""

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import OuterRef, Subquery

from cohort.accounts import permissions
from cohort.accounts.models import Group, User, normalize_email
from cohort.activity.models import DailyActivity
from cohort.activity.services.daily import day_outside_path, day_review_decide
from cohort.activity.services.flags import flagged_days_notify
from cohort.activity.services.recompute import progress_recompute_users
from cohort.core.clock import local_date, user_today
from cohort.journeys.selectors import path_chain_get
from cohort.ops.models import AuditEvent
from cohort.ops.services import audit_record

_BATCH = 2_000
_WHOLE_NUMBER = re.compile(r"\d{1,3}(,\d{3})+|\d+(\.0+)?")


@dataclass(frozen=True)
class RawRow:
    """One row as read, before validation. `line` is the file line (or sheet row) it began on;
    `day` is blank when the source left the date out."""

    line: int
    email: str
    day: str
    steps: str


class UnreadableSource(Exception):
    """The whole source is unusable (not CSV, no usable header, not the expected JSON)."""

    def __init__(self, message: str, line: int = 0):
        super().__init__(message)
        self.line = line


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    members: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line, reason)
    written: bool = False

    def summary(self) -> str:
        return (
            f"created {self.created}, updated {self.updated}, unchanged {self.unchanged} "
            f"({self.members} members)"
        )


@dataclass
class _Plan:
    rows: list[DailyActivity] = field(default_factory=list)  # to insert or update
    created: int = 0
    unchanged: int = 0
    user_ids: set[int] = field(default_factory=set)
    errors: list[tuple[int, str]] = field(default_factory=list)


def rows_from_records(
    records: Iterable[tuple[int, list[str]]], *, positional: tuple[str, ...] | None = None
) -> list[RawRow]:
    """Rows from (line, cells) records. A first record naming the columns (email, steps and
    date, in any order) is the header. Without one, cells are read in the `positional` order,
    or UnreadableSource says the header is missing."""
    rows: list[RawRow] = []
    index: dict[str, int] | None = None
    for line, cells in records:
        cells = [str(cell if cell is not None else "").strip() for cell in cells]
        if not any(cells):
            continue
        if index is None:
            names = [cell.lower() for cell in cells]
            if "email" in names:
                missing = [c for c in ("email", "steps") if c not in names]
                if positional is None and "date" not in names:
                    missing.append("date")
                if missing:
                    raise UnreadableSource(f"the header has no column {', '.join(missing)}", line)
                index = {c: names.index(c) for c in ("email", "steps", "date") if c in names}
                continue
            if positional is None:
                raise UnreadableSource(
                    "the first line must name the columns email,date,steps", line
                )
            index = {c: i for i, c in enumerate(positional)}

        email, day, steps = (_cell(cells, index.get(name)) for name in ("email", "date", "steps"))
        rows.append(RawRow(line, email, day, steps))
    return rows


def _cell(cells: list[str], i: int | None) -> str:
    return cells[i] if i is not None and i < len(cells) else ""


def rows_from_csv(text: str, *, positional: tuple[str, ...] | None = None) -> list[RawRow]:
    """Rows of a CSV text, numbered by the line each starts on."""
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""), strict=True)

    def records():
        last = 0
        try:
            for record in reader:
                yield last + 1, record
                last = reader.line_num  # a quoted cell may span lines
        except csv.Error as exc:
            raise UnreadableSource(f"not valid CSV: {exc}", reader.line_num) from exc

    return rows_from_records(records(), positional=positional)


def _parse_day(text: str) -> dt.date:
    """YYYY-MM-DD, or a timestamp such as a sheet's date cell (2026-11-24T06:00:00.000Z),
    read as a date in the programme's time zone."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    moment = dt.datetime.fromisoformat(text)  # ValueError if neither
    if moment.tzinfo is None:
        return moment.date()
    try:
        return local_date(moment)
    except OverflowError:  # a moment at the calendar's edge (year 1 or 9999) in another zone
        raise ValueError(text) from None


def _parse_steps(text: str) -> int:
    if not _WHOLE_NUMBER.fullmatch(text):
        raise ValueError
    # Whole digits only: float() would turn 400 nines into infinity (an OverflowError).
    return int(text.replace(",", "").partition(".")[0])  # ValueError past 4,300 digits


def _row_day(row: RawRow, user: User, chain: list) -> dt.date:
    """Raises ValueError with the reason."""
    if not row.day:
        return user_today(user)  # a sheet may leave the date out: the member's today
    try:
        day = _parse_day(row.day)
    except ValueError:
        raise ValueError(f"{row.day!r} is not a date; use YYYY-MM-DD") from None
    if day > user_today(user):
        raise ValueError(f"{day} has not happened yet")
    outside = day_outside_path(day, chain)
    if outside:
        raise ValueError(outside)
    return day


def _row_steps(row: RawRow) -> int:
    try:
        steps = _parse_steps(row.steps)
    except ValueError:
        if row.steps.startswith("-"):
            raise ValueError("steps cannot be negative") from None
        raise ValueError(f"{row.steps or '(blank)'!r} is not a whole number of steps") from None
    if steps > settings.ACTIVITY_MAX_STEPS:
        raise ValueError(
            f"{steps:,} steps is more than the {settings.ACTIVITY_MAX_STEPS:,} allowed"
        )
    return steps


def _members_by_email(emails: set[str]) -> dict[str, User]:
    found: dict[str, User] = {}
    ordered = sorted(emails)
    for i in range(0, len(ordered), _BATCH):
        users = User.objects.filter(email__in=ordered[i : i + _BATCH])
        fields = ("id", "email", "role", "is_active", "group_id", "time_zone")
        found.update((u.email, u) for u in users.only(*fields))
    return found


def _existing_days(user_ids: set[int], days: set[dt.date]) -> dict[tuple[int, dt.date], tuple]:
    if not days:
        return {}
    found: dict[tuple[int, dt.date], tuple] = {}
    ids = sorted(user_ids)
    for i in range(0, len(ids), _BATCH // 10):
        rows = DailyActivity.objects.filter(
            user_id__in=ids[i : i + _BATCH // 10], date__range=(min(days), max(days))
        ).values_list("user_id", "date", "steps", "review")
        found.update(((uid, day), (steps, review)) for uid, day, steps, review in rows)
    return found


def _validate(rows: list[RawRow], group: Group | None) -> tuple[list, list[tuple[int, str]]]:
    """(line, user, day, steps) of each good row, and (line, reason) of each bad one."""
    # PostgreSQL text cannot hold NUL: such an email is reported below, never looked up.
    emails = {normalize_email(r.email) for r in rows if r.email and "\x00" not in r.email}
    users = _members_by_email(emails)
    good: list[tuple[int, User, dt.date, int]] = []
    errors: list[tuple[int, str]] = []
    seen: dict[tuple[int, dt.date], int] = {}
    chain = path_chain_get()
    for row in rows:
        user = users.get(normalize_email(row.email))
        try:
            if not row.email:
                raise ValueError("the email is blank")
            if "\x00" in row.email:
                raise ValueError(f"{row.email!r} holds a NUL character")
            if user is None:
                raise ValueError(f"no member has the email {row.email}")
            if not permissions.is_member(user) or not user.is_active:
                raise ValueError(f"{user.email} is not an active member")
            if group is not None and user.group_id != group.pk:
                raise ValueError(f"{user.email} is not in {group.name}")
            day, steps = _row_day(row, user, chain), _row_steps(row)
            if (user.pk, day) in seen:
                raise ValueError(f"{user.email} on {day} is also on line {seen[user.pk, day]}")
        except ValueError as exc:
            errors.append((row.line, str(exc)))
            continue
        seen[user.pk, day] = row.line
        good.append((row.line, user, day, steps))
    return good, errors


def _plan(good: list, source: str) -> _Plan:
    plan = _Plan()
    existing = _existing_days({u.pk for _, u, _, _ in good}, {d for _, _, d, _ in good})
    for _line, user, day, steps in good:
        before = existing.get((user.pk, day))
        if before is not None and before[0] == steps:
            plan.unchanged += 1  # the same count keeps its source and any review decision
            continue
        review, plausible = day_review_decide(
            before=before, steps=steps, plausible=settings.ACTIVITY_FLAG_STEPS
        )
        plan.rows.append(
            DailyActivity(
                user_id=user.pk, date=day, steps=steps, source=source, review=review,
                plausible_steps=plausible,
            )
        )  # fmt: skip
        plan.created += before is None
        plan.user_ids.add(user.pk)
    return plan


def _write(plan: _Plan, *, source: str, group: Group | None, actor: User | None) -> None:
    DailyActivity.objects.bulk_create(
        plan.rows,
        batch_size=_BATCH,
        update_conflicts=True,  # a day a member logged meanwhile is overwritten, not an error
        unique_fields=["user", "date"],
        update_fields=["steps", "source", "review", "plausible_steps", "updated_at"],
    )
    flagged_days_notify(
        days=[(r.user_id, r.date) for r in plan.rows if r.review == DailyActivity.Review.PENDING]
    )
    ids = sorted(plan.user_ids)
    latest = DailyActivity.objects.filter(user_id=OuterRef("pk")).order_by("-date").values("date")
    for i in range(0, len(ids), _BATCH):
        User.objects.filter(pk__in=ids[i : i + _BATCH]).update(last_logged_on=Subquery(latest[:1]))
        progress_recompute_users(user_ids=ids[i : i + _BATCH])
    audit_record(
        action=AuditEvent.Action.ACTIVITY_IMPORTED,
        actor=actor,
        target=group,
        source=source,
        written=len(plan.rows),
        unchanged=plan.unchanged,
        members=len(ids),
    )


def activity_import(
    rows: list[RawRow],
    *,
    source: str,
    group: Group | None = None,
    skip_invalid: bool = False,
    dry_run: bool = False,
    actor: User | None = None,
) -> ImportResult:
    """Validate every row (members of `group` only, when given) and upsert the good ones in
    one transaction, recomputing the members whose days changed. With a bad row and no
    `skip_invalid`, nothing is written."""
    good, errors = _validate(rows, group)
    plan = _plan(good, source)
    result = ImportResult(
        created=plan.created,
        updated=len(plan.rows) - plan.created,
        unchanged=plan.unchanged,
        members=len(plan.user_ids),
        errors=errors,
    )
    if dry_run or (errors and not skip_invalid) or not plan.rows:
        return result
    with transaction.atomic():
        _write(plan, source=source, group=group, actor=actor)
    result.written = True
    return result
