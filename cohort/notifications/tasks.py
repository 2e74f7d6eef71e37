"""Celery tasks: one service call each."""

from celery import shared_task

from cohort.notifications.emails import notification_digests_send, notification_emails_send


@shared_task
def send_notification_emails_task() -> int:
    return notification_emails_send()


@shared_task
def send_notification_digests_task() -> int:
    return notification_digests_send()
