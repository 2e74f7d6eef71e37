"""The schedule: tonight's sync at DEVICE_SYNC_TIME in each member's zone, claimed once; the
"today so far" refresh; pacing within a provider's per-minute limit; the command."""

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command

from cohort.accounts.tests.factories import GroupFactory, MemberFactory
from cohort.devices.models import DeviceConnection, SyncRun
from cohort.devices.providers import get_provider
from cohort.devices.services import pacing
from cohort.devices.services.schedule import nightly_claim
from cohort.devices.tasks import device_sync_nightly_task, device_sync_refresh_task

# 23:55 in Chicago (UTC-6 in December) is 05:55 UTC the next day; Kolkata is then 11:25.
CHICAGO_NIGHT = dt.datetime(2026, 12, 4, 5, 55, tzinfo=dt.UTC)


@pytest.fixture
def two_zones(google, walker, connected):
    east = MemberFactory(group=GroupFactory(), time_zone="Asia/Kolkata")
    return connected(walker), connected(east)


def _runs(kind):
    return set(SyncRun.objects.filter(kind=kind).values_list("user_id", flat=True))


def test_nightly_syncs_the_members_whose_evening_it_is(two_zones, walker):
    chicago, kolkata = two_zones
    with time_machine.travel(CHICAGO_NIGHT, tick=False):
        assert device_sync_nightly_task() == 1
        assert _runs("nightly") == {walker.pk}
        assert device_sync_nightly_task() == 0  # claimed: not twice the same night
    chicago.refresh_from_db()
    assert chicago.nightly_on == dt.date(2026, 12, 3)


def test_nightly_before_the_time_syncs_nobody(two_zones):
    with time_machine.travel(CHICAGO_NIGHT - dt.timedelta(minutes=10), tick=False):
        assert device_sync_nightly_task() == 0


def test_the_next_night_is_claimed_again(two_zones, walker):
    with time_machine.travel(CHICAGO_NIGHT, tick=False) as clock:
        device_sync_nightly_task()
        clock.shift(dt.timedelta(days=1))
        assert device_sync_nightly_task() == 1


def test_a_disconnected_or_broken_connection_is_not_claimed(two_zones):
    chicago, _ = two_zones
    DeviceConnection.objects.filter(pk=chicago.pk).update(status="reconnect")
    assert nightly_claim(zone="America/Chicago", day=dt.date(2026, 12, 3)) == []


def test_the_refresh_syncs_everyone_not_synced_this_hour(two_zones, settings):
    settings.DEVICE_SYNC_CHUNK = 1  # one task per member
    assert device_sync_refresh_task() == 2
    assert SyncRun.objects.filter(kind="hourly", outcome="ok").count() == 2
    assert device_sync_refresh_task() == 0  # both synced just now


def test_the_refresh_leaves_a_connection_waiting_to_retry(two_zones):
    chicago, _ = two_zones
    later = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5)
    DeviceConnection.objects.filter(pk=chicago.pk).update(retry_not_before=later)
    assert device_sync_refresh_task() == 1


def test_pacing_waits_for_the_next_minute_past_the_limit(google, settings, monkeypatch):
    settings.GOOGLE_HEALTH_REQUESTS_PER_MINUTE = 2
    provider = get_provider("google_health")
    slept = []
    start = dt.datetime(2026, 12, 3, 12, 0, 10, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False) as clock:

        def sleep(seconds):  # time passes, as it would while sleeping
            slept.append(seconds)
            clock.shift(seconds)

        monkeypatch.setattr(pacing, "_sleep", sleep)
        pacing.request_slot_take(provider)
        pacing.request_slot_take(provider)
        assert slept == []
        pacing.request_slot_take(provider)  # the third in the minute waits for the next
    assert len(slept) == 1 and 49.9 < slept[0] <= 50.1


def test_a_429_holds_every_request_to_the_provider(google, settings, monkeypatch):
    provider = get_provider("google_health")
    pacing.provider_cooldown_set(provider=provider, seconds=120)
    from cohort.devices.providers.base import RateLimited

    with pytest.raises(RateLimited) as held:
        pacing.request_slot_take(provider)
    assert held.value.retry_after > 100


def test_the_command_syncs_one_member(google, walker, connected):
    connected()
    out = StringIO()
    call_command("sync_devices", "--user", walker.email, stdout=out)
    assert "1 ok" in out.getvalue()
    assert SyncRun.objects.get().kind == "manual"
    with pytest.raises(CommandError):
        call_command("sync_devices", "--user", "nobody@example.com")


def test_the_command_runs_the_refresh(google, walker, connected):
    connected()
    out = StringIO()
    call_command("sync_devices", "--refresh", stdout=out)
    assert "1 queued" in out.getvalue()
