"""Celery tasks: one service call each."""

from celery import shared_task

from cohort.notifications.emails import notification_digests_send, notification_emails_send
from cohort.notifications.push import push_due_send


@shared_task
def send_notification_emails_task() -> int:
    return notification_emails_send()


@shared_task
def send_notification_digests_task() -> int:
    return notification_digests_send()


@shared_task
def send_push_notifications_task(recipient_ids: list[int] | None = None) -> dict[str, int]:
    """Push due notifications (of `recipient_ids`, or everyone's: what quiet hours held)."""
    return push_due_send(recipient_ids=recipient_ids).as_dict()


def notifications_created_received(sender=None, *, recipient_ids: list[int], **kwargs) -> None:
    """signals.notifications_created (after commit): push them from a worker."""
    send_push_notifications_task.delay(recipient_ids)
