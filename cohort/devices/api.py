"""The device sync's API: a member's connections (GET /api/v1/devices) and the webhook
endpoint every provider calls (/api/v1/devices/{provider}/webhook)."""

import datetime as dt

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from cohort.accounts import permissions
from cohort.accounts.auth import token_or_session
from cohort.core.exceptions import NotFound, PermissionDenied
from cohort.devices.providers import get_provider
from cohort.devices.providers.base import Provider, WebhookRejected
from cohort.devices.selectors import device_rows_for_member
from cohort.devices.tasks import webhook_syncs_queue

router = Router(tags=["devices"], auth=token_or_session)


class DeviceOut(Schema):
    provider: str
    label: str
    status: str  # "active", "reconnect", "disconnected" or "not_connected"
    connected_at: dt.datetime | None
    last_sync_at: dt.datetime | None
    last_sync_ok_at: dt.datetime | None
    days_filled: int
    last_error: str


class WebhookOut(Schema):
    queued: int


@router.get("/devices", response=list[DeviceOut], summary="The member's device connections")
def list_devices(request: HttpRequest):
    """Each enabled provider with the viewer's connection to it (members only)."""
    if not permissions.may_connect_devices(request.user):
        raise PermissionDenied(_("Only members connect devices."))
    return [
        {
            "provider": row.provider.name,
            "label": row.provider.label,
            "status": row.connection.status if row.connection else "not_connected",
            "connected_at": row.connection.connected_at if row.connection else None,
            "last_sync_at": row.connection.last_sync_at if row.connection else None,
            "last_sync_ok_at": row.connection.last_sync_ok_at if row.connection else None,
            "days_filled": row.connection.days_filled if row.connection else 0,
            "last_error": row.connection.last_error if row.connection else "",
        }
        for row in device_rows_for_member(user=request.user)
    ]


def _provider(name: str):
    provider = get_provider(name)
    if provider is None or not provider.enabled():
        raise NotFound(_("No such device provider."))
    return provider


@router.api_operation(
    ["GET", "HEAD"],
    "/devices/{provider}/webhook",
    auth=None,
    include_in_schema=False,
    summary="Verification",
)
def webhook_verify(request: HttpRequest, provider: str):
    """A provider's subscription check (its challenge answered as it documents): Oura's GET
    with a challenge, Withings' HEAD before it subscribes a callback URL."""
    answer = _provider(provider).webhook_challenge(request)
    if answer is None:
        return JsonResponse({"detail": _("Not a verification request.")}, status=400)
    return answer


@router.post(
    "/devices/{provider}/webhook", auth=None, response={202: WebhookOut}, summary="Webhook"
)
def webhook_receive(request: HttpRequest, provider: str):
    """A provider's notice that members' data changed (signature checked by the provider's
    adapter): their syncs are queued. 401 when the signature does not verify, 400 when the
    body cannot be read."""
    adapter = _provider(provider)
    if type(adapter).webhook_events is Provider.webhook_events:
        raise NotFound(_("%(provider)s sends no webhooks.") % {"provider": adapter.label})
    # A check posted when the webhook is created (Polar's PING, signed with a key we are
    # only given once it succeeds) is answered before any signature is asked for.
    answer = adapter.webhook_challenge(request)
    if answer is not None:
        return answer
    try:
        events = adapter.webhook_events(request)
    except WebhookRejected as error:
        return JsonResponse({"detail": error.detail}, status=401)
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"detail": _("The webhook's body could not be read.")}, status=400)
    return Status(202, {"queued": webhook_syncs_queue(provider=adapter.name, events=events)})
