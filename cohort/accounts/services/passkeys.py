"""Passkeys (WebAuthn, through the `webauthn` package): added on the profile by someone with
a personal password (their fallback if the device is lost), used on /login/ instead of it.

The relying party is the site's own host (validated by ALLOWED_HOSTS) and origin; the
challenge of each ceremony lives in the caller's session and is used once."""

import json
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import bytes_to_base64url
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from cohort.accounts.models import Passkey, User
from cohort.core.exceptions import InvalidInput, NotAuthenticated, NotFound
from cohort.ops.models import AuditEvent
from cohort.ops.services import audit_record

MAX_PASSKEYS = 10
UNKNOWN = gettext_lazy(
    "That passkey does not sign in here: use your password, or add the passkey first."
)


@dataclass(frozen=True)
class RelyingParty:
    rp_id: str  # the host name, without a port
    origin: str  # scheme://host[:port], as the browser reports it


def _credential(payload) -> dict:
    if isinstance(payload, str):
        try:
            payload = json.loads(payload)
        except ValueError as exc:
            raise InvalidInput(_("The passkey's answer is not valid JSON.")) from exc
    if not isinstance(payload, dict) or not isinstance(payload.get("id"), str):
        raise InvalidInput(_("The passkey's answer is incomplete."))
    return payload


def passkey_registration_options(*, user: User, rp: RelyingParty) -> tuple[str, bytes]:
    """WebAuthn creation options (JSON for the browser) and their challenge, for the caller
    to keep in the session. The caller checked the user's current password."""
    if not user.has_personal_password:
        raise InvalidInput(
            _(
                "Set a personal password first: it is your way back if you lose "
                "the device that holds the passkey."
            )
        )
    existing = list(user.passkeys.values_list("credential_id", flat=True))
    if len(existing) >= MAX_PASSKEYS:
        raise InvalidInput(
            _("You can have at most %(max_passkeys)s passkeys; remove one first.")
            % {"max_passkeys": MAX_PASSKEYS}
        )
    options = generate_registration_options(
        rp_id=rp.rp_id,
        rp_name="Cohort",
        user_id=str(user.pk).encode(),
        user_name=user.email,
        user_display_name=user.display_name,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
        exclude_credentials=[PublicKeyCredentialDescriptor(id=_bytes(cid)) for cid in existing],
    )
    return options_to_json(options), options.challenge


@transaction.atomic
def passkey_register(
    *, user: User, rp: RelyingParty, challenge: bytes, credential, name: str, ip: str | None
) -> Passkey:
    """Verify the browser's new credential against the challenge and keep it."""
    try:
        verified = verify_registration_response(
            credential=_credential(credential),
            expected_challenge=challenge,
            expected_rp_id=rp.rp_id,
            expected_origin=rp.origin,
        )
    except WebAuthnException as exc:
        raise InvalidInput(_("The passkey could not be added: %(exc)s") % {"exc": exc}) from exc
    passkey, created = Passkey.objects.get_or_create(
        credential_id=bytes_to_base64url(verified.credential_id),
        defaults={
            "user": user,
            "name": (name or "").strip()[:60] or "Passkey",
            "public_key": verified.credential_public_key,
            "sign_count": verified.sign_count,
        },
    )
    if not created:
        raise InvalidInput(_("That passkey is already registered."))
    audit_record(action=AuditEvent.Action.PASSKEY_ADDED, actor=user, ip=ip, target=passkey)
    return passkey


def passkey_authentication_options(*, rp: RelyingParty) -> tuple[str, bytes]:
    """WebAuthn request options for a discoverable passkey (no email asked first)."""
    options = generate_authentication_options(
        rp_id=rp.rp_id, user_verification=UserVerificationRequirement.PREFERRED
    )
    return options_to_json(options), options.challenge


@transaction.atomic
def passkey_authenticate(*, rp: RelyingParty, challenge: bytes, credential) -> User:
    """The active user whose passkey signed the challenge; NotAuthenticated otherwise."""
    credential = _credential(credential)
    passkey = (
        Passkey.objects.select_for_update()
        .select_related("user")
        .filter(credential_id=credential["id"], user__is_active=True)
        .first()
    )
    if passkey is None:
        raise NotAuthenticated(UNKNOWN)
    try:
        verified = verify_authentication_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=rp.rp_id,
            expected_origin=rp.origin,
            credential_public_key=bytes(passkey.public_key),
            credential_current_sign_count=passkey.sign_count,
        )
    except WebAuthnException as exc:
        raise NotAuthenticated(UNKNOWN) from exc
    passkey.sign_count, passkey.last_used_at = verified.new_sign_count, timezone.now()
    passkey.save(update_fields=["sign_count", "last_used_at"])
    return passkey.user


@transaction.atomic
def passkey_remove(*, user: User, passkey_id: int, ip: str | None = None) -> None:
    passkey = Passkey.objects.filter(pk=passkey_id, user=user).first()
    if passkey is None:
        raise NotFound(_("No such passkey."))
    audit_record(action=AuditEvent.Action.PASSKEY_REMOVED, actor=user, ip=ip, target=passkey)
    passkey.delete()


def _bytes(b64url: str) -> bytes:
    from webauthn import base64url_to_bytes

    return base64url_to_bytes(b64url)
