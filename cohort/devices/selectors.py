"""Every read the device pages, the API and the schedule need."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone

from cohort.accounts.models import Group, User
from cohort.core.clock import zone_for
from cohort.devices.models import DeviceConnection
from cohort.devices.providers import PROVIDERS, enabled_providers
from cohort.devices.providers.base import Provider


@dataclass
class ProviderRow:
    provider: Provider
    connection: DeviceConnection | None

    @property
    def is_connected(self) -> bool:
        return bool(self.connection and self.connection.status == DeviceConnection.Status.ACTIVE)

    @property
    def needs_reconnect(self) -> bool:
        return bool(self.connection and self.connection.status == DeviceConnection.Status.RECONNECT)


def device_providers_status() -> list[tuple[Provider, bool]]:
    """Every provider this site knows, and whether it is enabled (its client id and secret
    are set)."""
    return [(p, p.enabled()) for p in PROVIDERS.values()]


def device_rows_for_member(*, user: User) -> list[ProviderRow]:
    """Each enabled provider with the member's connection to it, if any (one query)."""
    providers = enabled_providers()
    connections = {
        c.provider: c
        for c in DeviceConnection.objects.filter(
            user=user, provider__in=[p.name for p in providers]
        )
    }
    return [ProviderRow(p, connections.get(p.name)) for p in providers]


def connection_zones_due(*, now: dt.datetime | None = None) -> list[tuple[str, dt.date]]:
    """(zone, that zone's today) for every zone of a connected member where it is now
    DEVICE_SYNC_TIME or later (until midnight): the zones whose nightly sync is due."""
    now = now or timezone.now()
    hour, minute = (int(part) for part in settings.DEVICE_SYNC_TIME.split(":"))
    due = []
    zones = (
        DeviceConnection.objects.active()
        .values_list("user__time_zone", flat=True)
        .distinct()
        .order_by()
    )
    for name in zones:
        local = now.astimezone(zone_for(name))
        if (local.hour, local.minute) >= (hour, minute):
            due.append((name, local.date()))
    return due


def connections_for_refresh(*, now: dt.datetime | None = None) -> list[int]:
    """Active connections not synced within the refresh period and not waiting to retry."""
    now = now or timezone.now()
    since = now - dt.timedelta(minutes=settings.DEVICE_REFRESH_MINUTES - 5)
    enabled = [p.name for p in enabled_providers()]
    rows = DeviceConnection.objects.active().filter(provider__in=enabled)
    rows = rows.exclude(last_sync_at__gte=since).exclude(retry_not_before__gt=now)
    return list(rows.order_by("pk").values_list("pk", flat=True))


def connections_for_external_users(*, provider: str, external_user_ids: list[str]) -> list[int]:
    return list(
        DeviceConnection.objects.active()
        .filter(provider=provider, external_user_id__in=external_user_ids)
        .values_list("pk", flat=True)
    )


@dataclass
class MemberSync:
    user: User
    connections: list[DeviceConnection] = field(default_factory=list)

    @property
    def is_connected(self) -> bool:
        return any(c.status == DeviceConnection.Status.ACTIVE for c in self.connections)

    def is_stale(self, since: dt.datetime) -> bool:
        """Connected, but no successful sync since `since`."""
        active = [c for c in self.connections if c.status == DeviceConnection.Status.ACTIVE]
        return bool(active) and all(
            c.last_sync_ok_at is None or c.last_sync_ok_at < since for c in active
        )


@dataclass
class GroupSync:
    group: Group
    members: list[MemberSync]
    stale_since: dt.datetime

    @property
    def connected(self) -> list[MemberSync]:
        return [m for m in self.members if m.is_connected]

    @property
    def stale(self) -> list[MemberSync]:
        return [m for m in self.members if m.is_stale(self.stale_since)]

    @property
    def reconnect(self) -> list[MemberSync]:
        return [
            m
            for m in self.members
            if any(c.status == DeviceConnection.Status.RECONNECT for c in m.connections)
        ]


def device_overview_for_viewer(*, viewer: User) -> list[GroupSync]:
    """Per group the viewer may see (organisers all, coordinators their division's): its
    members with their connections. Three queries whatever the number of groups."""
    groups = list(Group.objects.for_viewer(viewer).order_by("name", "pk"))  # 1: the groups
    members = (  # 2: their active members
        User.objects.filter(group__in=groups, role=User.Role.MEMBER, is_active=True)
        .only("id", "display_name", "group_id")
        .order_by("display_name", "pk")
    )
    by_user = {m.pk: MemberSync(m) for m in members}
    for conn in DeviceConnection.objects.filter(user_id__in=list(by_user)).only(  # 3
        "id", "user_id", "provider", "status", "last_sync_ok_at", "last_sync_at", "last_error"
    ):
        by_user[conn.user_id].connections.append(conn)
    since = timezone.now() - dt.timedelta(days=settings.DEVICE_STALE_DAYS)
    by_group: dict[int | None, list[MemberSync]] = {g.pk: [] for g in groups}
    for member in by_user.values():  # every member's group is one of `groups`
        by_group[member.user.group_id].append(member)
    return [GroupSync(g, by_group[g.pk], since) for g in groups]
