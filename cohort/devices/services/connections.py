"""Connecting and disconnecting a member's device provider (OAuth 2 authorisation code,
with PKCE where the provider offers it, and `state` checked on the way back)."""

from __future__ import annotations

import logging
import secrets
from collections.abc import MutableMapping
from typing import Any

from authlib.common.security import generate_token
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cohort.accounts import permissions
from cohort.accounts.models import User
from cohort.core.exceptions import InvalidInput, NotFound, PermissionDenied
from cohort.devices.models import DeviceConnection, SyncRun
from cohort.devices.providers import get_provider
from cohort.devices.providers.base import Provider, ProviderError, Tokens
from cohort.devices.services.sync import SyncResult, device_sync

log = logging.getLogger(__name__)

_SESSION_KEY = "devices:oauth:{provider}"


def _enabled_provider(name: str) -> Provider:
    provider = get_provider(name)
    if provider is None or not provider.enabled():
        raise NotFound(_("That device provider is not available."))
    return provider


def device_connect_start(
    *, session: MutableMapping[str, Any], user: User, provider_name: str, redirect_uri: str
) -> str:
    """The provider's consent page to send the member to; the state and the PKCE verifier
    wait in the member's session for the callback."""
    if not permissions.may_connect_devices(user):
        raise PermissionDenied(_("Only members connect devices: staff steps count nowhere."))
    provider = _enabled_provider(provider_name)
    state = secrets.token_urlsafe(24)
    verifier = generate_token(64) if provider.uses_pkce else ""
    session[_SESSION_KEY.format(provider=provider.name)] = {"state": state, "verifier": verifier}
    challenge = create_s256_code_challenge(verifier) if verifier else None
    return provider.authorise_url(redirect_uri=redirect_uri, state=state, code_challenge=challenge)


def device_connect_finish(
    *,
    session: MutableMapping[str, Any],
    user: User,
    provider_name: str,
    code: str,
    state: str,
    redirect_uri: str,
) -> tuple[DeviceConnection, SyncResult]:
    """Check the state, exchange the code, store the tokens encrypted and back-fill the edit
    window's days. InvalidInput when the state does not match (a forged or stale callback)
    or the provider refuses the code."""
    provider = _enabled_provider(provider_name)
    pending = session.pop(_SESSION_KEY.format(provider=provider.name), None)
    if not pending or not state or not secrets.compare_digest(pending["state"], state):
        raise InvalidInput(_("That connection attempt expired or was not yours: try again."))
    if not code:
        raise InvalidInput(_("%(provider)s did not give access.") % {"provider": provider.label})
    try:
        tokens = provider.exchange(
            code=code, redirect_uri=redirect_uri, code_verifier=pending["verifier"] or None
        )
    except ProviderError as error:
        raise InvalidInput(error.detail) from error
    conn = device_connection_store(user=user, provider_name=provider.name, tokens=tokens)
    result = device_sync(connection_id=conn.pk, kind=SyncRun.Kind.BACKFILL, force=True)
    conn.refresh_from_db()
    return conn, result


def device_connection_store(*, user: User, provider_name: str, tokens: Tokens) -> DeviceConnection:
    """Save a fresh grant (a first connection or a reconnection) as an active connection."""
    with transaction.atomic():
        conn, _created = DeviceConnection.objects.select_for_update().get_or_create(
            user=user, provider=provider_name
        )
        conn.tokens_set(tokens)
        conn.status = DeviceConnection.Status.ACTIVE
        conn.connected_at = timezone.now()
        conn.failures, conn.last_error, conn.retry_not_before = 0, "", None
        conn.save()
    return conn


def device_disconnect(*, user: User, provider_name: str) -> DeviceConnection | None:
    """Revoke the grant at the provider (best effort) and erase the tokens; the days already
    synced stay."""
    conn = DeviceConnection.objects.filter(user=user, provider=provider_name).first()
    if conn is None:
        return None
    provider = get_provider(provider_name)
    tokens = conn.tokens
    if (
        provider is not None
        and provider.enabled()
        and (tokens.access_token or tokens.refresh_token)
    ):
        try:
            provider.revoke(tokens)
        except ProviderError as error:
            log.info("devices: revoking %s for user %s failed: %s", provider_name, user.pk, error)
    with transaction.atomic():
        locked = DeviceConnection.objects.select_for_update().get(pk=conn.pk)
        locked.tokens_set(None)
        locked.external_user_id = ""
        locked.status = DeviceConnection.Status.DISCONNECTED
        locked.last_error, locked.retry_not_before = "", None
        locked.save()
    return locked
