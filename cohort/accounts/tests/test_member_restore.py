import pytest
from django.test import Client

from cohort.accounts.models import ApiToken, User
from cohort.accounts.services.members import member_remove, member_restore
from cohort.accounts.tests.factories import GroupFactory, MemberFactory, StaffFactory
from cohort.accounts.tokens import api_token_create
from cohort.core.exceptions import Conflict, InvalidInput, PermissionDenied
from cohort.ops.models import AuditEvent

pytestmark = pytest.mark.django_db


def _removed(**kwargs) -> User:
    member = MemberFactory(**kwargs)
    member_remove(user=member, actor=None)
    member.refresh_from_db()
    return member


def test_an_organiser_brings_a_removed_member_back_into_a_group_with_room():
    member, group, organiser = _removed(display_name="Rita"), GroupFactory(), StaffFactory()
    restored = member_restore(user=member, group=group, actor=organiser, ip="10.0.0.1")
    restored.refresh_from_db()
    group.refresh_from_db()
    assert (restored.group_id, restored.is_active, restored.display_name) == (
        group.pk,
        True,
        "Rita",
    )
    assert group.member_count == 1
    event = AuditEvent.objects.get(action=AuditEvent.Action.MEMBER_RESTORED)
    assert (event.actor_id, event.target_id, event.detail["group_id"]) == (
        organiser.pk,
        member.pk,
        group.pk,
    )


@pytest.mark.parametrize("role", ["member", "mentor", "coordinator"])
def test_only_organisers_restore(role):
    member, group = _removed(), GroupFactory()
    actor = MemberFactory() if role == "member" else StaffFactory(role=role)
    with pytest.raises(PermissionDenied):
        member_restore(user=member, group=group, actor=actor)
    member.refresh_from_db()
    assert (member.group_id, member.is_active) == (None, False)


def test_a_full_group_refuses_a_restore():
    group = GroupFactory()
    MemberFactory.create_batch(20, group=group)
    member = _removed()
    with pytest.raises(Conflict, match="is full"):
        member_restore(user=member, group=group, actor=StaffFactory())
    member.refresh_from_db()
    assert member.group_id is None


def test_someone_in_a_group_or_on_the_staff_is_not_restored():
    with pytest.raises(Conflict, match="already in a group"):
        member_restore(user=MemberFactory(), group=GroupFactory(), actor=StaffFactory())
    with pytest.raises(InvalidInput):
        member_restore(user=StaffFactory(role="mentor"), group=GroupFactory(), actor=StaffFactory())


@pytest.mark.django_db(transaction=True)  # real commits, so the cached token lookup is dropped
def test_removal_revokes_the_members_tokens_for_good():
    member = MemberFactory()
    _, raw = api_token_create(user=member, name="script")
    bearer = Client()
    assert bearer.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    member_remove(user=member, actor=None)
    assert ApiToken.objects.get(user=member).revoked_at is not None
    member_restore(user=member, group=GroupFactory(), actor=StaffFactory())
    assert bearer.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    removal = AuditEvent.objects.get(action=AuditEvent.Action.MEMBER_REMOVED)
    assert removal.detail["tokens_revoked"] == 1
