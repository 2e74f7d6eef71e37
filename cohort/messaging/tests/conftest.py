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
