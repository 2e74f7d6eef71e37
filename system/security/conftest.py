"""Security tests across the apps: one small world of two groups (A and B) with an object
of every kind in each, and helpers to walk every URL the resolver and the API know."""

import datetime as dt
from dataclasses import dataclass

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from cohort.accounts.models import Group, Passkey, User
from cohort.accounts.tests.factories import GroupFactory, MemberFactory, StaffFactory
from cohort.accounts.tokens import api_token_create
from cohort.activity.models import DailyActivity
from cohort.competition.tests.factories import SeasonFactory, TitleFactory
from cohort.journeys.tests.factories import path_create
from cohort.messaging.models import Announcement
from cohort.messaging.tests.factories import AnnouncementFactory, MessageFactory, ThreadFactory
from cohort.notifications.models import Notification
from cohort.reviews.models import SubmissionFile
from cohort.reviews.tests.factories import (
    AssignmentFactory,
    SubmissionFactory,
    episode_of,
    mentor_of,
    png_bytes,
)


@dataclass
class Side:
    """One group and an object of every kind that belongs to it."""

    group: Group
    leader: User
    member: User
    mentor: User
    submission: object
    file: SubmissionFile
    thread: object
    announcement: Announcement
    draft: Announcement
    notification: Notification
    flagged: DailyActivity
    token_id: int
    passkey_id: int


@dataclass
class World:
    a: Side
    b: Side
    organiser: User
    title_id: int
    path_id: int
    assignment_id: int
    milestone_id: int = 0  # the path's last milestone: reached by nobody in this world
    season_id: int = 0  # the running season (shared by both groups)


def _side(name: str, assignment, organiser) -> Side:
    group = GroupFactory(name=name)
    # Leaders have a personal password: without one they get no leader tools.
    leader = MemberFactory(
        group=group, email=f"leader-{name.lower()}@example.com", has_personal_password=True
    )
    Group.objects.filter(pk=group.pk).update(leader=leader)
    group.refresh_from_db()
    member = MemberFactory(group=group)
    mentor = mentor_of(group)
    submission = SubmissionFactory(user=leader, assignment=assignment)
    file = SubmissionFile(
        submission=submission, original_name="photo.png", size=100, content_type="image/png"
    )
    file.file.save("photo.png", ContentFile(png_bytes()), save=False)
    file.save()
    thread = ThreadFactory(student=leader, mentor=mentor)
    MessageFactory(thread=thread, sender=leader, text=f"Hello from {name}")
    announcement = AnnouncementFactory(
        author=organiser,
        audience=Announcement.Audience.GROUPS,
        groups=[group],
        title=f"News for {name}",
    )
    draft = AnnouncementFactory(
        author=mentor,
        audience=Announcement.Audience.GROUPS,
        groups=[group],
        status=Announcement.Status.DRAFT,
        published_at=None,
        title=f"Draft for {name}",
    )
    notification = Notification.objects.create(recipient=leader, text=f"Secret of {name}")
    flagged = DailyActivity.objects.create(
        user=leader,
        date=timezone.localdate() - dt.timedelta(days=1),
        steps=45_000,
        review=DailyActivity.Review.PENDING,
    )
    token, _raw = api_token_create(user=leader, name="phone")
    passkey = Passkey.objects.create(
        user=leader, name="phone", credential_id=f"credential-{name}", public_key=b"\x00"
    )
    return Side(
        group, leader, member, mentor, submission, file, thread, announcement, draft,
        notification, flagged, token.pk, passkey.pk,
    )  # fmt: skip


@pytest.fixture
def world(db, settings, tmp_path) -> World:
    settings.MEDIA_ROOT = tmp_path / "media"
    # Google Health enabled (never called: the routes answer before any call to it).
    settings.GOOGLE_HEALTH_CLIENT_ID = "matrix-client"
    settings.GOOGLE_HEALTH_CLIENT_SECRET = "matrix-secret"  # noqa: S105
    settings.GOOGLE_HEALTH_AUTH_URL = "http://127.0.0.1:9/auth"
    path = path_create()
    season = SeasonFactory()
    assignment = AssignmentFactory(episode=episode_of(season, 1))
    organiser = StaffFactory(email="organiser@example.com")
    title = TitleFactory()
    return World(
        a=_side("Alpha", assignment, organiser),
        b=_side("Bravo", assignment, organiser),
        organiser=organiser,
        title_id=title.pk,
        path_id=path.pk,
        assignment_id=assignment.pk,
        milestone_id=path.milestones.order_by("-order").first().pk,
        season_id=season.pk,
    )


def client_for(user: User | None) -> Client:
    """A fresh test client signed in as `user` (organisers verified), or anonymous."""
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def page_routes() -> dict[str, str]:
    """Every page route the resolver knows (the API and the admin apart), by route string."""

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern), pattern.name

    return {
        route: name
        for route, name in walk(get_resolver().url_patterns)
        if not route.startswith(("api/", "admin/"))
    }


def api_operations() -> set[str]:
    """Every API operation as "METHOD /api/v1/path/{param}", from the OpenAPI document."""
    from config.api import api

    schema = api.get_openapi_schema()
    return {
        f"{method.upper()} {path}"
        for path, operations in schema["paths"].items()
        for method in operations
    }
