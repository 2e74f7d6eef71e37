"""Reads of core's own rows: the site texts (privacy notice, terms)."""

from dataclasses import dataclass

from django.urls import reverse

from cohort.core.caching import cached
from cohort.core.models import SiteText

SITE_TEXT_KEY = "core:site-text:v1:{key}"
_TIMEOUT = 3600


@dataclass(frozen=True)
class SiteTextView:
    key: str
    title: str
    body: str
    version: int
    updated_at: object | None

    @property
    def url(self) -> str:
        return reverse(f"core:{self.key}")


def site_text_unwritten(key: str) -> SiteTextView:
    """What a text is before the organisers first write it."""
    return SiteTextView(key=key, title=SiteText.Key(key).label, body="", version=0, updated_at=None)


def _load(key: str) -> SiteTextView:
    row = SiteText.objects.filter(key=key).first()
    if row is None:
        return site_text_unwritten(key)
    return SiteTextView(
        key=key,
        title=SiteText.Key(key).label,
        body=row.body,
        version=row.version,
        updated_at=row.updated_at,
    )


def site_text_get(key: str) -> SiteTextView:
    """The text under `key` (SiteText.Key), cached until it is saved (core.services)."""
    return cached("site-text", SITE_TEXT_KEY.format(key=key), lambda: _load(key), _TIMEOUT)


def terms_version_required() -> int:
    """The terms version a signed-in person must have accepted; 0 while no terms are set
    (then there is no gate). One cache read per page."""
    terms = site_text_get(SiteText.Key.TERMS)
    return terms.version if terms.body.strip() else 0
