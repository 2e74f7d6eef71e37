"""Import members from a CSV file (columns email, name, group): every row valid, or nothing.

One service for the command (`import_members`), the console's People page, the group
leader's bulk add and `POST /api/v1/imports/members`. Each row gets an outcome (create,
move, unchanged or its error, by line) so that every caller can show a preview; a dry run
and a file with any bad row write nothing."""

import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from os import PathLike
from typing import IO

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Lower

from cohort.accounts.models import MAX_GROUP_MEMBERS, Group, User, normalize_email
from cohort.accounts.services.passwords import group_password_generate
from cohort.accounts.signals import member_joined, members_to_welcome, standing_changed
from cohort.ops.models import AuditEvent
from cohort.ops.services import audit_record

COLUMNS = ("email", "name", "group")


CREATE, MOVE, UNCHANGED, ERROR = "create", "move", "unchanged", "error"


@dataclass
class RowReport:
    """One line of the file and what the import makes of it (`detail`: the error, or the
    group a moved member leaves)."""

    line: int
    email: str
    name: str
    group: str
    outcome: str
    detail: str = ""


@dataclass
class ImportResult:
    created: int = 0
    unchanged: int = 0
    groups_created: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line, reason); line 0: file
    new_groups: list[str] = field(default_factory=list)
    moved: int = 0
    rows: list[RowReport] = field(default_factory=list)
    # Applied with generate_passwords: each new group's password, to show once.
    passwords: dict[str, str] = field(default_factory=dict)
    written: bool = False


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
    moves: list[tuple[_Row, User]] = field(default_factory=list)
    reports: list[RowReport] = field(default_factory=list)


def _parse(reader, only_group: Group | None = None) -> list[_Row]:
    columns = [cell.strip().lower() for cell in next(reader, None) or []]
    needed = COLUMNS[:2] if only_group is not None else COLUMNS  # a leader's: group optional
    missing = [c for c in needed if c not in columns]
    if missing:
        raise ValueError(f"the header needs the columns email, name, group; missing {missing}")
    index = {c: columns.index(c) for c in COLUMNS if c in columns}
    rows, last = [], reader.line_num
    for record in reader:
        start, last = last + 1, reader.line_num  # a quoted cell may span lines
        if any(cell.strip() for cell in record):
            cells = {c: record[i].strip() if i < len(record) else "" for c, i in index.items()}
            group = cells.get("group", "")
            if only_group is not None and not group:
                group = only_group.name  # a leader's file may leave the group out
            rows.append(_Row(start, normalize_email(cells["email"]), cells["name"], group))
    return rows


Source = str | PathLike | IO[str]


def _read_rows(
    source: Source, only_group: Group | None = None
) -> tuple[list[_Row], list[tuple[int, str]]]:
    """A path (raises OSError if the file cannot be opened) or an open text file."""
    if isinstance(source, str | PathLike):
        with open(source, encoding="utf-8-sig", newline="") as f:  # utf-8-sig drops a BOM
            return _read_from(f, only_group)
    return _read_from(source, only_group)


def _read_from(f: IO[str], only_group: Group | None) -> tuple[list[_Row], list[tuple[int, str]]]:
    reader = csv.reader(f)
    try:
        return _parse(reader, only_group), []
    except ValueError as exc:  # UnicodeDecodeError is a ValueError too
        return [], [(reader.line_num or 1, str(exc))]
    except csv.Error as exc:
        return [], [(reader.line_num, f"not valid CSV: {exc}")]


def members_csv_text(data: bytes) -> io.StringIO:
    """An uploaded file's bytes as the text import_members reads (a BOM dropped); raises
    ValueError when they are not UTF-8."""
    try:
        return io.StringIO(data.decode("utf-8-sig"), newline="")
    except UnicodeDecodeError as exc:
        raise ValueError("the file is not UTF-8 text: save it as CSV UTF-8") from exc


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


@dataclass
class _Options:
    create_groups: bool = False
    move_members: bool = False
    only_group: Group | None = None


