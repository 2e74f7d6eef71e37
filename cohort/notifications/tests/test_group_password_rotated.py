"""Rotating a group password tells each member their API tokens were revoked."""

import pytest
from django.urls import reverse

from cohort.accounts.services.groups import group_password_rotate
from cohort.accounts.tests.factories import GroupFactory, MemberFactory
from cohort.accounts.tokens import api_token_create
from cohort.core.exceptions import InvalidInput
from cohort.notifications.models import Notification

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "a-brand-new-secret"


def test_rotation_notifies_each_member_to_create_new_tokens():
    group = GroupFactory()
    leader, member = MemberFactory(group=group), MemberFactory(group=group)
    api_token_create(user=member, name="phone")
    group_password_rotate(group=group, password=NEW_PASSWORD, actor=leader)
    notified = Notification.objects.filter(recipient__group=group)
    assert {n.recipient_id for n in notified} == {member.pk}  # not the leader who did it
    note = notified.get()
    assert "tokens" in note.text and note.link == reverse("accounts:profile")


def test_a_refused_rotation_notifies_no_one():
    group = GroupFactory()
    MemberFactory(group=group)
    with pytest.raises(InvalidInput):
        group_password_rotate(group=group, password="short", actor=None)
    assert not Notification.objects.exists()
