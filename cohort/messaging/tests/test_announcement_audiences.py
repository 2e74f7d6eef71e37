import datetime as dt

import pytest
from django.utils import timezone

from cohort.accounts.tests.factories import DivisionFactory, GroupFactory, MemberFactory
from cohort.messaging.models import Announcement
from cohort.messaging.selectors import announcements_for_viewer
from cohort.messaging.tests.factories import AnnouncementFactory, coordinator_of, mentor_of

pytestmark = pytest.mark.django_db

GROUPS, DIVISION = Announcement.Audience.GROUPS, Announcement.Audience.DIVISION


def _seen(user) -> set[int]:
    return set(announcements_for_viewer(user).values_list("pk", flat=True))


def test_a_member_sees_their_group_their_division_and_everyone(member, group, division):
    to_group = AnnouncementFactory(audience=GROUPS, groups=[group])
    to_division = AnnouncementFactory(audience=DIVISION, division=division)
    to_everyone = AnnouncementFactory()
    assert _seen(member) == {to_group.pk, to_division.pk, to_everyone.pk}


def test_another_group_or_division_does_not_see_it(member, group, division):
    AnnouncementFactory(audience=GROUPS, groups=[group])
    AnnouncementFactory(audience=DIVISION, division=division)
    to_everyone = AnnouncementFactory()
    same_division_other_group = MemberFactory(group=GroupFactory(division=division))
    elsewhere = MemberFactory(group=GroupFactory(division=DivisionFactory()))
    no_division = MemberFactory(group=GroupFactory())
    assert len(_seen(same_division_other_group)) == 2
    assert _seen(elsewhere) == {to_everyone.pk}
    assert _seen(no_division) == {to_everyone.pk}


def test_drafts_and_expired_ones_are_invisible(member):
    AnnouncementFactory(status=Announcement.Status.DRAFT, published_at=None)
    AnnouncementFactory(expires_at=timezone.now() - dt.timedelta(minutes=1))
    later = AnnouncementFactory(expires_at=timezone.now() + dt.timedelta(days=1))
    assert _seen(member) == {later.pk}


def test_the_author_sees_their_own_draft(group):
    mentor = mentor_of(group)
    draft = AnnouncementFactory(
        author=mentor, audience=GROUPS, groups=[group], status="draft", published_at=None
    )
    assert _seen(mentor) == {draft.pk}
    assert _seen(MemberFactory(group=group)) == set()


def test_staff_see_what_reaches_the_groups_they_look_after(group, division):
    to_group = AnnouncementFactory(audience=GROUPS, groups=[group])
    to_division = AnnouncementFactory(audience=DIVISION, division=division)
    AnnouncementFactory(audience=GROUPS, groups=[GroupFactory()])
    assert _seen(mentor_of(group)) == {to_group.pk, to_division.pk}
    assert _seen(coordinator_of(division)) == {to_group.pk, to_division.pk}


def test_high_priority_first_then_newest(member):
    old = AnnouncementFactory(published_at=timezone.now() - dt.timedelta(days=2))
    new = AnnouncementFactory()
    urgent_old = AnnouncementFactory(
        priority=Announcement.Priority.HIGH, published_at=timezone.now() - dt.timedelta(days=3)
    )
    assert list(announcements_for_viewer(member).values_list("pk", flat=True)) == [
        urgent_old.pk,
        new.pk,
        old.pk,
    ]
