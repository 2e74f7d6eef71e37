"""Personal API tokens: shown once, stored as a SHA-256 hash, revocable, expiring, scoped.

What a token may do (the one home for the rule; TokenAuth in accounts/auth.py applies it):
- every token may read (GET/HEAD/OPTIONS) what its owner may read;
- a token with the `activity:write` scope may also make the writes an endpoint declares
  for that scope (logging activity: PUT /api/v1/activity/{day}, and later device uploads);
- an organiser's token with the `organise` scope may run a scheduled job
  (POST /api/v1/jobs/{name}/run); only organisers may make one;
- nothing else, ever: a token never signs in, mints or revokes tokens, manages groups or
  passwords (those routes take only the session), posts messages, reviews submissions or
  flagged days, or buys titles. Those answer 403 (or 401 on the session-only routes).
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cohort.accounts.models import ApiToken, User
from cohort.accounts.permissions import may_hold_token_scope
from cohort.core.caching import (
    cache_count,
    cache_forget_on_commit,
    cache_get_many,
    cache_set,
    cache_version_start,
)
from cohort.core.db_router import primary_reads
from cohort.core.exceptions import InvalidInput, NotAuthenticated, NotFound, PermissionDenied
from cohort.ops.models import AuditEvent
from cohort.ops.services import audit_record

TOKEN_PREFIX = "coh_"  # noqa: S105 (a label, not a secret)
MAX_TOKENS = 10
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
EXPIRED = gettext_lazy("This token has expired: create a new one on your profile (/profile/).")


def token_hash(raw: str) -> str:
    # Tokens are 256 random bits, so a fast hash is enough: no dictionary to attack.
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def api_token_create(
    *, user: User, name: str, scope: str = ApiToken.Scope.READ, ip: str | None = None
) -> tuple[ApiToken, str]:
    """Create a token that expires after API_TOKEN_MAX_AGE_DAYS; the raw value is returned
    once and never stored."""
    name = (name or "").strip()[:60] or "API token"
    if scope not in ApiToken.Scope.values:
        raise InvalidInput(
            _("Unknown scope %(repr)s; use one of %(join)s.")
            % {"repr": repr(scope), "join": ", ".join(ApiToken.Scope)}
        )
    if not may_hold_token_scope(user, scope):
        raise PermissionDenied(_("Only organisers hold %(scope)s tokens.") % {"scope": scope})
    live = ApiToken.objects.filter(
        user=user, revoked_at__isnull=True, expires_at__gt=timezone.now()
    )
    if live.count() >= MAX_TOKENS:
        raise InvalidInput(
            _("You can have at most %(max_tokens)s tokens; revoke one first.")
            % {"max_tokens": MAX_TOKENS}
        )
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=raw[:10],
        key_hash=token_hash(raw),
        scope=scope,
        expires_at=timezone.now() + timedelta(days=settings.API_TOKEN_MAX_AGE_DAYS),
    )
    audit_record(
        action=AuditEvent.Action.TOKEN_CREATED, actor=user, ip=ip, target=token, scope=scope
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, user: User, token_id: int, ip: str | None = None) -> ApiToken:
    token = ApiToken.objects.select_for_update().filter(pk=token_id, user=user).first()
    if token is None:
        raise NotFound(_("No such token."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        _forget([token.key_hash])
        audit_record(action=AuditEvent.Action.TOKEN_REVOKED, actor=user, ip=ip, target=token)
    return token


def api_tokens_revoke_for_users(*, user_ids) -> int:
    """Revoke every live token of these users and drop their cached lookups once the
    caller's transaction commits (group password rotation, a new personal password).
    Returns how many were revoked."""
    with transaction.atomic():
        live = ApiToken.objects.filter(user_id__in=list(user_ids), revoked_at__isnull=True)
        key_hashes = list(live.values_list("key_hash", flat=True))
        ApiToken.objects.filter(key_hash__in=key_hashes).update(revoked_at=timezone.now())
        _forget(key_hashes)
    return len(key_hashes)


# Entries are stamped with their token's version and the version of all tokens, read in the
# same round trip: an invalidation deletes a version, after which no entry stamped with it is
# served, even one a request that read the database before the change stores afterwards.
# So entries may live long; expiry is checked on every request from the entry itself.
_CACHE_SECONDS = 3600
_VERSION_SECONDS = 2 * _CACHE_SECONDS  # past any entry stamped with it
_ALL_TOKENS_VERSION_KEY = "accounts:api-token:all:version"


def _cache_key(key_hash: str) -> str:
    return f"accounts:api-token:{key_hash}:stamped"


def _version_key(key_hash: str) -> str:
    return f"accounts:api-token:{key_hash}:version"


def _lookup(key_hash: str):
    """(token id, last used, expires at, scope, user) of an unrevoked token of an active
    user, or False. Expiry is checked by the caller, so the cache never extends a token."""
    token = (
        ApiToken.objects.select_related("user", "user__group", "user__group__division")
        .filter(key_hash=key_hash, revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if not token:
        return False
    return (token.pk, token.last_used_at, token.expires_at, token.scope, token.user)


def _cached_lookup(key_hash: str):
    """(stamp, _lookup's answer): from the cache in one round trip when its stamp is current,
    else from the database (the stamp None when the cache is down: nothing is stored)."""
    keys = [_cache_key(key_hash), _version_key(key_hash), _ALL_TOKENS_VERSION_KEY]
    found = cache_get_many(keys)
    entry, version, every = found.get(keys[0]), found.get(keys[1]), found.get(keys[2])
    if entry is not None and None not in (version, every) and entry[0] == (version, every):
        cache_count("api_token", hit=True)
        return entry
    cache_count("api_token", hit=False)
    # The versions are read before the database, so a change committed after this read has
    # deleted the version this answer is stamped with.
    if version is None:
        version = cache_version_start(keys[1], _VERSION_SECONDS)
    if every is None:
        every = cache_version_start(keys[2], None)
    stamp = (version, every) if version is not None and every is not None else None
    with primary_reads():
        found_token = _lookup(key_hash)
    if stamp is not None:
        cache_set(keys[0], (stamp, found_token), _CACHE_SECONDS)
    return stamp, found_token


def api_token_authenticate(raw: str) -> tuple[User, str] | None:
    """(user, scope) of a live token of an active user, or None for an unknown or revoked
    one; NotAuthenticated for an expired one. Cached; revoking the token, any save of its
    user (removed, moved, deactivated) and any save of a group or division end the entry at
    once."""
    if not raw or not raw.startswith(TOKEN_PREFIX) or len(raw) > 100:
        return None
    key_hash = token_hash(raw)
    stamp, found = _cached_lookup(key_hash)
    if not found:
        return None
    token_id, last_used_at, expires_at, scope, user = found
    now = timezone.now()
    if expires_at <= now:
        raise NotAuthenticated(EXPIRED)
    if last_used_at is None or (now - last_used_at).total_seconds() > 300:
        # Recorded at most every five minutes, so a chatty script does not write per call.
        # The entry is stored again under the stamp read above: a revocation since then
        # deleted that version, so this cannot bring a revoked token back.
        ApiToken.objects.filter(pk=token_id).update(last_used_at=now)
        if stamp is not None:
            entry = (stamp, (token_id, now, expires_at, scope, user))
            cache_set(_cache_key(key_hash), entry, _CACHE_SECONDS)
    return user, scope


def api_token_scope_check(*, scope: str, method: str, write_scope: str | None) -> None:
    """Raise PermissionDenied unless a token of `scope` may make this request: reads always;
    a write only where the endpoint declares `write_scope` and the token holds it."""
    if method.upper() in SAFE_METHODS:
        return
    if write_scope is None:
        raise PermissionDenied(
            _(
                "This token's scope does not allow this request: API tokens may read, and log "
                "activity with the activity:write scope; sign in to do anything else."
            )
        )
    if scope != write_scope:
        raise PermissionDenied(
            _(
                "This token's scope does not allow this request: it needs the "
                "%(write_scope)s scope, and this token has %(scope)s. Create one with "
                "%(write_scope)s on your profile."
            )
            % {"write_scope": write_scope, "scope": scope}
        )


def _forget(key_hashes) -> None:
    cache_forget_on_commit(_version_key(h) for h in key_hashes)


def api_tokens_forget_user(sender, instance, **kwargs) -> None:
    """post_save/post_delete receiver for User: their tokens are looked up afresh."""
    _forget(ApiToken.objects.filter(user_id=instance.pk).values_list("key_hash", flat=True))


def api_tokens_forget_all(sender=None, **kwargs) -> None:
    """post_save/post_delete receiver for Group and Division: a cached token carries its
    user's group and division (the personal-password rule reads them), so every token is
    looked up afresh. Rare writes; member counts are kept with update(), which sends none."""
    cache_forget_on_commit([_ALL_TOKENS_VERSION_KEY])
