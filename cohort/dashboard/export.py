"""A member's own data as one zip (GDPR's access and portability): /profile/export/ and
GET /api/v1/me/export.

The zip holds JSON and CSV files (listed in its README.txt) and every file the member
handed in, read through Django's storage (local disk or S3). It is built in a spooled
temporary file: in memory up to EXPORT_MEMORY_BYTES, on disk beyond, then streamed, so a
member with many files costs disk, not memory. Each row set is read once with `.values()`
(a constant number of queries, whatever the member's history). Exports are rate limited
per person (EXPORTS_RATE) and audited.
"""

import datetime as dt
import io
import json
import tempfile
import zipfile
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from cohort.accounts.models import User
from cohort.activity.models import DailyActivity, Streak
from cohort.competition.models import Legacy, PointsEntry, SeasonScore, Wallet
from cohort.core.csv_export import csv_writer
from cohort.core.ratelimit import rate_limit_hit
from cohort.messaging.models import Message, Thread
from cohort.notifications.models import Notification
from cohort.ops.models import AuditEvent
from cohort.ops.services import audit_record
from cohort.reviews.models import Submission, SubmissionFile

EXPORT_MEMORY_BYTES = 8 * 1024 * 1024
EXPORTS_RATE = "5/h"
_CHUNK = 64 * 1024

README = """Your data from Cohort, exported {when}.

profile.json          your account: name, email, role, group, time zone, choices
days.csv / days.json  every day you logged (steps, source, review state, what counted)
points.csv / .json    your points ledger: every award and correction, by season and category
scores.json           your season scores, lifetime (legacy) score, credits and streaks
submissions.json      the work you handed in, its review and feedback; the files
                      themselves are under submissions/<id>/
messages.json         your conversations with your mentor(s), every message
notifications.csv / .json   your notifications

Dates are ISO 8601; times are UTC.
"""


def _default(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def _json(zf: zipfile.ZipFile, name: str, data: Any) -> None:
    zf.writestr(name, json.dumps(data, default=_default, indent=2, ensure_ascii=False))


def _csv(zf: zipfile.ZipFile, name: str, rows: list[dict]) -> None:
    if not rows:
        zf.writestr(name, "")
        return
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(rows[0].keys())
    writer.writerows(
        [v.isoformat() if isinstance(v, dt.date | dt.datetime) else v for v in row.values()]
        for row in rows
    )
    zf.writestr(name, out.getvalue())


def _profile(user: User) -> dict:
    return {
        "id": user.pk,
        "email": user.email,
        "display_name": user.display_name,
        "role": user.role,
        "group": user.group.name if user.group_id else None,
        "time_zone": user.time_zone,
        "marker_colour": user.marker_colour,
        "hide_name_outside_group": user.hide_name_outside_group,
        "leetcode_username": user.leetcode_username,
        "leetcode_verified_at": user.leetcode_verified_at,
        "has_personal_password": user.has_personal_password,
        "date_joined": user.date_joined,
        "last_login": user.last_login,
        "terms_accepted_version": user.terms_accepted_version,
        "terms_accepted_at": user.terms_accepted_at,
    }


def _scores(user: User) -> dict:
    return {
        "season_scores": list(
            SeasonScore.objects.filter(user=user)
            .order_by("season__starts_on")
            .values("season__name", "score", "updated_at")
        ),
        "legacy": Legacy.objects.filter(user=user).values("score", "seasons").first(),
        "credits": Wallet.objects.filter(user=user).values_list("balance", flat=True).first(),
        "streaks": list(
            Streak.objects.filter(user=user).values("kind", "current", "longest", "last_day")
        ),
    }


def _submissions(zf: zipfile.ZipFile, user: User) -> list[dict]:
    rows = list(
        Submission.objects.filter(user=user)
        .order_by("pk")
        .values(
            "id",
            "assignment__title",
            "text",
            "link",
            "status",
            "feedback",
            "reviewer__display_name",
            "reviewed_at",
            "created_at",
        )
    )
    files: dict[int, list[dict]] = {}
    for stored in SubmissionFile.objects.filter(submission__user=user).order_by("pk"):
        name = f"submissions/{stored.submission_id}/{stored.pk}-{stored.original_name}"
        entry = {"name": stored.original_name, "size": stored.size, "path": name}
        try:
            with stored.file.open("rb") as source, zf.open(name, "w") as target:
                while chunk := source.read(_CHUNK):
                    target.write(chunk)
        except FileNotFoundError:
            entry = {**entry, "path": None, "missing": True}
        files.setdefault(stored.submission_id, []).append(entry)
    for row in rows:
        row["files"] = files.get(row["id"], [])
    return rows


def _messages(user: User) -> list[dict]:
    threads = Thread.objects.filter(Q(student=user) | Q(mentor=user)).values(
        "id", "mentor__display_name", "student__display_name", "created_at"
    )
    by_thread = {t["id"]: {**t, "messages": []} for t in threads}
    for message in (
        Message.objects.filter(thread_id__in=list(by_thread))
        .order_by("pk")
        .values("thread_id", "sender_id", "sender__display_name", "text", "created_at")
    ):
        mine = message.pop("sender_id") == user.pk
        by_thread[message.pop("thread_id")]["messages"].append({**message, "is_mine": mine})
    return list(by_thread.values())


def member_export_write(user: User, out) -> None:
    """Write the member's zip into the binary file `out` (only their own rows)."""
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("README.txt", README.format(when=timezone.now().isoformat()))
        _json(zf, "profile.json", _profile(user))
        days = list(
            DailyActivity.objects.filter(user=user)
            .order_by("date")
            .values("date", "steps", "counted_steps", "source", "review", "updated_at")
        )
        _json(zf, "days.json", days)
        _csv(zf, "days.csv", days)
        points = list(
            PointsEntry.objects.filter(user=user)
            .order_by("pk")
            .values("created_at", "season__name", "category__name", "points", "reason", "source")
        )
        _json(zf, "points.json", points)
        _csv(zf, "points.csv", points)
        _json(zf, "scores.json", _scores(user))
        _json(zf, "submissions.json", _submissions(zf, user))
        _json(zf, "messages.json", _messages(user))
        notifications = list(
            Notification.objects.filter(recipient=user)
            .order_by("pk")
            .values("created_at", "kind", "text", "link", "read_at")
        )
        _json(zf, "notifications.json", notifications)
        _csv(zf, "notifications.csv", notifications)


def member_export(*, user: User, ip: str | None = None):
    """The member's zip as an open file at its start, and its file name. Raises
    RateLimited past EXPORTS_RATE; audited (DATA_EXPORTED, kind "member")."""
    rate_limit_hit(
        action="member-export",
        user_id=user.pk,
        rate=EXPORTS_RATE,
        detail=gettext("You have exported your data several times this hour; try again later."),
    )
    out = tempfile.SpooledTemporaryFile(max_size=EXPORT_MEMORY_BYTES)  # noqa: SIM115 (streamed, closed by the response)
    member_export_write(user, out)
    out.seek(0)
    with transaction.atomic():
        audit_record(action=AuditEvent.Action.DATA_EXPORTED, actor=user, ip=ip, kind="member")
    name = f"cohort-my-data-{timezone.localdate().isoformat()}.zip"
    return out, name
