"""Rotating the group password ends its members' API tokens too: whoever learned the old
password could have signed in as a member and minted one."""

import pytest
from django.test import Client

from cohort.accounts.models import ApiToken
from cohort.accounts.services.groups import group_password_rotate
from cohort.accounts.tests.factories import GroupFactory, MemberFactory
from cohort.accounts.tokens import api_token_create
from cohort.core.exceptions import InvalidInput

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "a-brand-new-secret"


def _me(raw: str):
    return Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.mark.django_db(transaction=True)  # real commits: the cached lookups must be dropped
def test_rotation_revokes_every_members_tokens_at_once_and_no_other_groups():
    group, other_group = GroupFactory(), GroupFactory()
    member, classmate = MemberFactory(group=group), MemberFactory(group=group)
    neighbour = MemberFactory(group=other_group)
    raws = [api_token_create(user=u, name="phone")[1] for u in (member, classmate, neighbour)]
    assert [_me(raw).status_code for raw in raws] == [200, 200, 200]  # now cached
    group_password_rotate(group=group, password=NEW_PASSWORD, actor=None)
    assert [_me(raw).status_code for raw in raws] == [401, 401, 200]
    assert ApiToken.objects.filter(user__group=group, revoked_at__isnull=True).count() == 0


def test_a_refused_rotation_revokes_nothing_and_notifies_no_one():
    group = GroupFactory()
    member = MemberFactory(group=group)
    api_token_create(user=member, name="phone")
    with pytest.raises(InvalidInput):
        group_password_rotate(group=group, password="short", actor=None)
    assert ApiToken.objects.get().revoked_at is None
