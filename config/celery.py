"""The Celery app and the whole beat schedule.

Without CELERY_BROKER_URL, settings make every task run eagerly in-process, and each server
process runs this schedule itself (cohort/ops/schedule.py) instead of beat.
"""

import datetime as dt
import functools
import os
import zoneinfo

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("cohort")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


class ZonedCrontab(crontab):
    """A crontab whose hours are read in the zone its nowfun gives: Celery reads every
    crontab's fields in the app's zone (UTC here) whatever the nowfun, so "23:59 in Chicago"
    fell due at 23:59 UTC. Pickles like a crontab (the nowfun is among its kwargs)."""

    @property
    def tz(self):
        return self.nowfun.args[0]


def _daily_at(hh_mm: str, zone_name: str) -> crontab:
    """A daily crontab at local time `hh_mm` in `zone_name`, whatever Celery's own zone."""
    hour, minute = (int(part) for part in hh_mm.split(":"))
    zone = zoneinfo.ZoneInfo(zone_name)
    # A partial, not a lambda: beat's persistent scheduler pickles the schedule.
    return ZonedCrontab(hour=hour, minute=minute, nowfun=functools.partial(dt.datetime.now, zone))


def _beat_schedule() -> dict:
    from django.conf import settings

    return {
        # Every day at NIGHTLY_TIME (default 23:59) in NIGHTLY_TIME_ZONE (default
        # America/Chicago), as the walking challenge's original job ran.
        "update-progress-nightly": {
            "task": "cohort.activity.tasks.update_progress_task",
            "schedule": _daily_at(settings.NIGHTLY_TIME, settings.NIGHTLY_TIME_ZONE),
        },
        # The groups' sheets of steps, read shortly before the recompute (default 23:45).
        "sync-sheets-nightly": {
            "task": "cohort.activity.tasks.sync_sheets_task",
            "schedule": _daily_at(settings.SHEET_SYNC_TIME, settings.NIGHTLY_TIME_ZONE),
        },
        # Device sync: every 5 minutes, the members for whom it is now DEVICE_SYNC_TIME
        # (default 23:50) or later in their own time zone and whose night is not yet synced.
        "sync-devices-nightly": {
            "task": "cohort.devices.tasks.device_sync_nightly_task",
            "schedule": 300.0,
        },
        # "Today so far" from every connected device, every DEVICE_REFRESH_MINUTES (default 60).
        "sync-devices-refresh": {
            "task": "cohort.devices.tasks.device_sync_refresh_task",
            "schedule": float(settings.DEVICE_REFRESH_MINUTES * 60),
        },
        "rebuild-leaderboards": {
            "task": "cohort.competition.tasks.rebuild_leaderboards_task",
            "schedule": _daily_at(settings.LEADERBOARD_REBUILD_TIME, settings.NIGHTLY_TIME_ZONE),
        },
        # Seasons roll over just after midnight (SEASON_UPDATE_TIME, default 00:05).
        "update-seasons": {
            "task": "cohort.competition.tasks.update_seasons_task",
            "schedule": _daily_at(settings.SEASON_UPDATE_TIME, settings.NIGHTLY_TIME_ZONE),
        },
        # LeetCode streaks before the nightly recompute (LEETCODE_SYNC_TIME, default 23:30).
        "sync-leetcode-streaks": {
            "task": "cohort.activity.tasks.sync_leetcode_streaks_task",
            "schedule": _daily_at(settings.LEETCODE_SYNC_TIME, settings.NIGHTLY_TIME_ZONE),
        },
        # The analytics summaries, after the leaderboards (ANALYTICS_TIME, default 00:45).
        "recompute-analytics": {
            "task": "cohort.analytics.tasks.recompute_analytics_task",
            "schedule": _daily_at(settings.ANALYTICS_TIME, settings.NIGHTLY_TIME_ZONE),
        },
        "send-notification-emails": {
            "task": "cohort.notifications.tasks.send_notification_emails_task",
            "schedule": float(settings.NOTIFICATION_EMAIL_SECONDS),
        },
        # Every PUSH_SEND_SECONDS (default a minute): push notifications that quiet hours held
        # (new ones are pushed as soon as they commit). Does nothing without VAPID keys.
        "send-push-notifications": {
            "task": "cohort.notifications.tasks.send_push_notifications_task",
            "schedule": float(settings.PUSH_SEND_SECONDS),
        },
        "send-notification-digests": {
            "task": "cohort.notifications.tasks.send_notification_digests_task",
            "schedule": _daily_at(settings.DIGEST_TIME, settings.NIGHTLY_TIME_ZONE),
        },
        # Every day at three in the morning in NIGHTLY_TIME_ZONE (default America/Chicago),
        # well after the nightly jobs: old read notifications, job runs and audit events go.
        "prune-old-records": {
            "task": "cohort.ops.tasks.prune_old_records_task",
            "schedule": _daily_at("03:00", settings.NIGHTLY_TIME_ZONE),
        },
    }


# The management command that does what each scheduled job does, to run it by hand or from
# cron (docs/commands.md). Every entry of the schedule has one (a test checks).
COMMANDS = {
    "update-progress-nightly": "update_progress",
    "sync-sheets-nightly": "sync_sheet --all",
    "sync-devices-nightly": "sync_devices --nightly",
    "sync-devices-refresh": "sync_devices --refresh",
    "rebuild-leaderboards": "rebuild_leaderboards",
    "update-seasons": "update_seasons --create-next",
    "sync-leetcode-streaks": "sync_leetcode_streaks",
    "recompute-analytics": "recompute_analytics",
    "send-notification-emails": "send_notification_emails",
    "send-notification-digests": "send_notification_digests",
    "send-push-notifications": "send_push_notifications",
    "prune-old-records": "prune",
}

# The name under which a job's own task records its runs (JobRun.name), for the jobs that
# record one; the console shows the newest of these beside the runs started by hand.
RECORDED_AS = {
    "update-progress-nightly": "update_progress",
    "recompute-analytics": "recompute_analytics",
}


@app.on_after_configure.connect
def _install_beat_schedule(sender, **kwargs):
    sender.conf.beat_schedule = _beat_schedule()
