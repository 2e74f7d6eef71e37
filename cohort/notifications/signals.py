"""Signals the notifications app sends.

`notifications_created`: once new notifications have committed; `recipient_ids`, the
members who got at least one. Connected in notifications/apps.py to queue the push job
(tasks.notifications_created_received), so the services never import the tasks."""

from django.dispatch import Signal

notifications_created = Signal()
