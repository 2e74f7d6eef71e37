"""/api/v1/devices/{provider}/webhook: the verification challenge, signed events queueing
the members' syncs, and rejects answered 400/401 with a detail. A tiny provider signing
with HMAC stands in (each real provider's own signature is tested with its adapter)."""

import datetime as dt
import hashlib
import hmac
import json

import pytest
from django.http import JsonResponse

from cohort.devices.models import SyncRun
from cohort.devices.providers import PROVIDERS
from cohort.devices.providers.base import Provider, WebhookEvent, WebhookRejected

SECRET = b"hook-secret"


class SignedProvider(Provider):
    name = "google_health"  # reuses the connections' provider name and the fake's data
    label = "Signed test provider"
    settings_prefix = "GOOGLE_HEALTH"

    def __init__(self, real):
        self.real = real

    def __getattr__(self, name):
        return getattr(self.real, name)

    def daily_steps(self, tokens, **kwargs):
        return self.real.daily_steps(tokens, **kwargs)

    def refresh(self, tokens):
        return self.real.refresh(tokens)

    def webhook_challenge(self, request):
        if "challenge" not in request.GET:
            return None
        return JsonResponse({"challenge": request.GET["challenge"]})

    def webhook_events(self, request):
        expected = hmac.new(SECRET, request.body, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, request.headers.get("X-Signature", "")):
            raise WebhookRejected("The signature does not match.")
        body = json.loads(request.body)
        return [
            WebhookEvent(
                e["user"], dt.date.fromisoformat(e["day"]), dt.date.fromisoformat(e["day"])
            )
            for e in body["events"]
        ]


@pytest.fixture
def signed(google, monkeypatch):
    real = PROVIDERS["google_health"]
    monkeypatch.setitem(PROVIDERS, "google_health", SignedProvider(real))


def _post(client, body: bytes, signature: str | None = None):
    signature = signature or hmac.new(SECRET, body, hashlib.sha256).hexdigest()
    return client.post(
        "/api/v1/devices/google_health/webhook",
        body,
        content_type="application/json",
        HTTP_X_SIGNATURE=signature,
    )


def test_the_challenge_is_answered(signed, client):
    answer = client.get("/api/v1/devices/google_health/webhook", {"challenge": "abc"})
    assert answer.status_code == 200 and answer.json() == {"challenge": "abc"}
    bare = client.get("/api/v1/devices/google_health/webhook")
    assert bare.status_code == 400 and "detail" in bare.json()


def test_a_signed_event_syncs_the_member_it_names(
    signed, google, walker, today, connected, client, django_capture_on_commit_callbacks
):
    conn = connected()
    google.steps[(conn.external_user_id, today)] = 7_777
    body = json.dumps({"events": [{"user": conn.external_user_id, "day": str(today)}]}).encode()
    with django_capture_on_commit_callbacks(execute=True):
        answer = _post(client, body)
    assert answer.status_code == 202 and answer.json() == {"queued": 1}
    run = SyncRun.objects.get(user=walker)
    assert (run.kind, run.outcome, run.days_written) == ("webhook", "ok", 1)
    assert walker.daily_activity.get(date=today).steps == 7_777


def test_an_unknown_member_queues_nothing(signed, client, db):
    body = json.dumps({"events": [{"user": "nobody", "day": "2026-01-01"}]}).encode()
    assert _post(client, body).json() == {"queued": 0}


def test_a_bad_signature_is_refused(signed, client, walker, connected):
    conn = connected()
    body = json.dumps({"events": [{"user": conn.external_user_id, "day": "2026-01-01"}]}).encode()
    answer = _post(client, body, signature="0" * 64)
    assert answer.status_code == 401 and answer.json()["detail"]
    assert not SyncRun.objects.exists()


def test_a_malformed_body_is_400(signed, client, db):
    answer = _post(client, b"{not json")
    assert answer.status_code == 400 and answer.json()["detail"]


def test_a_provider_without_webhooks_answers_404(google, client, db):
    answer = client.post(
        "/api/v1/devices/google_health/webhook", b"{}", content_type="application/json"
    )
    assert answer.status_code == 404 and answer.json()["detail"]


def test_an_unknown_provider_answers_404(client, db):
    answer = client.post(
        "/api/v1/devices/fitbit-classic/webhook", b"{}", content_type="application/json"
    )
    assert answer.status_code == 404
