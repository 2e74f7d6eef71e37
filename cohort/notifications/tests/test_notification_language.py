"""A notification is written in its recipient's profile language, whoever caused it."""

import pytest

from cohort.accounts.tests.factories import MemberFactory
from cohort.core.i18n import in_language, lazy_message
from cohort.notifications.models import Notification
from cohort.notifications.services import NotificationDraft, notifications_create

pytestmark = pytest.mark.django_db


def test_a_notification_is_written_in_its_recipients_language():
    spanish, plain = MemberFactory(language="es"), MemberFactory()
    streak_over = "Your %(days)s-day activity streak has ended. Log a day to start a new one."
    text = lazy_message(streak_over, days=5)
    with in_language("hi"):  # whoever caused it reads Hindi: it does not matter
        notifications_create(
            drafts=[NotificationDraft(spanish.pk, text), NotificationDraft(plain.pk, text)]
        )
    assert Notification.objects.get(recipient=spanish).text.startswith("Tu racha de actividad")
    assert Notification.objects.get(recipient=plain).text.startswith("Your 5-day")
