"""Writes of core's own rows: the site texts. (Their audit event is recorded by the caller,
accounts.services.terms, since ops sits above core.)"""

import contextlib

from django.core.cache import cache
from django.db import transaction
from django.db.models import F

from cohort.core.models import SiteText
from cohort.core.selectors import SITE_TEXT_KEY


def site_text_forget(key: str) -> None:
    # The degraded mode: with the cache down the entry expires on its own.
    with contextlib.suppress(Exception):
        cache.delete(SITE_TEXT_KEY.format(key=key))


@transaction.atomic
def site_text_save(*, key: str, body: str) -> SiteText:
    """Store the text; a changed text gets the next version (for the terms: everyone accepts
    again). The cached copy is dropped now and once the change commits."""
    row, _ = SiteText.objects.select_for_update().get_or_create(key=key)
    body = body.replace("\r\n", "\n").strip()
    if row.body != body:
        SiteText.objects.filter(pk=row.pk).update(body=body, version=F("version") + 1)
        row.refresh_from_db()
    # Now (this transaction's own reads) and again once committed (a reader meanwhile may
    # have cached the old text).
    site_text_forget(key)
    transaction.on_commit(lambda: site_text_forget(key))
    return row
