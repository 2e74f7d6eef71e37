import pytest

from cohort.accounts.tests.factories import DivisionFactory, GroupFactory, MemberFactory


@pytest.fixture
def division():
    return DivisionFactory()


@pytest.fixture
def group(division):
    return GroupFactory(division=division)


@pytest.fixture
def member(group):
    return MemberFactory(group=group)


@pytest.fixture
def signed_in(client):
    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in
