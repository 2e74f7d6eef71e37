"""Import members from a CSV file (columns email, name, group): every row valid, or nothing."""

import csv
from collections import Counter
from dataclasses import dataclass, field
from os import PathLike

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Lower

from cohort.accounts.models import MAX_GROUP_MEMBERS, Group, User, normalize_email
from cohort.accounts.signals import member_joined, standing_changed
from cohort.ops.models import AuditEvent
from cohort.ops.services import audit_record

COLUMNS = ("email", "name", "group")


@dataclass
class ImportResult:
    created: int = 0
    unchanged: int = 0
    groups_created: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line, reason); line 0: file
    new_groups: list[str] = field(default_factory=list)


@dataclass
class _Row:
    line: int
    email: str
    name: str
    group: str


@dataclass
class _Plan:
    new_rows: list[_Row] = field(default_factory=list)
    unchanged: int = 0
    new_groups: dict[str, str] = field(default_factory=dict)  # lower-cased name -> name
    errors: list[tuple[int, str]] = field(default_factory=list)


def _parse(reader) -> list[_Row]:
    columns = [cell.strip().lower() for cell in next(reader, None) or []]
    missing = [c for c in COLUMNS if c not in columns]
    if missing:
        raise ValueError(f"the header needs the columns email, name, group; missing {missing}")
    index = {c: columns.index(c) for c in COLUMNS}
    rows, last = [], reader.line_num
    for record in reader:
        start, last = last + 1, reader.line_num  # a quoted cell may span lines
        if any(cell.strip() for cell in record):
            cells = {c: record[i].strip() if i < len(record) else "" for c, i in index.items()}
            rows.append(_Row(start, normalize_email(cells["email"]), cells["name"], cells["group"]))
    return rows


def _read_rows(path: str | PathLike) -> tuple[list[_Row], list[tuple[int, str]]]:
    """Raises OSError if the file cannot be opened."""
    with open(path, encoding="utf-8-sig", newline="") as f:  # utf-8-sig drops a BOM
        reader = csv.reader(f)
        try:
            return _parse(reader), []
        except ValueError as exc:  # UnicodeDecodeError is a ValueError too
            return [], [(reader.line_num or 1, str(exc))]
        except csv.Error as exc:
            return [], [(reader.line_num, f"not valid CSV: {exc}")]


def _row_error(row: _Row, seen: dict[str, int]) -> str | None:
    try:
        validate_email(row.email)
    except ValidationError:
        return f"{row.email or '(blank)'!r} is not a valid email address"
    if row.email in seen:
        return f"{row.email} is a duplicate of line {seen[row.email]}"
    seen[row.email] = row.line
    if "\x00" in row.name + row.group:
        return "the name or group holds a NUL character"
    if not row.name:
        return "the name is blank"
    if len(row.name) > 100:
        return "the name is longer than 100 characters"
    if not row.group or len(row.group) > 100:
        return "the group name must be 1 to 100 characters"
    return None


def _plan(rows: list[_Row], groups: dict, existing: dict, create_groups: bool) -> _Plan:
    plan = _Plan()
    seen: dict[str, int] = {}
    counts = {key: group.member_count for key, group in groups.items()}
    for row in rows:
        key, error = row.group.lower(), _row_error(row, seen)
        group, user = groups.get(key), existing.get(row.email)
        if error is None and group is None:
            if create_groups:
                plan.new_groups.setdefault(key, row.group)
            else:
                error = f"no group named {row.group!r} (--create-groups creates it)"
        if error is None and user is not None:
            if group is not None and user.group_id == group.pk:
                plan.unchanged += 1
                continue
            where = "in another group" if user.group_id else "outside any group"
            error = f"{row.email} already has an account {where}"
        if error is None:
            counts[key] = counts.get(key, 0) + 1
            if counts[key] > MAX_GROUP_MEMBERS:
                name = group.name if group else plan.new_groups[key]
                error = f"group {name} would have {counts[key]} members"
        if error is None:
            plan.new_rows.append(row)
        else:
            plan.errors.append((row.line, error))
    return plan


def _write(plan: _Plan, groups: dict[str, Group], actor: User | None) -> None:
    for key, name in plan.new_groups.items():
        group = Group(name=name)
        group.set_password(None)  # unusable until an organiser sets one
        group.save()
        audit_record(action=AuditEvent.Action.GROUP_CREATED, actor=actor, target=group)
        groups[key] = group
    created = User.objects.bulk_create(
        User(
            email=row.email,
            display_name=row.name,
            group=groups[row.group.lower()],
            role=User.Role.MEMBER,
            password=make_password(None),
        )
        for row in plan.new_rows
    )
    _members_joined(created)
    for key, added in Counter(row.group.lower() for row in plan.new_rows).items():
        Group.objects.filter(pk=groups[key].pk).update(member_count=F("member_count") + added)
    audit_record(
        action=AuditEvent.Action.MEMBERS_IMPORTED,
        actor=actor,
        created=len(plan.new_rows),
        unchanged=plan.unchanged,
        groups_created=sorted(plan.new_groups.values()),
    )


def _members_joined(users: list[User]) -> None:
    """bulk_create sends no post_save: tell the boards and the paths about the newcomers."""
    user_ids = [u.pk for u in users]
    group_ids = sorted({u.group_id for u in users if u.group_id is not None})
    member_joined.send(sender=User, user_ids=user_ids)
    standing_changed.send(sender=User, group_ids=group_ids, user_ids=user_ids)


def import_members(
    path: str | PathLike, *, create_groups: bool = False, dry_run: bool = False, actor=None
) -> ImportResult:
    """Validate every row; write all of them in one transaction only if none is bad.

    The affected groups are row-locked (in id order) before their counts are read, so
    concurrent adds cannot push a group over the cap between the check and the write.
    """
    rows, errors = _read_rows(path)
    if errors:
        return ImportResult(errors=errors)
    with transaction.atomic():
        # PostgreSQL text cannot hold NUL: such values are rows to report, not to look up.
        keys = {row.group.lower() for row in rows if "\x00" not in row.group}
        locked = Group.objects.select_for_update().annotate(key=Lower("name"))
        groups: dict[str, Group] = {g.key: g for g in locked.filter(key__in=keys).order_by("pk")}
        emails = {r.email for r in rows if "\x00" not in r.email}
        users = User.objects.annotate(key=Lower("email")).filter(key__in=emails)
        plan = _plan(rows, groups, {u.key: u for u in users}, create_groups)
        if not plan.errors and not dry_run:
            _write(plan, groups, actor)
    return ImportResult(
        created=len(plan.new_rows),
        unchanged=plan.unchanged,
        groups_created=len(plan.new_groups),
        errors=plan.errors,
        new_groups=sorted(plan.new_groups.values()),
    )
