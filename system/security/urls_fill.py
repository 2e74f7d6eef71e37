"""Turn a route ("group/<int:group_id>/", "/api/v1/groups/{group_id}/members") into a URL
whose ids are one side's objects."""

import re

from django.utils import timezone

_PARAM = re.compile(r"<(?:\w+:)?(\w+)>|\{(\w+)\}")


def params_of(side, world) -> dict[str, str]:
    return {
        "group_id": side.group.pk,
        "user_id": side.member.pk,
        "token": "not-a-valid-invite",
        "title_id": world.title_id,
        "file_id": side.file.pk,
        "announcement_id": side.draft.pk,
        "notification_id": side.notification.pk,
        "thread_id": side.thread.pk,
        "kind": "members",
        "submission_id": side.submission.pk,
        "token_id": side.token_id,
        "passkey_id": side.passkey_id,
        "day": (timezone.localdate()).isoformat(),
        "activity_id": side.flagged.pk,
        "path_id": world.path_id,
        "milestone_id": world.milestone_id,
        "board": "progress",
        "provider": "google_health",
        "key": "terms",
        "name": "prune-old-records",  # a scheduled job
        "season_id": world.season_id,
    }


def fill(route: str, values: dict) -> str:
    def value(match) -> str:
        name = match.group(1) or match.group(2)
        if name not in values:
            raise AssertionError(f"{route}: add a value for {name!r} to urls_fill.params_of")
        return str(values[name])

    url = _PARAM.sub(value, route)
    return url if url.startswith("/") else "/" + url
