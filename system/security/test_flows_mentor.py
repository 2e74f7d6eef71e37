"""Issue 17, flows-mentor items, from an attacker's side: a notification link never leaves
the site and another's notification is not theirs to open (item 12); group A's people see
and decide none of group B's flagged days (item 5); a member withdraws none but their own
work still awaiting review (item 17)."""

import pytest

from cohort.activity.models import DailyActivity
from cohort.notifications.models import Notification
from cohort.reviews.models import Submission
from system.security.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "link",
    ["https://evil.example/login", "//evil.example", "/\\evil.example", "\\\\evil.example",
     "javascript:alert(document.cookie)", "http:/evil.example", " //evil.example"],
)  # fmt: skip
def test_a_planted_notification_link_never_redirects_off_site(world, link):
    notice = Notification.objects.create(recipient=world.a.leader, text="Click", link=link)
    response = client_for(world.a.leader).get(f"/notifications/{notice.pk}/open/")
    assert (response.status_code, response["Location"]) == (302, "/notifications/")


def test_opening_anothers_notification_is_404_and_marks_nothing(world):
    theirs = world.b.notification
    for viewer in (world.a.leader, world.a.member, world.a.mentor, world.b.member):
        assert client_for(viewer).get(f"/notifications/{theirs.pk}/open/").status_code == 404
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_group_bs_flagged_day_is_not_in_group_as_queue_nor_decidable(world):
    mentor = client_for(world.a.mentor)
    ids = [row["id"] for row in mentor.get("/api/v1/activity/flags").json()["results"]]
    assert world.a.flagged.pk in ids and world.b.flagged.pk not in ids
    assert world.b.flagged.user.display_name not in mentor.get("/mentor/").content.decode()
    page = mentor.post(f"/mentor/flags/{world.b.flagged.pk}/", {"decision": "rejected"})
    api = mentor.post(
        f"/api/v1/activity/flags/{world.b.flagged.pk}/review", {"decision": "rejected"},
        content_type="application/json",
    )  # fmt: skip
    assert (page.status_code, api.status_code) == (404, 404)
    assert DailyActivity.objects.get(pk=world.b.flagged.pk).review == "pending"


def test_members_and_leaders_cannot_list_or_decide_flagged_days(world):
    for viewer in (world.a.member, world.a.leader):
        client = client_for(viewer)
        assert client.get("/api/v1/activity/flags").status_code == 403
        page = client.post(f"/mentor/flags/{world.a.flagged.pk}/", {"decision": "confirmed"})
        assert page.status_code == 404
    assert DailyActivity.objects.get(pk=world.a.flagged.pk).review == "pending"


def test_nobody_withdraws_anothers_work(world):
    target = world.b.submission  # B's leader's, pending
    for viewer in (world.a.leader, world.a.member, world.a.mentor, world.b.member):
        client = client_for(viewer)
        assert client.post(f"/api/v1/submissions/{target.pk}/withdraw").status_code == 404
        assert client.post(f"/submissions/{target.pk}/withdraw/").status_code == 404
    assert Submission.objects.get(pk=target.pk).status == "pending"


def test_reviewed_work_stays_reviewed(world):
    mine = world.a.submission
    Submission.objects.filter(pk=mine.pk).update(status=Submission.Status.APPROVED)
    client = client_for(world.a.leader)
    assert client.post(f"/api/v1/submissions/{mine.pk}/withdraw").status_code == 409
    assert Submission.objects.get(pk=mine.pk).status == "approved"
