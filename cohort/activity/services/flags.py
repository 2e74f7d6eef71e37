"""Telling mentors about flagged days: one notification per mentor of the member's group
for each day that awaits review, however often the day is logged again."""

import datetime as dt

from django.utils.translation import gettext_noop

from cohort.accounts.models import Group
from cohort.activity.models import DailyActivity
from cohort.core.i18n import lazy_date, lazy_message, lazy_number
from cohort.notifications.services import NotificationDraft, notifications_create

FLAGS_LINK = "/mentor/#flags"


def flag_notice_key(activity_id: int) -> str:
    """One notice per flagged day row: a day flagged again later is not announced twice."""
    return f"activity-flag:{activity_id}"


def flagged_days_notify(*, days: list[tuple[int, dt.date]]) -> int:
    """Notify the group's mentors of each of these (member id, day) that awaits review,
    once per day (the dedupe key). Caller is in the day's transaction. Three queries at
    most, whatever the number of days; returns how many notices were new."""
    if not days:
        return 0
    wanted = set(days)
    candidates = DailyActivity.objects.filter(
        user_id__in={u for u, _ in wanted},
        date__in={d for _, d in wanted},
        review=DailyActivity.Review.PENDING,
    )
    flagged = [
        row
        for row in candidates.select_related("user").only(
            "id", "user_id", "date", "steps", "user__display_name", "user__group_id"
        )
        if (row.user_id, row.date) in wanted
    ]
    group_ids = {row.user.group_id for row in flagged if row.user.group_id}
    mentors: dict[int | None, list[int]] = {}
    links = Group.mentors.through.objects.filter(group_id__in=group_ids)
    for group_id, mentor_id in links.values_list("group_id", "user_id"):
        mentors.setdefault(group_id, []).append(mentor_id)
    drafts = [
        NotificationDraft(
            recipient_id=mentor_id,
            text=lazy_message(
                gettext_noop(
                    "%(name)s logged %(steps)s steps on %(day)s, far above their usual day: "
                    "confirm or reject it."
                ),
                name=row.user.display_name,
                steps=lazy_number(row.steps),
                day=lazy_date(row.date, "j M"),
            ),
            link=FLAGS_LINK,
            dedupe_key=flag_notice_key(row.pk),
        )
        for row in flagged
        for mentor_id in mentors.get(row.user.group_id, [])
    ]
    return notifications_create(drafts=drafts)
