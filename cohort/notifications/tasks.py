"""Celery tasks: one service call each."""

from celery import shared_task
from django.db import transaction

from cohort.notifications.emails import (
    notification_digests_send,
    notification_emails_send,
    welcome_emails_send,
)
from cohort.notifications.push import push_due_send


@shared_task
def send_notification_emails_task() -> int:
    return notification_emails_send()


@shared_task
def send_notification_digests_task() -> int:
    return notification_digests_send()


@shared_task(autoretry_for=(OSError,), retry_backoff=30, max_retries=5)
def send_welcome_emails_task(user_ids: list[int]) -> int:
    return welcome_emails_send(user_ids=user_ids)


def members_to_welcome_received(sender=None, user_ids=(), **kwargs) -> None:
    """Receiver of accounts.signals.members_to_welcome: queue the welcome emails once the
    import commits (nothing is sent for an import that rolls back). Robust: without a broker
    the task runs here, and a mail server that is down must not turn the committed import's
    answer into a 500 (Django logs the failure)."""
    ids = list(user_ids)
    if ids:
        transaction.on_commit(lambda: send_welcome_emails_task.delay(ids), robust=True)


@shared_task
def send_push_notifications_task(recipient_ids: list[int] | None = None) -> dict[str, int]:
    """Push due notifications (of `recipient_ids`, or everyone's: what quiet hours held)."""
    return push_due_send(recipient_ids=recipient_ids).as_dict()


def notifications_created_received(sender=None, *, recipient_ids: list[int], **kwargs) -> None:
    """signals.notifications_created (after commit): push them from a worker."""
    send_push_notifications_task.delay(recipient_ids)
