from dataclasses import dataclass

from cohort.notifications.models import Notification


@dataclass(frozen=True)
class NotificationDraft:
    recipient_id: int
    text: str
    link: str = ""
    dedupe_key: str | None = None
    kind: str = Notification.Kind.DASHBOARD


def notifications_create(*, drafts: list[NotificationDraft]) -> int:
    """Create notifications in one bulk insert; a draft whose dedupe_key the recipient already
    has is skipped, so re-running a job never notifies twice. Returns how many were new."""
    if not drafts:
        return 0
    keys = {(d.recipient_id, d.dedupe_key) for d in drafts if d.dedupe_key}
    existing = set()
    if keys:
        existing = set(
            Notification.objects.filter(
                recipient_id__in={r for r, _ in keys}, dedupe_key__in={k for _, k in keys}
            ).values_list("recipient_id", "dedupe_key")
        )
    fresh = [
        d for d in drafts if not d.dedupe_key or (d.recipient_id, d.dedupe_key) not in existing
    ]
    Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=d.recipient_id,
                kind=d.kind,
                text=d.text[:300],
                link=d.link,
                dedupe_key=d.dedupe_key,
            )
            for d in fresh
        ],
        ignore_conflicts=True,
    )
    return len(fresh)
