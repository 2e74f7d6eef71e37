"""A group's spreadsheet of steps (the seed's Google Sheet), read from its published CSV or
from a web app answering {"values": [[email, steps, date], ...]}. The date is optional:
a row without one counts for the member's today."""

import json
import logging

from django.conf import settings
from django.utils import timezone

from cohort.activity.models import DailyActivity, SheetSource
from cohort.activity.services.imports import (
    ImportResult,
    RawRow,
    UnreadableSource,
    activity_import,
    rows_from_csv,
    rows_from_records,
)
from cohort.activity.services.sheet_fetch import SheetUnavailable, sheet_fetch

__all__ = ["SheetUnavailable", "sheet_rows", "sheet_sync", "sheets_sync_all"]

logger = logging.getLogger(__name__)

SHEET_ORDER = ("email", "steps", "date")  # the seed's column order when there is no header


def sheet_rows(body: bytes, content_type: str) -> list[RawRow]:
    """Rows of a sheet's answer, either form. Raises UnreadableSource."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise UnreadableSource("the answer is not UTF-8 text") from None
    kind = content_type.split(";")[0].strip().lower()
    if kind == "text/html" or text.lstrip()[:1] == "<":
        raise UnreadableSource("the answer is a web page, not CSV or JSON; is the sheet published?")
    if kind == "application/json" or text.lstrip()[:1] in ("{", "["):
        return _rows_from_json(text)
    return rows_from_csv(text, positional=SHEET_ORDER)


def _rows_from_json(text: str) -> list[RawRow]:
    try:
        answer = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UnreadableSource(
            f"the answer is not valid JSON ({exc.msg}, line {exc.lineno})"
        ) from None
    except (ValueError, RecursionError):  # a number past 4,300 digits, nesting too deep
        raise UnreadableSource("the answer is JSON too large or too deep to read") from None
    values = answer.get("values") if isinstance(answer, dict) else None
    if not isinstance(values, list) or not all(isinstance(row, list) for row in values):
        raise UnreadableSource('the JSON answer has no "values" list of rows')
    return rows_from_records(enumerate(values, start=1), positional=SHEET_ORDER)


def sheet_sync(source: SheetSource, *, skip_invalid: bool = False, dry_run: bool = False):
    """Fetch and import one group's sheet; record the outcome on `source` (unless a dry run).
    Raises SheetUnavailable or UnreadableSource, having written nothing."""
    try:
        rows = sheet_rows(*sheet_fetch(source.url))
        result = activity_import(
            rows,
            source=DailyActivity.Source.SHEET,
            group=source.group,
            skip_invalid=skip_invalid,
            dry_run=dry_run,
        )
    except (SheetUnavailable, UnreadableSource) as exc:
        if not dry_run:
            _record(source, f"failed: {exc}", synced=False)
        raise
    if not dry_run:
        _record(source, _outcome(result), synced=result.written or not result.errors)
    return result


def _outcome(result: ImportResult) -> str:
    """The outcome shown in the admin: counts and row numbers, never a fetched cell (the
    reasons quote cells; `sync_sheet GROUP --dry-run` prints them to whoever runs it)."""
    if result.errors and not result.written:
        line = result.errors[0][0]
        return (
            f"{len(result.errors)} bad row(s), nothing written; first at row {line} "
            "(sync_sheet --dry-run lists why)"
        )
    skipped = f", {len(result.errors)} bad row(s) skipped" if result.errors else ""
    return result.summary() + skipped


def _record(source: SheetSource, outcome: str, *, synced: bool) -> None:
    source.last_result = outcome[:300]
    fields = ["last_result"]
    if synced:
        source.last_synced_at = timezone.now()
        fields.append("last_synced_at")
    source.save(update_fields=fields)


def sheets_sync_all(*, skip_invalid: bool | None = None) -> dict[str, int]:
    """Sync every enabled sheet; one group's failure is recorded and the others go on."""
    if skip_invalid is None:
        skip_invalid = settings.SHEET_SYNC_SKIP_INVALID
    counts = {"synced": 0, "failed": 0}
    sources = SheetSource.objects.filter(is_enabled=True).select_related("group").order_by("pk")
    for source in sources:
        try:
            result = sheet_sync(source, skip_invalid=skip_invalid)
        except (SheetUnavailable, UnreadableSource) as exc:
            logger.warning("sheet of group %s: %s", source.group_id, exc)
            counts["failed"] += 1
            continue
        except Exception:  # one group's surprise must not stop the others
            logger.exception("sheet of group %s", source.group_id)
            _record(source, "failed: an unexpected error (see the log)", synced=False)
            counts["failed"] += 1
            continue
        counts["synced" if result.written or not result.errors else "failed"] += 1
    return counts
