"""axe-core on every page of every role (signed out, member, leader, mentor, coordinator,
organiser) in Chromium, on the demo data: no serious or critical violation. The pages are
the navigation's (test_phone_width.py's walk) and the ones reached from them (postcards,
the path editor, the mentor's tabs, reports, the personal password page, an invite).
The Django admin is Django's own and is not walked."""

import io

import pytest
from django.core.management import call_command

from .axe import axe_source, axe_violations
from .conftest import ARTIFACTS
from .test_phone_width import CONSOLE_PAGES, DEMO_PASSWORD, MEMBER_PAGES, STAFF_PAGES

# The console's other tabs and the pages of devices, member data and the app (issues 21-23).
MORE_CONSOLE = [
    ("people", "/organise/people/"),
    ("console-devices", "/organise/devices/"),
]
MEMBER_MORE = [
    ("devices", "/profile/devices/"),
    ("close", "/profile/close/"),
    ("privacy", "/privacy/"),
    ("terms", "/terms/"),
    ("offline", "/offline/"),
]

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MENTOR_TABS = [
    ("students", "/mentor/students/"),
    ("mentor-groups", "/mentor/groups/"),
    ("mentor-report", "/mentor/report/"),
]


@pytest.fixture(scope="module")
def axe():
    return axe_source()


@pytest.fixture
def world(db):
    """The demo, plus a leader with a personal password and a coordinator of a division."""
    from cohort.accounts.models import Division, Group, User
    from cohort.accounts.services.invites import invite_token_create
    from cohort.journeys.models import Milestone, Path

    quiet = io.StringIO()
    call_command("seed_demo", "--members", "25", "--allow-production", stdout=quiet)
    call_command("recompute_analytics", stdout=quiet)
    group = Group.objects.filter(leader__isnull=False).order_by("pk").first()
    leader = group.leader
    leader.set_password(DEMO_PASSWORD)
    leader.save(update_fields=["password"])
    division = Division.objects.create(name="Camino North")
    Group.objects.filter(pk=group.pk).update(division=division)
    coordinator = User.objects.create_user(
        "coordinator@demo.cohort.example",
        "Carmen Coordinator",
        DEMO_PASSWORD,
        role=User.Role.COORDINATOR,
        division=division,
    )
    path = Path.objects.get(is_current=True)
    return {
        "leader": leader.email,
        "coordinator": coordinator.email,
        "invite": f"/join/{invite_token_create(group=group)}/",
        "path": f"/organise/paths/{path.pk}/",
        "milestone": f"/milestones/{Milestone.objects.filter(path=path).first().pk}/",
    }


def _sign_in(page, base, email):
    page.goto(f"{base}/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/")


def _audit(page, base, axe, pages) -> str:
    """The pages' serious and critical violations, as a report ("" when clean)."""
    found = {}
    for name, path in pages:
        response = page.goto(f"{base}{path}")
        assert response.status < 500, f"{path}: {response.status}"
        problems = axe_violations(page, axe)
        if problems:
            found[f"{name} {path}"] = problems
    report = "\n".join(f"{where}:\n  " + "\n  ".join(lines) for where, lines in found.items())
    if report:  # the whole report, where pytest's assertion message would cut it
        ARTIFACTS.mkdir(exist_ok=True)
        with (ARTIFACTS / "axe-violations.txt").open("a", encoding="utf-8") as out:
            out.write(report + "\n")
    return report


def test_signed_out_pages_have_no_serious_violation(live_server, page, axe, world, settings):
    settings.REGISTRATION_OPEN = True  # so that /signup/ is a page to check too
    pages = [
        ("sign-in", "/login/"),
        ("sign-up", "/signup/"),
        ("join", world["invite"]),
        ("not-found", "/no-such-page/"),
    ]
    assert _audit(page, live_server.url, axe, pages) == ""


def test_a_members_pages_have_no_serious_violation(live_server, page, axe, world):
    _sign_in(page, live_server.url, "member1@demo.cohort.example")
    pages = [
        *MEMBER_PAGES,
        ("report", "/report/"),
        ("password", "/profile/password/"),
        ("postcard", world["milestone"]),
        *MEMBER_MORE,
    ]
    assert _audit(page, live_server.url, axe, pages) == ""


def test_a_leaders_group_page_has_no_serious_violation(live_server, page, axe, world):
    _sign_in(page, live_server.url, world["leader"])
    assert _audit(page, live_server.url, axe, [("group", "/group/")]) == ""


def test_a_mentors_pages_have_no_serious_violation(live_server, page, axe, world):
    _sign_in(page, live_server.url, "mentor1@demo.cohort.example")
    pages = [*STAFF_PAGES[:-1], *MENTOR_TABS, ("path", world["path"])]
    assert _audit(page, live_server.url, axe, pages) == ""


def test_a_coordinators_pages_have_no_serious_violation(live_server, page, axe, world):
    _sign_in(page, live_server.url, world["coordinator"])
    pages = [*STAFF_PAGES, *MENTOR_TABS[:2], *CONSOLE_PAGES, *MORE_CONSOLE]
    assert _audit(page, live_server.url, axe, pages) == ""


def test_an_organisers_pages_have_no_serious_violation(live_server, page, axe, world):
    _sign_in(page, live_server.url, "organiser@demo.cohort.example")
    pages = [
        *STAFF_PAGES,
        *MENTOR_TABS[:2],
        ("path", world["path"]),
        *CONSOLE_PAGES,
        *MORE_CONSOLE,
        ("texts", "/organise/texts/terms/"),
    ]
    assert _audit(page, live_server.url, axe, pages) == ""
