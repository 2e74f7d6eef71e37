"""A members CSV uploaded on a page, kept server-side between its preview and its apply:
the organiser (or leader) checks the preview and presses Apply without sending the file
again. Kept in the cache under an unguessable key, bound to the uploader and to the
options of the preview, for IMPORT_PREVIEW_SECONDS; forgotten once applied (a second
apply of the same key finds it gone)."""

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from cohort.core.exceptions import InvalidInput, TooLarge

IMPORT_PREVIEW_SECONDS = 30 * 60


@dataclass
class KeptUpload:
    data: bytes
    name: str
    options: dict


def members_csv_read(upload: UploadedFile | None) -> bytes:
    """The upload's bytes: InvalidInput when missing or empty, TooLarge past
    MEMBERS_CSV_MAX_BYTES (checked before reading it)."""
    if upload is None:
        raise InvalidInput(_("Choose a CSV file with the columns email, name, group."))
    limit = settings.MEMBERS_CSV_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise TooLarge(
            _("The file is larger than %(kb)s KB: split it in parts.") % {"kb": limit // 1024}
        )
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise TooLarge(
            _("The file is larger than %(kb)s KB: split it in parts.") % {"kb": limit // 1024}
        )
    if not data.strip():
        raise InvalidInput(_("The file is empty."))
    return data


def _key(user_id: int, token: str) -> str:
    return f"accounts:import-upload:{user_id}:{token}"


def import_upload_keep(*, user_id: int, data: bytes, name: str, options: dict) -> str:
    """Keep a checked upload for its apply; returns the key to post back."""
    token = secrets.token_urlsafe(18)
    cache.set(_key(user_id, token), KeptUpload(data, name[:200], options), IMPORT_PREVIEW_SECONDS)
    return token


def import_upload_get(*, user_id: int, token: str) -> KeptUpload:
    """The kept upload; InvalidInput when it expired, was applied already or belongs to
    someone else."""
    kept = cache.get(_key(user_id, token)) if _well_formed(token) else None
    if not isinstance(kept, KeptUpload):
        raise InvalidInput(
            _("This preview has expired or was applied already: upload the file again.")
        )
    return kept


def import_upload_forget(*, user_id: int, token: str) -> None:
    """Drop a kept upload once applied."""
    if _well_formed(token):
        cache.delete(_key(user_id, token))


def _well_formed(token: str) -> bool:
    return 0 < len(token) <= 40 and token.replace("-", "").replace("_", "").isalnum()
