"""Personal API tokens: shown once, stored as a SHA-256 hash, revocable."""

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from cohort.accounts.models import ApiToken, User
from cohort.core.caching import cache_forget_on_commit, cached
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
        _forget([token.key_hash])
        audit_record(action=AuditEvent.Action.TOKEN_REVOKED, actor=user, ip=ip, target=token)
    return token


def api_tokens_revoke_all(*, user: User) -> int:
    """Revoke every live token of `user` (they left their group); how many were live."""
    live = ApiToken.objects.filter(user=user, revoked_at__isnull=True)
    hashes = list(live.values_list("key_hash", flat=True))
    revoked = live.update(revoked_at=timezone.now())
    _forget(hashes)
    return revoked


_CACHE_SECONDS = 60


def _cache_key(key_hash: str) -> str:
    return f"accounts:api-token:{key_hash}"


def _lookup(key_hash: str):
    """(token id, last used, user) of a live token of an active user, or False."""
    token = (
        ApiToken.objects.select_related("user", "user__group")
        .filter(key_hash=key_hash, revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    return (token.pk, token.last_used_at, token.user) if token else False


def api_token_user(raw: str) -> User | None:
    """The active user a live token belongs to, or None. Cached for a minute; revoking the
    token or any save of its user (removed, moved, deactivated) drops the entry at once."""
    if not raw or not raw.startswith(TOKEN_PREFIX) or len(raw) > 100:
        return None
    key_hash = token_hash(raw)
    found = cached("api_token", _cache_key(key_hash), lambda: _lookup(key_hash), _CACHE_SECONDS)
    if not found:
        return None
    token_id, last_used_at, user = found
    now = timezone.now()
    if last_used_at is None or (now - last_used_at).total_seconds() > 300:
        # Recorded at most every five minutes, so a chatty script does not write per call.
        ApiToken.objects.filter(pk=token_id).update(last_used_at=now)
        _forget([key_hash])
    return user


def _forget(key_hashes) -> None:
    cache_forget_on_commit(_cache_key(h) for h in key_hashes)


def api_tokens_forget_user(sender, instance, **kwargs) -> None:
    """post_save/post_delete receiver for User: their tokens are looked up afresh."""
    _forget(ApiToken.objects.filter(user_id=instance.pk).values_list("key_hash", flat=True))
