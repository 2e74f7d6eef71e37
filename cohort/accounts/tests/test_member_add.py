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
