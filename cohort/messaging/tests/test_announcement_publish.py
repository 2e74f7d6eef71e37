import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cohort.accounts.models import User
from cohort.accounts.tests.factories import GroupFactory, MemberFactory, StaffFactory
from cohort.core.exceptions import NotFound
from cohort.messaging.models import Announcement
from cohort.messaging.services import AnnouncementDraft, announcement_create, announcement_publish
from cohort.messaging.tests.factories import coordinator_of, mentor_of
from cohort.notifications.models import Notification

pytestmark = pytest.mark.django_db


def _draft(**kwargs) -> AnnouncementDraft:
    return AnnouncementDraft(**{"title": "Hello", "text": "News", "audience": "groups", **kwargs})


def _publish_queries(author, draft) -> int:
    announcement = announcement_create(author=author, draft=draft)
    with CaptureQueriesContext(connection) as queries:
        announcement_publish(actor=author, announcement_id=announcement.pk)
    return len(queries)


def test_publishing_notifies_each_member_of_the_groups_once():
    groups = [GroupFactory(), GroupFactory()]
    members = [MemberFactory(group=g) for g in groups for _ in range(3)]
    MemberFactory()  # another group
    mentor = mentor_of(*groups)
    made = announcement_create(
        author=mentor, draft=_draft(group_ids=[g.pk for g in groups]), publish=True
    )
    announcement_publish(actor=mentor, announcement_id=made.pk)  # again: a no-op
    notified = Notification.objects.filter(dedupe_key=f"announcement:{made.pk}")
    assert sorted(notified.values_list("recipient_id", flat=True)) == sorted(m.pk for m in members)
    assert all(n.link == "/announcements/" and n.text == "Hello" for n in notified)


def test_a_division_announcement_reaches_only_the_divisions_members(division, group, member):
    elsewhere = MemberFactory()
    coordinator = coordinator_of(division)
    made = announcement_create(
        author=coordinator,
        draft=_draft(audience="division", division_id=division.pk),
        publish=True,
    )
    recipients = set(
        Notification.objects.filter(dedupe_key=f"announcement:{made.pk}").values_list(
            "recipient_id", flat=True
        )
    )
    assert member.pk in recipients and elsewhere.pk not in recipients


def test_everyone_means_every_active_member_not_staff():
    members = [MemberFactory() for _ in range(3)]
    MemberFactory(is_active=False)
    organiser = StaffFactory()
    made = announcement_create(author=organiser, draft=_draft(audience="everyone"), publish=True)
    recipients = Notification.objects.filter(dedupe_key=f"announcement:{made.pk}")
    assert sorted(recipients.values_list("recipient_id", flat=True)) == [m.pk for m in members]


@pytest.mark.parametrize("sizes", [(2, 20)])
def test_publishing_costs_the_same_queries_for_2_or_20_members(sizes):
    counts = []
    for size in sizes:
        group = GroupFactory()
        for _ in range(size):
            MemberFactory(group=group)
        counts.append(_publish_queries(mentor_of(group), _draft(group_ids=[group.pk])))
        assert Notification.objects.filter(recipient__group=group).count() == size
    # select_for_update, UPDATE status, INSERT ... SELECT notifications (+ savepoints)
    assert counts[0] == counts[1]


def test_publishing_costs_the_same_queries_for_1_or_10_groups():
    counts = []
    for size in (1, 10):
        groups = [GroupFactory() for _ in range(size)]
        for g in groups:
            MemberFactory(group=g)
        author = mentor_of(*groups)
        counts.append(_publish_queries(author, _draft(group_ids=[g.pk for g in groups])))
    assert counts[0] == counts[1]


def test_only_the_author_or_an_organiser_publishes(group):
    mentor = mentor_of(group)
    draft = announcement_create(author=mentor, draft=_draft(group_ids=[group.pk]))
    with pytest.raises(NotFound):
        announcement_publish(actor=mentor_of(group), announcement_id=draft.pk)
    announcement_publish(actor=StaffFactory(), announcement_id=draft.pk)
    draft.refresh_from_db()
    assert draft.status == Announcement.Status.PUBLISHED and draft.published_at


def test_a_drafts_members_are_not_notified(group, member):
    announcement_create(author=mentor_of(group), draft=_draft(group_ids=[group.pk]))
    assert not Notification.objects.exists()
    assert member.role == User.Role.MEMBER
