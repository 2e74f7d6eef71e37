import struct
import zlib

import factory
from django.core.files.uploadedfile import SimpleUploadedFile

from cohort.accounts.tests.factories import MemberFactory
from cohort.accounts.tests.factories import mentor_of as mentor_of
from cohort.competition.models import Episode
from cohort.competition.tests.factories import CategoryFactory
from cohort.reviews.models import Assignment, Submission


class AssignmentFactory(factory.django.DjangoModelFactory):
    """A required, open assignment worth 10 points; pass episode=... to tie it to one."""

    class Meta:
        model = Assignment

    title = factory.Sequence(lambda n: f"Assignment {n}")
    category = factory.SubFactory(CategoryFactory)
    episode = None
    points = 10
    is_required = True
    is_open = True


class SubmissionFactory(factory.django.DjangoModelFactory):
    """A pending submission (written straight to the table, past the service's checks)."""

    class Meta:
        model = Submission

    user = factory.SubFactory(MemberFactory)
    assignment = factory.SubFactory(AssignmentFactory)
    text = "My work"
    status = Submission.Status.PENDING


def episode_of(season, number: int) -> Episode:
    return season.episodes.get(number=number)


def png_bytes() -> bytes:
    """A real 1×1 PNG, built here."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def pdf_bytes() -> bytes:
    """A small one-page PDF, built here."""
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 10 10]>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )


def png_upload(name: str = "photo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def pdf_upload(name: str = "essay.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")
