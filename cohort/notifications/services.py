import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext, gettext_noop

from cohort.accounts.models import User
from cohort.core.exceptions import NotFound
from cohort.core.i18n import in_language, lazy_message
from cohort.notifications.models import Notification, NotificationPreference
from cohort.notifications.signals import notifications_created
from cohort.notifications.unread import unread_count_changed


@dataclass(frozen=True)
class NotificationDraft:
    recipient_id: int
    # A lazy text (core.i18n.lazy_message) is written in the recipient's language.
    text: str | Promise
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
    languages = _languages_of({d.recipient_id for d in fresh if isinstance(d.text, Promise)})
    Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=d.recipient_id,
                kind=d.kind,
                text=_text_for(d.text, languages.get(d.recipient_id))[:300],
                link=d.link,
                dedupe_key=d.dedupe_key,
            )
            for d in fresh
        ],
        ignore_conflicts=True,
    )
    unread_count_changed(d.recipient_id for d in fresh)
    _announce_on_commit({d.recipient_id for d in fresh})
    return len(fresh)


def _languages_of(user_ids: set[int]) -> dict[int, str]:
    """The profile language of each recipient of a lazy text: one query, none without."""
    if not user_ids:
        return {}
    return dict(User.objects.filter(pk__in=user_ids).values_list("pk", "language"))


def _text_for(text: str | Promise, language: str | None) -> str:
    if not isinstance(text, Promise):
        return text
    with in_language(language):
        return str(text)


def notifications_create_from_query(
    *, select_sql: str, params: list, kind: str = Notification.Kind.DASHBOARD
) -> int:
    """Create one notification per row of `select_sql`, which yields (recipient_id, text,
    link, dedupe_key), in one INSERT ... SELECT; a row whose recipient already has its
    dedupe_key is skipped. For jobs that notify many members without loading them."""
    # WHERE TRUE: SQLite needs a WHERE before ON CONFLICT in an INSERT ... SELECT.
    sql = "INSERT INTO {table} (recipient_id, text, link, dedupe_key, kind, created_at) "
    sql += "SELECT q.*, %s, %s FROM ({select}) q WHERE TRUE ON CONFLICT DO NOTHING "
    sql += "RETURNING recipient_id"
    sql = sql.format(table=Notification._meta.db_table, select=select_sql)
    with connection.cursor() as cursor:
        cursor.execute(sql, [kind, timezone.now(), *params])
        recipients = [row[0] for row in cursor.fetchall()]
    unread_count_changed(recipients)
    _announce_on_commit(set(recipients))
    return len(recipients)


def _announce_on_commit(recipient_ids: set[int]) -> None:
    """Send notifications_created once the caller's transaction commits (push, tasks.py)."""
    if recipient_ids and settings.PUSH_ENABLED:
        ids = sorted(recipient_ids)
        transaction.on_commit(lambda: notifications_created.send(sender=None, recipient_ids=ids))


def notifications_mark_read(*, user_id: int, ids: list[int] | None = None) -> int:
    """Mark the member's notifications read: those of `ids` (others' ids are ignored), or
    all of them when `ids` is None. Returns how many changed."""
    unread = Notification.objects.filter(recipient_id=user_id, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    with transaction.atomic():
        changed = unread.update(read_at=timezone.now())
        if changed:
            unread_count_changed([user_id])
    return changed


def notifications_mark_read_for_keys(*, user_id: int, dedupe_keys) -> int:
    """Mark read the member's unread notifications of these events (`dedupe_keys`: a list
    or a query yielding keys, say the messages of a thread they just read), keeping the
    unread count exact. Returns how many changed."""
    unread = Notification.objects.filter(
        recipient_id=user_id, read_at__isnull=True, dedupe_key__in=dedupe_keys
    )
    # One UPDATE needs no transaction of its own; the count is dropped once it commits.
    changed = unread.update(read_at=timezone.now())
    if changed:
        unread_count_changed([user_id])
    return changed


NOTIFICATIONS_LINK = "/notifications/"


def notification_link_safe(link: str) -> str:
    """`link` if it is a path on this site ("/messages/3/"), else the notifications list:
    a stored link never sends anyone to another site ("//evil.example", "https://...",
    "/\\evil.example" and "javascript:" all fall back)."""
    is_local_path = (
        link.startswith("/")
        and not link.startswith(("//", "/\\"))
        and url_has_allowed_host_and_scheme(link, allowed_hosts=None)
    )
    return link if is_local_path else NOTIFICATIONS_LINK


def notification_open(*, user_id: int, notification_id: int) -> str:
    """Mark one of the member's notifications read and return where it leads (a same-site
    path, see notification_link_safe); another's or an unknown id is NotFound."""
    link = (
        Notification.objects.filter(pk=notification_id, recipient_id=user_id)
        .values_list("link", flat=True)
        .first()
    )
    if link is None:
        raise NotFound(gettext("No such notification."))
    notifications_mark_read(user_id=user_id, ids=[notification_id])
    return notification_link_safe(link)


def preference_save(*, preference: NotificationPreference) -> NotificationPreference:
    """Save a member's email choices (one row per member). A kind turned on from off is
    marked with the time, so only notifications from then on are mailed."""
    now = timezone.now()
    with transaction.atomic():
        current = (
            NotificationPreference.objects.select_for_update()
            .filter(user_id=preference.user_id)
            .first()
        )
        defaults: dict[str, bool | dt.datetime] = {
            "email_dashboard": preference.email_dashboard,
            "email_profile": preference.email_profile,
            "daily_digest": preference.daily_digest,
        }
        for field in ("email_dashboard", "email_profile"):
            if getattr(preference, field) and not (current and getattr(current, field)):
                defaults[f"{field}_since"] = now
        NotificationPreference.objects.update_or_create(
            user_id=preference.user_id, defaults=defaults
        )
    return preference


def push_preference_save(
    *,
    user_id: int,
    push_dashboard: bool,
    push_profile: bool,
    quiet_hours_start: dt.time | None,
    quiet_hours_end: dt.time | None,
) -> None:
    """Save which kinds are pushed to the member's devices and their quiet hours (read in
    their own time zone), leaving their email choices as they are."""
    NotificationPreference.objects.update_or_create(
        user_id=user_id,
        defaults={
            "push_dashboard": push_dashboard,
            "push_profile": push_profile,
            "quiet_hours_start": quiet_hours_start,
            "quiet_hours_end": quiet_hours_end,
        },
    )


def group_password_rotated_received(
    sender=None, *, group_name: str, member_ids: list[int], **kwargs
) -> int:
    """Receiver of accounts.signals.group_password_rotated: tell each member that their API
    tokens were revoked and where to create new ones. Runs in the rotation's transaction."""
    text = lazy_message(
        gettext_noop(
            "%(group)s has a new group password: sessions signed in with the old one have "
            "ended and your API tokens were revoked. Create new tokens on your profile for your "
            "devices and scripts."
        ),
        group=group_name,
    )
    return notifications_create(
        drafts=[
            NotificationDraft(
                recipient_id=pk, text=text, link="/profile/", kind=Notification.Kind.PROFILE
            )
            for pk in member_ids
        ]
    )
