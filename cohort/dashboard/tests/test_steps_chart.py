import datetime as dt

import pytest

from cohort.accounts.tests.factories import MemberFactory
from cohort.activity.tests.factories import DailyActivityFactory
from cohort.core.clock import user_today
from cohort.dashboard.selectors import steps_chart

pytestmark = pytest.mark.django_db


def test_the_chart_shows_each_of_the_last_fourteen_days():
    member = MemberFactory()
    today = user_today(member)
    DailyActivityFactory(user=member, date=today, steps=5_000)
    DailyActivityFactory(user=member, date=today - dt.timedelta(days=2), steps=8_000)
    DailyActivityFactory(
        user=member, date=today - dt.timedelta(days=3), steps=9_999, review="rejected"
    )
    DailyActivityFactory(user=member, date=today - dt.timedelta(days=20), steps=7_000)

    values = [bar.value for bar in steps_chart(user=member).bars]

    assert len(values) == 14
    assert values[-1] == 5_000 and values[-3] == 8_000
    assert values[-4] == 0  # rejected days count for nothing
    assert sum(values) == 13_000


def test_a_member_without_days_is_told_what_to_do(client):
    member = MemberFactory()
    client.force_login(member)

    html = client.get("/").content.decode()

    assert "No steps logged in the last two weeks yet." in html
