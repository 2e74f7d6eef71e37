"""What a submission's files may be: a few document and image types, recognised by their
content (the `filetype` library reads the first bytes), with a name whose extension agrees.
A renamed executable or HTML page matches no allowed signature and is refused."""

import posixpath
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cohort.core.exceptions import InvalidInput, NotFound, TooLarge

# The detected kind -> the extensions a name of that kind may end in.
ALLOWED_EXTENSIONS = {
    "pdf": {"pdf"},
    "png": {"png"},
    "jpg": {"jpg", "jpeg"},
    "gif": {"gif"},
    "webp": {"webp"},
    "docx": {"docx"},
    "xlsx": {"xlsx"},
    "pptx": {"pptx"},
    "odt": {"odt"},
    "ods": {"ods"},
    "odp": {"odp"},
    "doc": {"doc"},
    "xls": {"xls"},
    "ppt": {"ppt"},
}
ALLOWED_DESCRIPTION = gettext_lazy(
    "PDF, PNG, JPEG, GIF, WebP or an office document (Word, Excel, PowerPoint, OpenDocument)"
)


GONE = gettext_lazy("This file is no longer available.")


def file_open(stored) -> File:
    """A stored submission file (a SubmissionFile's `file`) opened for reading; 404 when
    its bytes are missing from storage (a deleted file, a lost volume, an expired S3
    object: django-storages turns S3's 404 into FileNotFoundError too)."""
    try:
        return stored.open("rb")
    except FileNotFoundError:
        raise NotFound(GONE) from None


@dataclass(frozen=True)
class CheckedFile:
    upload: UploadedFile
    original_name: str
    size: int
    content_type: str


def files_check(uploads: list[UploadedFile], *, already: int = 0) -> list[CheckedFile]:
    """The uploads, checked: at most SUBMISSION_MAX_FILES with the `already` stored ones
    (422), each at most SUBMISSION_MAX_BYTES (413), non-empty and of an allowed type by
    content and name (422). Empty file inputs (no name, no bytes) are skipped."""
    uploads = [u for u in uploads if u is not None and (u.name or u.size)]
    if already + len(uploads) > settings.SUBMISSION_MAX_FILES:
        raise InvalidInput(
            _("At most %(submission_max_files)s files per submission.")
            % {"submission_max_files": settings.SUBMISSION_MAX_FILES}
        )
    return [file_check(upload) for upload in uploads]


def file_check(upload: UploadedFile) -> CheckedFile:
    """One upload: its size (413), then its content and name (422); see files_check."""
    name = posixpath.basename((upload.name or "file").replace("\\", "/"))[:200] or "file"
    if upload.size > settings.SUBMISSION_MAX_BYTES:
        limit_mb = settings.SUBMISSION_MAX_BYTES / (1024 * 1024)
        raise TooLarge(
            _("“%(name)s” is too large; the limit is %(format)s MB per file.")
            % {"name": name, "format": format(limit_mb, "g")}
        )
    if not upload.size:
        raise InvalidInput(_("“%(name)s” is empty.") % {"name": name})
    upload.seek(0)
    kind = filetype.guess(upload.read(8192))
    upload.seek(0)
    if kind is None or kind.extension not in ALLOWED_EXTENSIONS:
        raise InvalidInput(
            _("“%(name)s” is not an allowed file: send %(allowed_description)s.")
            % {"name": name, "allowed_description": ALLOWED_DESCRIPTION}
        )
    extension = posixpath.splitext(name)[1].lower().lstrip(".")
    if extension not in ALLOWED_EXTENSIONS[kind.extension]:
        raise InvalidInput(
            _("“%(name)s” is a %(upper)s file; its name must end in .%(extension)s.")
            % {"name": name, "upper": kind.extension.upper(), "extension": kind.extension}
        )
    return CheckedFile(upload, name, upload.size, kind.mime)
