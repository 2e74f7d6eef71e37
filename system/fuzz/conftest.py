"""The world the fuzzer signs into: the demo data set (a group of 20 on the current path, a
running season with categories, assignments and pending work, a mentor, an organiser) plus
what the demo leaves out (a thread, notifications, an announcement, a flagged day, a file),
and each role's credentials: a personal API token and a session with its CSRF pair."""

import datetime as dt
from dataclasses import dataclass, field

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from django.utils import timezone

from cohort.accounts.models import ApiToken, User
from cohort.accounts.tokens import api_token_create
from cohort.activity.models import DailyActivity
from cohort.demo.services import demo_seed
from cohort.messaging.models import Announcement, Message, Thread
from cohort.notifications.services import NotificationDraft, notifications_create
from cohort.reviews.models import Assignment, Submission
from cohort.reviews.services import submission_create

CSRF_SECRET = "fuzzfuzzfuzzfuzzfuzzfuzzfuzzfuzz"  # 32 characters, Django's unmasked form


def token_may(method: str, path: str) -> bool:
    """Whether an activity:write token may make this request (cohort.accounts.tokens)."""
    method = method.upper()
    return method in ("GET", "HEAD", "OPTIONS") or (
        method == "PUT" and path.startswith("/api/v1/activity/")
    )


@dataclass
class Credentials:
    """How one role signs its requests: a bearer token for the token-or-session routes and a
    session cookie (with the CSRF cookie and header) for the session-only ones."""

    user: User
    token: str = ""
    session_key: str = ""

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", "X-CSRFToken": CSRF_SECRET}

    def headers_for(self, method: str, path: str) -> dict[str, str]:
        """The token where a token may go (reads, and logging activity: the fuzzer's tokens
        have the activity:write scope); every other write by the session and its CSRF pair,
        as a browser makes it, since tokens are refused there before the input is read."""
        if token_may(method, path):
            return self.headers
        return {"X-CSRFToken": CSRF_SECRET}

    @property
    def cookies(self) -> dict[str, str]:
        return {"sessionid": self.session_key, "csrftoken": CSRF_SECRET}

    def renew(self) -> None:
        """A fresh token and session: a fuzzed logout or token revocation may end them. The
        fuzzer's earlier tokens are revoked first (a member may hold only ten)."""
        ApiToken.objects.filter(user=self.user, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        self.token = api_token_create(user=self.user, name="fuzz", scope="activity:write")[1]
        client = Client()
        client.force_login(self.user)
        self.session_key = client.cookies["sessionid"].value


@dataclass
class World:
    roles: dict[str, Credentials]
    ids: dict[str, list] = field(default_factory=dict)  # path parameter -> real values


@pytest.fixture
def wsgi_app():
    """Django's WSGI application, called in this thread inside the test's transaction. Like
    Django's test client, it must not close the connection at the end of each request."""
    from django.core.wsgi import get_wsgi_application

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _extras(member: User, mentor: User, organiser: User) -> dict[str, list]:
    """What the demo does not make, so the calls reach real rows."""
    from cohort.reviews.tests.factories import png_upload

    thread = Thread.objects.create(mentor=mentor, student=member)
    Message.objects.create(thread=thread, sender=mentor, text="How is the project going?")
    Message.objects.create(thread=thread, sender=member, text="Nearly done.")
    notifications_create(
        drafts=[
            NotificationDraft(recipient_id=user.pk, text=f"Note {n}", dedupe_key=f"fuzz:{n}")
            for user in (member, mentor, organiser)
            for n in range(3)
        ]
    )
    announcement = Announcement.objects.create(
        author=organiser, audience=Announcement.Audience.EVERYONE, title="Hello", text="Walk on."
    )
    flagged = DailyActivity.objects.create(
        user=member,
        date=timezone.localdate() - dt.timedelta(days=40),  # before the demo's days
        steps=99_000,
        source=DailyActivity.Source.WEB,
        review=DailyActivity.Review.PENDING,
    )
    # A Kickoff assignment of the member's own that takes files (the demo's are handed in).
    work = Assignment.objects.filter(is_open=True, episode__number=1).order_by("pk").first()
    work.pk, work.title, work.accepts_files = None, "Upload a photo", True
    work.save()
    submission = submission_create(
        user=member, assignment_id=work.pk, text="Here it is.", link="", files=[png_upload()]
    )
    return {
        "thread_id": [thread.pk],
        "announcement_id": [announcement.pk],
        "activity_id": [flagged.pk],
        "submission_id": [submission.pk, *Submission.objects.values_list("pk", flat=True)[:3]],
        "file_id": list(submission.files.values_list("pk", flat=True)),
        "assignment": [work.pk],
    }


@pytest.fixture
def fuzz_world(db, settings, tmp_path) -> World:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ACTIVITY_UPDATES_PER_MEMBER = "1000/m"  # the fuzzer is one busy member
    demo_seed(members=20, password="fuzz-the-whole-api")
    member = User.objects.get(email="member1@demo.cohort.example")
    mentor = User.objects.get(email="mentor1@demo.cohort.example")
    organiser = User.objects.get(email="organiser@demo.cohort.example")
    ids = _extras(member, mentor, organiser)
    roles = {}
    for name, user in (("member", member), ("organiser", organiser), ("mentor", mentor)):
        roles[name] = Credentials(user)
        roles[name].renew()
    from cohort.competition.models import Title
    from cohort.journeys.models import Path

    ids.update(
        group_id=[member.group_id],
        path_id=list(Path.objects.values_list("pk", flat=True)),
        title_id=list(Title.objects.values_list("pk", flat=True)[:3]),
        token_id=[],  # never the fuzzer's own tokens on purpose; random ids may still hit
        day=[str(timezone.localdate()), str(timezone.localdate() - dt.timedelta(days=1))],
        board=["progress", "points", "lifetime", "groups"],
    )
    return World(roles=roles, ids=ids)
