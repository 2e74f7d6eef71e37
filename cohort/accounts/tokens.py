"""Personal API tokens: shown once, stored as a SHA-256 hash, revocable."""

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from cohort.accounts.models import ApiToken, User
from cohort.core.exceptions import InvalidInput, NotFound
from cohort.ops.models import AuditEvent
from cohort.ops.services import audit_record

TOKEN_PREFIX = "coh_"  # noqa: S105 (a label, not a secret)
MAX_TOKENS = 10


def token_hash(raw: str) -> str:
    # Tokens are 256 random bits, so a fast hash is enough: no dictionary to attack.
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, user: User, name: str, ip: str | None = None) -> tuple[ApiToken, str]:
    """Create a token; the raw value is returned once and never stored."""
    name = (name or "").strip()[:60] or "API token"
    if ApiToken.objects.filter(user=user, revoked_at__isnull=True).count() >= MAX_TOKENS:
        raise InvalidInput(f"You can have at most {MAX_TOKENS} tokens; revoke one first.")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, prefix=raw[:10], key_hash=token_hash(raw))
    audit_record(action=AuditEvent.Action.TOKEN_CREATED, actor=user, ip=ip, target=token)
    return token, raw


@transaction.atomic
def api_token_revoke(*, user: User, token_id: int, ip: str | None = None) -> ApiToken:
    token = ApiToken.objects.select_for_update().filter(pk=token_id, user=user).first()
    if token is None:
        raise NotFound("No such token.")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(action=AuditEvent.Action.TOKEN_REVOKED, actor=user, ip=ip, target=token)
    return token


def api_token_user(raw: str) -> User | None:
    """The active user a live token belongs to, or None. One query."""
    if not raw or not raw.startswith(TOKEN_PREFIX) or len(raw) > 100:
        return None
    token = (
        ApiToken.objects.select_related("user", "user__group")
        .filter(key_hash=token_hash(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 300:
        # Recorded at most every five minutes, so a chatty script does not write per call.
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
