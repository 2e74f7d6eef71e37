"""CSV exports for organisers, streamed: rows come from `.iterator(chunk_size=...)` over
values_list and go out as they are written, so even the 8-million-row activity table never
sits in memory (on PostgreSQL the iterator is a server-side cursor)."""

from collections.abc import Iterable, Iterator

from django.utils.translation import gettext as _

from cohort.accounts.models import User
from cohort.activity.models import DailyActivity
from cohort.competition.models import Season, SeasonScore
from cohort.core.csv_export import csv_writer
from cohort.core.exceptions import NotFound
from cohort.ops.models import AuditEvent
from cohort.ops.services import audit_record

CHUNK_SIZE = 5000


class _Echo:
    """A file-like object whose write() hands back the line the CSV writer formatted."""

    def write(self, value: str) -> str:
        return value


def _members() -> tuple[list[str], Iterable]:
    header = ["id", "email", "display_name", "role", "group", "division", "is_active", "joined"]
    rows = User.objects.order_by("pk").values_list(
        "pk",
        "email",
        "display_name",
        "role",
        "group__name",
        "group__division__name",
        "is_active",
        "date_joined",
    )
    return header, rows.iterator(chunk_size=CHUNK_SIZE)


def _activity() -> tuple[list[str], Iterable]:
    header = ["user_id", "email", "date", "steps", "source", "review"]
    # (user, date) is the unique index: the order costs no sort.
    rows = DailyActivity.objects.order_by("user_id", "date").values_list(
        "user_id", "user__email", "date", "steps", "source", "review"
    )
    return header, rows.iterator(chunk_size=CHUNK_SIZE)


def _leaderboards() -> tuple[list[str], Iterable]:
    """The latest started season's scores, ranked (ties share a rank), with legacy scores."""
    header = ["season", "rank", "user_id", "display_name", "group", "season_score", "legacy"]
    season = Season.objects.exclude(status=Season.Status.UPCOMING).order_by("-starts_on").first()
    if season is None:
        return header, []
    rows = (
        SeasonScore.objects.filter(season=season)
        .order_by("-score", "user_id")
        .values_list(
            "user_id", "user__display_name", "user__group__name", "score", "user__legacy__score"
        )
    )
    return header, _ranked(season.name, rows.iterator(chunk_size=CHUNK_SIZE))


def _ranked(season_name: str, rows: Iterable) -> Iterator[tuple]:
    rank, previous = 0, None
    for position, (user_id, name, group, score, legacy) in enumerate(rows, start=1):
        if score != previous:
            rank, previous = position, score
        yield (season_name, rank, user_id, name, group or "", score, legacy or 0)


EXPORTS = {"members": _members, "activity": _activity, "leaderboards": _leaderboards}


def export_lines(kind: str) -> Iterator[str]:
    """The CSV lines of export `kind` (members, activity or leaderboards), header first."""
    if kind not in EXPORTS:
        raise NotFound(_("No export called %(repr)s.") % {"repr": repr(kind)})
    header, rows = EXPORTS[kind]()
    writer = csv_writer(_Echo())  # text cells escaped against formula injection

    def lines() -> Iterator[str]:
        yield writer.writerow(header)
        for row in rows:
            yield writer.writerow(row)

    return lines()


def export_audit(*, actor: User, kind: str, ip: str | None) -> None:
    """Record who took which export (personal data leaves the site); call before streaming."""
    audit_record(action=AuditEvent.Action.DATA_EXPORTED, actor=actor, ip=ip, kind=kind)
