import pytest

from cohort.accounts.models import User
from cohort.accounts.services.members import member_add
from cohort.accounts.tests.factories import GroupFactory
from cohort.core.exceptions import InvalidInput

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "email",
    ["a@b", "two@@example.com", "with space@example.com", "@example.com", "x" * 250 + "@a.io"],
)
def test_an_address_the_email_validator_refuses_is_refused(email):
    group = GroupFactory()
    with pytest.raises(InvalidInput, match="valid email"):
        member_add(group=group, email=email)
    assert not User.objects.exists()
    group.refresh_from_db()
    assert group.member_count == 0


def test_a_valid_address_is_stored_lower_cased_with_a_default_name():
    user = member_add(group=GroupFactory(), email="  Ada.Lovelace@Example.COM ")
    assert (user.email, user.display_name) == ("ada.lovelace@example.com", "ada.lovelace")


def _removed_member():
    from cohort.accounts.services.members import member_remove
    from cohort.accounts.tests.factories import MemberFactory

    member = MemberFactory(display_name="Rita Removed")
    member_remove(user=member, actor=None)
    member.refresh_from_db()
    return member


def _accounts() -> dict:
    from cohort.accounts.tests.factories import MemberFactory, StaffFactory

    return {
        "removed": _removed_member(),
        "elsewhere": MemberFactory(),
        "staff": StaffFactory(),
    }


@pytest.mark.parametrize("kind", ["removed", "elsewhere", "staff"])
def test_an_email_that_has_an_account_is_never_handed_over(kind):
    from cohort.accounts.services.members import EmailTaken

    account = _accounts()[kind]
    before = User.objects.values("group_id", "is_active", "display_name").get(pk=account.pk)
    group = GroupFactory()
    with pytest.raises(EmailTaken):
        member_add(group=group, email=account.email.upper(), display_name="Mallory")
    after = User.objects.values("group_id", "is_active", "display_name").get(pk=account.pk)
    assert after == before
    group.refresh_from_db()
    assert group.member_count == 0


def test_the_refusal_does_not_say_where_the_account_is():
    from cohort.accounts.services.members import EmailTaken

    answers = set()
    group = GroupFactory()
    for account in _accounts().values():
        with pytest.raises(EmailTaken) as refused:
            member_add(group=group, email=account.email)
        answers.add(refused.value.detail.replace(account.email, "EMAIL"))
    assert len(answers) == 1
    (answer,) = answers
    assert "another group" not in answer and "already has an account" not in answer


def test_a_full_group_says_full_whether_or_not_the_email_is_known():
    from cohort.accounts.services.members import GroupFull
    from cohort.accounts.tests.factories import MemberFactory

    group = GroupFactory()
    MemberFactory.create_batch(20, group=group)
    known = _removed_member()
    answers = []
    for email in [known.email, "nobody-yet@example.com"]:
        with pytest.raises(GroupFull) as refused:
            member_add(group=group, email=email)
        answers.append((refused.value.status_code, refused.value.detail))
    assert answers[0] == answers[1]
