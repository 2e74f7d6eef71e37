"""Rejecting work cannot be undone: the review queue asks first, for one submission and for
the checked ones, and nothing is decided until the reviewer confirms."""

import pytest

from cohort.mentoring.tests.factories import Programme
from cohort.reviews.models import Submission

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme():
    return Programme()


def test_rejecting_one_submission_asks_first(client, programme):
    submission = programme.pending(programme.students[0])
    client.force_login(programme.mentor)
    url = f"/mentor/reviews/{submission.pk}/"
    data = {"decision": "rejected", "feedback": "Not this task"}
    ask = client.post(url, data)
    assert ask.status_code == 200
    body = ask.content.decode()
    assert f"Reject “{submission.assignment.title}”" in body
    assert 'name="feedback" value="Not this task"' in body and 'name="confirmed"' in body
    submission.refresh_from_db()
    assert submission.status == Submission.Status.PENDING
    assert client.post(url, {**data, "confirmed": "yes"}).status_code == 302
    submission.refresh_from_db()
    assert (submission.status, submission.feedback) == ("rejected", "Not this task")


def test_a_rejection_without_feedback_is_refused_not_confirmed(client, programme):
    submission = programme.pending(programme.students[0])
    client.force_login(programme.mentor)
    response = client.post(f"/mentor/reviews/{submission.pk}/", {"decision": "rejected"})
    assert response.status_code == 422
    assert 'name="confirmed"' not in response.content.decode()


def test_approving_needs_no_confirmation(client, programme):
    submission = programme.pending(programme.students[0])
    client.force_login(programme.mentor)
    assert (
        client.post(f"/mentor/reviews/{submission.pk}/", {"decision": "approved"}).status_code
        == 302
    )


def test_rejecting_the_checked_asks_first(client, programme):
    a = programme.pending(programme.students[0])
    b = programme.pending(programme.students[1])
    client.force_login(programme.mentor)
    data = {"ids": [a.pk, b.pk], "decision": "rejected", "feedback": "Wrong week"}
    ask = client.post("/mentor/reviews/", data)
    assert ask.status_code == 200 and "Reject 2 submissions?" in ask.content.decode()
    assert set(Submission.objects.values_list("status", flat=True)) == {"pending"}
    assert client.post("/mentor/reviews/", {**data, "confirmed": "yes"}).status_code == 302
    assert set(Submission.objects.values_list("status", flat=True)) == {"rejected"}


def test_a_member_gets_403_not_a_confirmation(client, programme):
    submission = programme.pending(programme.students[0])
    client.force_login(programme.students[1])
    data = {"decision": "rejected", "feedback": "x"}
    assert client.post(f"/mentor/reviews/{submission.pk}/", data).status_code == 403
    assert client.post("/mentor/reviews/", {**data, "ids": [submission.pk]}).status_code == 403


def test_the_queue_offers_bulk_reject_and_changes(client, programme):
    programme.pending(programme.students[0])
    client.force_login(programme.mentor)
    page = client.get("/mentor/").content.decode()
    assert "Reject the checked" in page and "Request changes on the checked" in page
