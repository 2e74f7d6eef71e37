"""Passkey ceremonies: JSON endpoints that static/js/passkeys.js calls (same-origin, with
the page's CSRF token), and the profile's remove button."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from webauthn import base64url_to_bytes
from webauthn.helpers import bytes_to_base64url

from cohort.accounts.services.passkeys import (
    RelyingParty,
    passkey_authenticate,
    passkey_authentication_options,
    passkey_register,
    passkey_registration_options,
    passkey_remove,
)
from cohort.accounts.services.personal_password import personal_password_check_current
from cohort.accounts.services.signin import signin_complete, signin_failed, signin_guard
from cohort.accounts.views import _safe_next
from cohort.core.exceptions import DomainError, InvalidInput
from cohort.core.http import client_ip

SESSION_REGISTER = "cohort_passkey_register_challenge"
SESSION_SIGN_IN = "cohort_passkey_sign_in_challenge"


def _rp(request) -> RelyingParty:
    host = request.get_host()  # checked against ALLOWED_HOSTS
    return RelyingParty(
        rp_id=host.rsplit(":", 1)[0].strip("[]"), origin=f"{request.scheme}://{host}"
    )


def _body(request) -> dict:
    if request.content_type != "application/json":
        raise InvalidInput(_("The request body is not JSON."))
    try:
        body = json.loads(request.body or b"{}")
    except ValueError as exc:
        raise InvalidInput(_("The request body is not JSON.")) from exc
    if not isinstance(body, dict):
        raise InvalidInput(_("The request body must be a JSON object."))
    return body


def _challenge(request, key: str) -> bytes:
    value = request.session.pop(key, None)
    if not value:
        raise InvalidInput(_("That passkey request has expired: try again."))
    return base64url_to_bytes(value)


def _json_errors(view):
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except DomainError as exc:
            return JsonResponse({"detail": exc.detail}, status=exc.status_code)

    wrapped.__name__ = view.__name__
    return wrapped


@login_required
@require_POST
@_json_errors
def passkey_options_view(request):
    """Creation options, after the current personal password (guesses count as failed
    sign-ins, as on the password form)."""
    body = _body(request)
    signin_guard(request, request.user.email)
    try:
        personal_password_check_current(user=request.user, current=str(body.get("password", "")))
    except DomainError:
        signin_failed(request, request.user.email)
        raise
    options, challenge = passkey_registration_options(user=request.user, rp=_rp(request))
    request.session[SESSION_REGISTER] = bytes_to_base64url(challenge)
    return JsonResponse(json.loads(options))


@login_required
@require_POST
@_json_errors
def passkey_register_view(request):
    body = _body(request)
    passkey = passkey_register(
        user=request.user,
        rp=_rp(request),
        challenge=_challenge(request, SESSION_REGISTER),
        credential=body.get("credential"),
        name=str(body.get("name", "")),
        ip=client_ip(request),
    )
    messages.success(
        request,
        _("Passkey “%(name)s” added: you can sign in with it now.") % {"name": passkey.name},
    )
    return JsonResponse({"id": passkey.pk, "name": passkey.name}, status=201)


@login_required
@require_POST
def passkey_remove_view(request, passkey_id: int):
    passkey_remove(user=request.user, passkey_id=passkey_id, ip=client_ip(request))
    messages.success(request, _("Passkey removed."))
    return redirect("accounts:profile")


@require_POST
@_json_errors
def passkey_sign_in_options_view(request):
    options, challenge = passkey_authentication_options(rp=_rp(request))
    request.session[SESSION_SIGN_IN] = bytes_to_base64url(challenge)
    return JsonResponse(json.loads(options))


@require_POST
@_json_errors
def passkey_sign_in_view(request):
    body = _body(request)
    user = passkey_authenticate(
        rp=_rp(request),
        challenge=_challenge(request, SESSION_SIGN_IN),
        credential=body.get("credential"),
    )
    signin_complete(request, user)
    return JsonResponse({"redirect": _safe_next(request, body.get("next"))})
