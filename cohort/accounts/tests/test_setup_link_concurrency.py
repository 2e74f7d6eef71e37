"""One set-up link, many submissions at once: exactly one organiser. One account closed
twice at once: closed once (one audit event, the group's place freed once)."""

import pytest

from cohort.accounts.models import Group, User
from cohort.accounts.services.closure import account_close
from cohort.accounts.services.setup import SetupLinkDead, setup_complete, setup_link_issue
from cohort.accounts.tests.factories import MemberFactory
from cohort.core.exceptions import Conflict
from cohort.core.testing import race
from cohort.ops.models import AuditEvent

PASSWORD = "the-first-organisers-own-passphrase"


@pytest.mark.django_db(transaction=True)
def test_ten_simultaneous_uses_of_one_link_make_one_organiser(postgres_only):
    key = setup_link_issue()
    results, errors = race(
        lambda n: setup_complete(
            key=key,
            email=f"first{n}@example.org",
            display_name=f"First {n}",
            password=PASSWORD,
            confirm=PASSWORD,
        ),
        10,
    )
    assert len(results) == 1 and len(errors) == 9
    assert all(isinstance(e, SetupLinkDead) for e in errors)
    assert User.objects.filter(role=User.Role.ORGANISER).count() == 1
    assert AuditEvent.objects.filter(action="site_set_up").count() == 1


@pytest.mark.django_db(transaction=True)
def test_closing_one_account_twice_at_once_closes_it_once(postgres_only):
    member = MemberFactory(has_personal_password=True)
    MemberFactory(group=member.group)
    results, errors = race(lambda n: account_close(user=member, actor=member), 5)
    assert len(results) == 1 and all(isinstance(e, Conflict) for e in errors)
    assert Group.objects.get(pk=member.group_id).member_count == 1
    assert AuditEvent.objects.filter(action="account_closed").count() == 1
