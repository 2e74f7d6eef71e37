"""The token lookup's cache: one round trip when warm, and never a way around revocation,
however long its entries live."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cohort.accounts.models import ApiToken
from cohort.accounts.tests.factories import DivisionFactory, GroupFactory, MemberFactory
from cohort.accounts.tokens import (
    _cache_key,
    api_token_authenticate,
    api_token_create,
    api_token_revoke,
    token_hash,
)

pytestmark = pytest.mark.django_db(transaction=True)  # real commits: on_commit drops run


def _me(raw: str) -> int:
    return Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code


def test_a_warm_token_is_checked_without_the_database():
    member = MemberFactory()
    _, raw = api_token_create(user=member, name="script")
    assert _me(raw) == 200  # first use: looked up, last use recorded, entry stored
    with CaptureQueriesContext(connection) as queries:
        found = api_token_authenticate(raw)
    assert found is not None and found[0].pk == member.pk
    assert queries.captured_queries == []


def test_an_entry_stored_late_by_a_reader_that_raced_the_revocation_is_not_served():
    """A request that read the token before the revocation committed stores its entry after
    the revocation dropped the cache: the entry carries the version it read, now gone."""
    member = MemberFactory()
    token, raw = api_token_create(user=member, name="script")
    assert _me(raw) == 200
    key = _cache_key(token_hash(raw))
    stale = cache.get(key)
    assert stale is not None
    api_token_revoke(user=member, token_id=token.pk)
    cache.set(key, stale, 3600)  # the late reader's write
    assert _me(raw) == 401


def test_recording_the_last_use_keeps_the_token_revocable():
    member = MemberFactory()
    token, raw = api_token_create(user=member, name="script")
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now() - timedelta(hours=1))
    assert _me(raw) == 200
    token.refresh_from_db()
    assert timezone.now() - token.last_used_at < timedelta(minutes=1)
    with CaptureQueriesContext(connection) as queries:
        assert _me(raw) == 200
    assert not any("accounts_apitoken" in q["sql"] for q in queries.captured_queries)
    api_token_revoke(user=member, token_id=token.pk)
    assert _me(raw) == 401


def test_a_division_that_starts_requiring_personal_passwords_stops_cached_tokens_at_once():
    division = DivisionFactory()
    member = MemberFactory(group=GroupFactory(division=division))
    _, raw = api_token_create(user=member, name="script")
    assert _me(raw) == 200 and _me(raw) == 200  # the second from the cache
    division.is_personal_password_required = True
    division.save()
    assert _me(raw) == 403


def test_a_deactivated_member_s_cached_token_stops_at_once():
    member = MemberFactory()
    _, raw = api_token_create(user=member, name="script")
    assert _me(raw) == 200
    member.is_active = False
    member.save()
    assert _me(raw) == 401


def test_tokens_still_work_when_the_cache_is_empty_or_flushed():
    member = MemberFactory()
    _, raw = api_token_create(user=member, name="script")
    assert _me(raw) == 200
    cache.clear()
    assert _me(raw) == 200
