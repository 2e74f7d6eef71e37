"""A walker passes a milestone: its notification carries the postcard and opens the
postcard page (text and photo); the map lists the postcards reached, never one ahead.
Screenshots at 390 and 1280 px, as the member and as an organiser, in /tmp/shots-misc/."""

import struct
import zlib
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from playwright.sync_api import expect

from cohort.accounts.tests.factories import (
    GROUP_PASSWORD,
    STAFF_PASSWORD,
    MemberFactory,
    StaffFactory,
)
from cohort.journeys.models import Milestone
from cohort.journeys.services import path_cache_clear
from cohort.journeys.tests.factories import path_create

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/shots-misc")  # noqa: S108 - the brief's folder for screenshots
FORD = "Cold water up to the knees, and a heron watching from the far bank."


def _png(width: int = 480, height: int = 240) -> bytes:
    """A small landscape (sky over a green field), built by hand: no imaging library."""
    rows = b"".join(
        b"\x00" + bytes((110, 170, 230) if y < height * 0.6 else (70, 150, 70)) * width
        for y in range(height)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def _sign_in(page, base, email, password):
    page.goto(f"{base}/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/")


def _shots(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 800})


def test_a_walker_reads_the_postcard_of_the_milestone_reached(
    live_server, page, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    path = path_create()
    ford = Milestone.objects.get(path=path, name="Ford")
    ford.postcard = FORD
    ford.postcard_photo.save("ford.png", ContentFile(_png()), save=False)
    ford.save()
    inn = Milestone.objects.get(path=path, name="Inn")
    Milestone.objects.filter(pk=inn.pk).update(postcard="Soup, bread and a fire.")
    path_cache_clear()
    MemberFactory(email="walker@example.com", display_name="Wanda Walker")
    base = live_server.url

    _sign_in(page, base, "walker@example.com", GROUP_PASSWORD)
    page.goto(f"{base}/activity/")
    page.get_by_label("Steps").fill("1500")  # past Ford (10 km), not Inn (50)
    page.get_by_role("button", name="Save").click()

    page.goto(f"{base}/notifications/")
    notice = page.get_by_role("link", name="You reached Ford on Test Way!")
    expect(notice).to_contain_text(FORD)
    notice.click()
    page.wait_for_url(f"{base}/milestones/{ford.pk}/")
    expect(page.get_by_role("heading", name="Postcard from Ford")).to_be_visible()
    expect(page.get_by_text(FORD)).to_be_visible()
    photo = page.get_by_role("img", name="The postcard photo from Ford")
    expect(photo).to_be_visible()
    assert photo.evaluate("img => img.naturalWidth") == 480
    _shots(page, "postcard-member")

    page.goto(f"{base}/map/")
    postcards = page.get_by_role("region", name="Postcards")
    expect(postcards.get_by_role("link", name="Ford")).to_be_visible()
    expect(postcards).to_contain_text(FORD)
    expect(postcards).not_to_contain_text("Soup, bread and a fire.")
    _shots(page, "map-member")

    ahead = page.goto(f"{base}/milestones/{inn.pk}/")  # no spoilers, even by guessing
    assert ahead.status == 404
    assert page.request.get(f"{base}/milestones/{inn.pk}/photo/").status == 404

    page.context.clear_cookies()
    StaffFactory(email="boss@example.com")
    _sign_in(page, base, "boss@example.com", STAFF_PASSWORD)
    page.goto(f"{base}/map/")
    expect(page.get_by_role("region", name="Postcards")).to_contain_text("Soup, bread")
    _shots(page, "map-organiser")
    page.goto(f"{base}/milestones/{inn.pk}/")
    expect(page.get_by_role("heading", name="Postcard from Inn")).to_be_visible()
    _shots(page, "postcard-organiser")
