"""The member's device page: each enabled provider, connect (OAuth), disconnect, how the
last sync went."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from cohort.accounts import permissions
from cohort.core.exceptions import DomainError, PermissionDenied
from cohort.devices.selectors import device_rows_for_member
from cohort.devices.services.connections import (
    device_connect_finish,
    device_connect_start,
    device_disconnect,
)

MEMBERS_ONLY = "Only members connect devices: staff steps count nowhere."


def _require_member(user) -> None:
    if not permissions.may_connect_devices(user):
        raise PermissionDenied(MEMBERS_ONLY)


def _redirect_uri(request, provider: str) -> str:
    return request.build_absolute_uri(reverse("devices:callback", args=[provider]))


def _page(request, *, error: str | None = None, status: int = 200):
    rows = device_rows_for_member(user=request.user)
    response = render(
        request,
        "devices/devices.html",
        {"rows": rows, "error": error, "sync_time": settings.DEVICE_SYNC_TIME},
        status=status,
    )
    # The Connect forms post here and are redirected to the provider's consent page, which
    # the page's CSP must allow as a form's destination (form-action covers redirects).
    origins = sorted({_origin(row.provider.setting("AUTH_URL")) for row in rows} - {""})
    if origins:
        response._csp_update = {"form-action": origins}  # type: ignore[attr-defined]
    return response


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


@login_required
@require_GET
def devices_view(request):
    """Each enabled provider with the member's connection to it."""
    _require_member(request.user)
    return _page(request)


@login_required
@require_POST
def device_connect_view(request, provider: str):
    """Off to the provider's consent page."""
    _require_member(request.user)
    try:
        url = device_connect_start(
            session=request.session,
            user=request.user,
            provider_name=provider,
            redirect_uri=_redirect_uri(request, provider),
        )
    except DomainError as error:
        return _page(request, error=error.detail, status=error.status_code)
    return redirect(url)


@login_required
@require_GET
def device_callback_view(request, provider: str):
    """Back from the consent page: check the state, store the grant, back-fill."""
    _require_member(request.user)
    if request.GET.get("error"):
        return _page(
            request, error=_("You did not give access: nothing was connected."), status=400
        )
    try:
        conn, result = device_connect_finish(
            session=request.session,
            user=request.user,
            provider_name=provider,
            code=request.GET.get("code", ""),
            state=request.GET.get("state", ""),
            redirect_uri=_redirect_uri(request, provider),
        )
    except DomainError as error:
        return _page(request, error=error.detail, status=error.status_code)
    if result.outcome == "ok":
        messages.success(
            request,
            ngettext(
                "Connected. %(days)s day filled in from your device.",
                "Connected. %(days)s days filled in from your device.",
                result.days_written,
            )
            % {"days": result.days_written},
        )
    else:
        messages.warning(
            request,
            _("Connected, but the first sync did not finish: %(error)s") % {"error": result.error},
        )
    return redirect("devices:devices")


@login_required
@require_POST
def device_disconnect_view(request, provider: str):
    """Revoke and forget the grant; the days already synced stay."""
    _require_member(request.user)
    device_disconnect(user=request.user, provider_name=provider)
    messages.success(request, _("Disconnected. The days already synced stay."))
    return redirect("devices:devices")