def _existing_error(row: _Row, user: User, opts: _Options) -> str | None:
    """Why an account that already exists cannot be moved into the row's group, if so."""
    if opts.move_members and user.is_member and user.group_id is not None:
        return None
    where = "in another group" if user.group_id else "outside any group"
    return f"{row.email} already has an account {where}"


def _plan(
    rows: list[_Row], groups: dict, existing: dict, opts: _Options, names: dict[int, str]
) -> _Plan:
    """What each row would do; `names` of the groups locked (the moves' sources too)."""
    plan = _Plan()
    seen: dict[str, int] = {}
    counts = {key: group.member_count for key, group in groups.items()}
    for row in rows:
        key, error = row.group.lower(), _row_error(row, seen)
        group, user = groups.get(key), existing.get(row.email)
        outcome, detail = CREATE, ""
        if error is None and opts.only_group is not None and key != opts.only_group.name.lower():
            error = f"this file adds members to {opts.only_group.name} only"
        if error is None and group is None:
            if opts.create_groups:
                plan.new_groups.setdefault(key, row.group)
            else:
                error = f"no group named {row.group!r} (--create-groups creates it)"
        if error is None and user is not None:
            if group is not None and user.group_id == group.pk:
                plan.unchanged += 1
                plan.reports.append(RowReport(row.line, row.email, row.name, row.group, UNCHANGED))
                continue
            error = _existing_error(row, user, opts)
            outcome, detail = MOVE, names.get(user.group_id, "")
        if error is None:
            counts[key] = counts.get(key, 0) + 1
            if counts[key] > MAX_GROUP_MEMBERS:
                name = group.name if group else plan.new_groups[key]
                error = f"group {name} would have {counts[key]} members"
        if error is None and outcome == MOVE and user is not None:
            plan.moves.append((row, user))
        elif error is None:
            plan.new_rows.append(row)
        else:
            plan.errors.append((row.line, error))
            outcome, detail = ERROR, error
        plan.reports.append(RowReport(row.line, row.email, row.name, row.group, outcome, detail))
    return plan


def _write(
    plan: _Plan, groups: dict[str, Group], actor: User | None, *, generate_passwords: bool
) -> tuple[list[User], dict[str, str]]:
    """The new groups, members and moves; returns the members created and each new group's
    generated password (none without generate_passwords: the group's is unusable)."""
    passwords: dict[str, str] = {}
    for key, name in plan.new_groups.items():
        group = Group(name=name)
        password = group_password_generate() if generate_passwords else None
        group.set_password(password)  # None: unusable until an organiser sets one
        group.save()
        audit_record(action=AuditEvent.Action.GROUP_CREATED, actor=actor, target=group)
        groups[key] = group
        if password is not None:
            passwords[group.name] = password
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
    moved_from = _moves_write(plan, groups, actor)
    added = Counter(row.group.lower() for row in plan.new_rows + [r for r, _u in plan.moves])
    for key, count in added.items():
        Group.objects.filter(pk=groups[key].pk).update(member_count=F("member_count") + count)
    for group_id, count in moved_from.items():
        Group.objects.filter(pk=group_id).update(member_count=F("member_count") - count)
    detail: dict = {"moved": len(plan.moves)} if plan.moves else {}
    audit_record(
        action=AuditEvent.Action.MEMBERS_IMPORTED,
        actor=actor,
        created=len(plan.new_rows),
        unchanged=plan.unchanged,
        groups_created=sorted(plan.new_groups.values()),
        **detail,
    )
    return created, passwords


def _moves_write(plan: _Plan, groups: dict[str, Group], actor: User | None) -> Counter:
    """Move each member (their groups are row-locked by the caller); returns how many left
    each source group. A leader who moves leaves their old group without one."""
    moved_from: Counter = Counter()
    for row, user in plan.moves:
        source_id, target = user.group_id, groups[row.group.lower()]
        if source_id is None:  # never: _plan moves only members of a group
            continue
        Group.objects.filter(pk=source_id, leader_id=user.pk).update(leader=None)
        user.group, user.is_active = target, True
        user.save(update_fields=["group", "is_active"])  # post_save: caches, sessions
        moved_from[source_id] += 1
        audit_record(
            action=AuditEvent.Action.MEMBER_MOVED,
            actor=actor,
            target=user,
            from_group_id=source_id,
            group_id=target.pk,
        )
    if plan.moves:
        group_ids = sorted({g.pk for g in groups.values()} | set(moved_from))
        user_ids = [u.pk for _r, u in plan.moves]
        standing_changed.send(sender=User, group_ids=group_ids, user_ids=user_ids)
    return moved_from


