import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from cohort.accounts.tests.factories import MemberFactory
from cohort.accounts.tokens import api_token_create

pytestmark = pytest.mark.django_db


def _me(raw: str):
    return Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_a_token_expires_after_180_days_by_default():
    token, _raw = api_token_create(user=MemberFactory(), name="phone")
    assert token.expires_at - token.created_at == pytest.approx(
        dt.timedelta(days=180), abs=dt.timedelta(seconds=5)
    )


def test_the_maximum_age_is_a_setting(settings):
    settings.API_TOKEN_MAX_AGE_DAYS = 30
    token, _raw = api_token_create(user=MemberFactory(), name="phone")
    assert (token.expires_at - timezone.now()).days in (29, 30)


@pytest.mark.django_db(transaction=True)  # real commits, so the cached lookup is exercised
def test_an_expired_token_answers_401_even_while_its_lookup_is_cached():
    token, raw = api_token_create(user=MemberFactory(), name="phone")
    assert _me(raw).status_code == 200  # cached now
    with time_machine.travel(token.expires_at + dt.timedelta(seconds=1)):
        expired = _me(raw)
    assert expired.status_code == 401
    assert "expired" in expired.json()["detail"]
