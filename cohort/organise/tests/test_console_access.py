"""Who opens the console and who changes things in it: organisers everything, coordinators
read (their division) and assign mentors in it, everyone else 403 (anonymous: sign in)."""

import pytest

pytestmark = pytest.mark.django_db

PAGES = [
    "/organise/",
    "/organise/seasons/",
    "/organise/mentors/",
    "/organise/audit/",
    "/organise/audit/export.csv",
    "/organise/analytics/",
]


def _role_user(console, role):
    return {
        "organiser": console.organiser,
        "coordinator": console.coordinator,
        "mentor": console.programme.mentor,
        "leader": console.leader,
        "member": console.programme.students[0],
    }[role]


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize(
    ("role", "status"),
    [("organiser", 200), ("coordinator", 200), ("mentor", 403), ("leader", 403), ("member", 403)],
)
def test_pages_open_to_organisers_and_coordinators_only(console, as_user, url, role, status):
    assert as_user(_role_user(console, role)).get(url).status_code == status


@pytest.mark.parametrize("url", PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client, console, url):
    response = client.get(url)
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/organise/jobs/prune-old-records/run/", {}),
        ("/organise/seasons/", {"next-starts_on": "2099-01-01"}),
        ("/organise/seasons/{season}/dates/", {}),
        ("/organise/seasons/{season}/activate/", {"confirmed": "yes"}),
    ],
)
@pytest.mark.parametrize("role", ["coordinator", "mentor", "leader", "member"])
def test_only_organisers_run_jobs_and_change_seasons(console, as_user, url, data, role):
    url = url.format(season=console.programme.season.pk)
    response = as_user(_role_user(console, role)).post(url, data)
    assert response.status_code == 403


def test_the_coordinator_sees_no_run_now_nor_season_forms(console, as_user):
    client = as_user(console.coordinator)
    assert b"Run now" not in client.get("/organise/").content
    page = client.get("/organise/seasons/").content
    assert b"Create the season" not in page and b"Save dates" not in page


def test_the_organiser_sees_them(console, as_user):
    client = as_user(console.organiser)
    assert b"Run now" in client.get("/organise/").content
    assert b"Create the season" in client.get("/organise/seasons/").content


def test_the_main_navigation_offers_the_console_to_organisers_and_coordinators(console, as_user):
    for user, offered in [
        (console.organiser, True),
        (console.coordinator, True),
        (console.programme.mentor, False),
        (console.programme.students[0], False),
    ]:
        body = as_user(user).get("/").content.decode()
        assert ('href="/organise/"' in body) is offered, user.role


def test_every_console_page_has_the_sub_navigation(console, as_user):
    client = as_user(console.organiser)
    for url in [*PAGES[:4], PAGES[5], "/organise/paths/"]:
        body = client.get(url).content.decode()
        assert 'aria-label="Console"' in body, url
        for href in ["/organise/people/", "/organise/devices/", "/organise/paths/"]:
            assert f'href="{href}"' in body, (url, href)


def _current_tab(body: str) -> str:
    nav = body.split('aria-label="Console"', 1)[1].split("</nav>", 1)[0]
    return nav.split('aria-current="page">', 1)[1].split("<", 1)[0]


def test_the_import_pages_show_the_console_with_people_current(console, as_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = as_user(console.organiser)
    upload = SimpleUploadedFile("m.csv", b"email,name,group\nnew@example.com,New,Newts\n")
    body = client.post(
        "/organise/people/import/", {"file": upload, "create_groups": "on"}
    ).content.decode()
    assert _current_tab(body) == "People"
    body = client.post("/organise/people/groups/", {"names": "Herons"}).content.decode()
    assert _current_tab(body) == "People"


@pytest.mark.parametrize("key", ["privacy", "terms"])
def test_the_text_pages_have_their_heading_first_and_their_own_help(console, as_user, key):
    body = as_user(console.organiser).get(f"/organise/texts/{key}/").content.decode()
    assert body.index("<h1") < body.index('aria-label="Console"')
    assert _current_tab(body) == "Privacy and terms"
    assert ("no terms to accept" in body) is (key == "terms")