def _members_joined(users: list[User]) -> None:
    """bulk_create sends no post_save: tell the boards and the paths about the newcomers."""
    user_ids = [u.pk for u in users]
    group_ids = sorted({u.group_id for u in users if u.group_id is not None})
    member_joined.send(sender=User, user_ids=user_ids)
    standing_changed.send(sender=User, group_ids=group_ids, user_ids=user_ids)


def import_members(
    source: Source,
    *,
    create_groups: bool = False,
    move_members: bool = False,
    only_group: Group | None = None,
    generate_passwords: bool = False,
    welcome: bool = False,
    dry_run: bool = False,
    actor=None,
) -> ImportResult:
    """Validate every row; write all of them in one transaction only if none is bad.

    `source` is a path or an open text file (members_csv_text). move_members moves members
    of other groups into the row's group (else an error); only_group (a leader's import)
    refuses rows naming another group and lets the group column out; generate_passwords
    gives each new group a password returned once; welcome asks, through the
    members_to_welcome signal, for a welcome email to each member created, after commit.

    With move_members the members named are row-locked first (as member_move does), then
    the affected groups (in id order) before their counts are read, so concurrent adds
    cannot push a group over the cap between the check and the write.
    """
    leader = only_group is not None  # a leader's import never creates groups nor moves
    opts = _Options(create_groups and not leader, move_members and not leader, only_group)
    rows, errors = _read_rows(source, only_group)
    if errors:
        line, error = errors[0]
        return ImportResult(errors=errors, rows=[RowReport(line, "", "", "", ERROR, error)])
    with transaction.atomic():
        # PostgreSQL text cannot hold NUL: such values are rows to report, not to look up.
        emails = {r.email for r in rows if "\x00" not in r.email}
        users = User.objects.annotate(key=Lower("email")).filter(key__in=emails)
        if opts.move_members:
            users = users.select_for_update(of=("self",)).order_by("pk")
        existing = {u.key: u for u in users}
        keys = {row.group.lower() for row in rows if "\x00" not in row.group}
        locked = Group.objects.select_for_update().annotate(key=Lower("name"))
        sources = {u.group_id for u in existing.values()} if opts.move_members else set()
        found = list(locked.filter(Q(key__in=keys) | Q(pk__in=sources)).order_by("pk"))
        groups: dict[str, Group] = {g.key: g for g in found if g.key in keys}
        plan = _plan(rows, groups, existing, opts, {g.pk: g.name for g in found})
        created: list[User] = []
        passwords: dict[str, str] = {}
        if not plan.errors and not dry_run:
            created, passwords = _write(plan, groups, actor, generate_passwords=generate_passwords)
            if welcome and created:
                members_to_welcome.send(sender=User, user_ids=[u.pk for u in created])
    return ImportResult(
        created=len(plan.new_rows),
        unchanged=plan.unchanged,
        groups_created=len(plan.new_groups),
        errors=plan.errors,
        new_groups=sorted(plan.new_groups.values()),
        moved=len(plan.moves),
        rows=plan.reports,
        passwords=passwords,
        written=not plan.errors and not dry_run,
    )


def import_members_upload(data: bytes, **options) -> ImportResult:
    """import_members for an uploaded file's bytes (options as import_members'); bytes that
    are not UTF-8 are the file's one error, on line 1."""
    try:
        text = members_csv_text(data)
    except ValueError as exc:
        error = RowReport(1, "", "", "", ERROR, str(exc))
        return ImportResult(errors=[(1, str(exc))], rows=[error])
    return import_members(text, **options)
