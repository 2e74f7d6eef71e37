"""Claiming the nightly sync's work: each member's night is claimed once, by a
conditional UPDATE under skip-locked row locks, whichever beat or worker gets there first."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q

from cohort.devices.models import DeviceConnection
from cohort.devices.providers import enabled_providers


def nightly_claim(*, zone: str, day: dt.date) -> list[int]:
    """The active connections of members in `zone` whose night `day` is not yet synced,
    marked as claimed for it. Returns their ids."""
    enabled = [p.name for p in enabled_providers()]
    with transaction.atomic():
        rows = (
            DeviceConnection.objects.active()
            .filter(provider__in=enabled, user__time_zone=zone)
            .filter(Q(nightly_on__isnull=True) | Q(nightly_on__lt=day))
            .select_for_update(skip_locked=True, of=("self",))
            .order_by("pk")
        )
        ids = list(rows.values_list("pk", flat=True))
        DeviceConnection.objects.filter(pk__in=ids).update(nightly_on=day)
    return ids
