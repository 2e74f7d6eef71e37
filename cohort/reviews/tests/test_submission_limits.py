"""Creating, editing and handing in submissions is limited per member
(SUBMISSIONS_PER_MEMBER): beyond it the API answers 429 {"detail"} with Retry-After and
the page shows the refusal beside the form, keeping what was typed."""

import pytest

from cohort.reviews.models import Submission
from cohort.reviews.tests.factories import AssignmentFactory, episode_of

pytestmark = pytest.mark.django_db

URL = "/api/v1/submissions"


def test_submissions_beyond_the_limit_are_429_with_retry_after(
    signed_in, settings, member, season, first_work
):
    settings.SUBMISSIONS_PER_MEMBER = "2/m"
    works = [first_work, *(AssignmentFactory(episode=episode_of(season, 1)) for _ in range(2))]
    client = signed_in(member)
    responses = [client.post(URL, {"assignment": w.pk, "text": "Done"}) for w in works]
    assert [r.status_code for r in responses] == [201, 201, 429]
    assert "detail" in responses[2].json() and int(responses[2]["Retry-After"]) >= 1
    assert Submission.objects.filter(user=member).count() == 2


def test_the_page_shares_the_limit_and_keeps_what_was_typed(
    signed_in, settings, member, season, first_work
):
    settings.SUBMISSIONS_PER_MEMBER = "1/m"
    other = AssignmentFactory(episode=episode_of(season, 1))
    client = signed_in(member)
    assert client.post(URL, {"assignment": first_work.pk, "text": "Done"}).status_code == 201
    page = client.post(
        "/submissions/", {"assignment": other.pk, "action": "submit", "text": "My essay text"}
    )
    assert page.status_code == 429 and int(page["Retry-After"]) >= 1
    html = page.content.decode()
    assert "too fast" in html and "My essay text" in html
    assert Submission.objects.filter(user=member).count() == 1
