"""The Leaflet map and the organisers' path editor, in Chromium against a local tile server
(PNG tiles made with zlib and struct, served from 127.0.0.1; MAP_TILE_URL points at it).

The organiser builds a path from a GPX file in the editor, drags a milestone and makes the
path current; a member sees their marker, expands a group of overlapping markers and opens
a postcard; the same at 390 px. Screenshots at 390 and 1280 px as organiser, coordinator
and member go to /tmp/shots-maps2/."""

import copy
import datetime as dt
import re
import struct
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from playwright.sync_api import expect

from cohort.accounts.tests.factories import (
    GROUP_PASSWORD,
    STAFF_PASSWORD,
    DivisionFactory,
    GroupFactory,
    MemberFactory,
    StaffFactory,
)
from cohort.activity.services.daily import activity_log
from cohort.core.clock import user_today
from cohort.journeys.models import Milestone
from cohort.journeys.models import Path as WalkPath
from cohort.journeys.tests.routefiles import CAMINO_GPX

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/shots-maps2")  # noqa: S108 - the brief's folder for screenshots


def _png(colour: tuple[int, int, int], size: int = 256) -> bytes:
    """A square PNG of one colour with a darker grid line, built by hand (no imaging library)."""
    line = bytes(c // 2 for c in colour)
    row = b"\x00" + line * 2 + bytes(colour) * (size - 2)
    rows = (b"\x00" + line * size) * 2 + row * (size - 2)

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return b"".join(
        (
            b"\x89PNG\r\n\x1a\n",
            chunk(b"IHDR", header),
            chunk(b"IDAT", zlib.compress(rows)),
            chunk(b"IEND", b""),
        )
    )


TILES = [_png((196, 224, 180)), _png((214, 232, 200)), _png((180, 210, 228))]


class _TileHandler(BaseHTTPRequestHandler):
    served: list[str] = []

    def do_GET(self):  # noqa: N802 - http.server's name
        found = re.fullmatch(r"/(\d+)/(\d+)/(\d+)\.png", self.path)
        if not found:
            self.send_error(404)
            return
        z, x, y = (int(n) for n in found.groups())
        body = TILES[(x + y) % len(TILES)]
        _TileHandler.served.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def tile_server(settings):
    """A tile server on 127.0.0.1; the map's MAP_TILE_URL and the CSP's img-src name it."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _TileHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    settings.MAP_TILE_URL = origin + "/{z}/{x}/{y}.png"
    policy = copy.deepcopy(django_settings.CONTENT_SECURITY_POLICY)
    sources = policy["DIRECTIVES"]["img-src"]
    policy["DIRECTIVES"]["img-src"] = [s for s in sources if s.startswith(("'", "data:"))]
    policy["DIRECTIVES"]["img-src"].append(origin)
    settings.CONTENT_SECURITY_POLICY = policy
    _TileHandler.served = []
    yield _TileHandler
    server.shutdown()
    server.server_close()


def _sign_in(page, base, email, password):
    page.goto(f"{base}/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/")


def _shots(page, name: str, *, reload: bool = False) -> None:
    """Screenshots at 390 and 1280 px; `reload`: a map page loaded afresh at each width, as
    a phone would (the labels and the fit depend on the width at load)."""
    SHOTS.mkdir(exist_ok=True)
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        if reload:
            page.reload()
            page.locator(".leaflet-marker-icon").first.wait_for()
        page.wait_for_timeout(400)  # tiles and Leaflet's redraw
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 800})


def _camino(current: bool = True) -> WalkPath:
    from cohort.core.clock import programme_today
    from cohort.journeys.services import path_cache_clear, path_import

    with CAMINO_GPX.open("rb") as source:
        path = path_import(
            source=source, name="Camino", start_date=programme_today() - dt.timedelta(days=9)
        )
    path.is_current = current
    path.save()
    path_cache_clear()
    return path


def test_a_member_sees_their_marker_expands_a_group_and_opens_a_postcard(
    live_server, page, tile_server
):
    path = _camino()
    start = Milestone.objects.get(path=path, order=0)
    start.postcard = "Bells ring over the Pyrenees as the pilgrims set off."
    start.save()
    from cohort.journeys.services import path_cache_clear

    path_cache_clear()
    group = GroupFactory()
    names = ["Ann Lee", "Bob Marsh", "Cy Twombly", "Di Prince", "Ed Stone"]
    members = [
        MemberFactory(group=group, email=f"m{n}@example.com", display_name=name)
        for n, name in enumerate(names)
    ]
    today = user_today(members[4])
    for days_ago in range(3):  # Ed walks on, well ahead of the others
        activity_log(user=members[4], day=today - dt.timedelta(days=days_ago), steps=90_000)
    base = live_server.url

    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 800})
        _sign_in(page, base, "m0@example.com", GROUP_PASSWORD)
        page.goto(f"{base}/map/")
        expect(page.locator(".leaflet-tile-loaded").first).to_be_attached()
        # The start's postcard in its milestone's popup, and its page from there.
        page.get_by_title("Saint-Jean-Pied-de-Port", exact=True).click()
        popup = page.locator(".leaflet-popup")
        expect(popup).to_contain_text("Bells ring over the Pyrenees")
        # Followed by its address: a click can land as the popup pans the map into view.
        link = popup.get_by_role("link", name="Open the postcard")
        page.goto(base + link.get_attribute("href"))
        expect(page.get_by_role("heading", name=re.compile("Postcard from"))).to_be_visible()
        page.goto(f"{base}/map/")
        # Four walk at the start together: one group, the viewer's (highlighted).
        group_icon = page.locator(".walker-group.me")
        expect(group_icon).to_have_text("4")
        group_icon.click()
        expect(page.get_by_role("status")).to_contain_text("4 walkers here: Ann Lee (you)")
        me = page.locator(".walker.me")
        expect(me).to_be_visible()
        expect(me).to_have_text("AL")
        expect(page.locator(".walker", has_text="ES")).to_be_visible()
        if width == 1280:
            _shots(page, "map-member", reload=True)
        page.context.clear_cookies()
    assert tile_server.served


def _centre(target) -> tuple[float, float]:
    box = target.bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def _drag(page, target, dx: int, dy: int) -> None:
    """Zoom in around the pin (its neighbours crowd it at a phone's width), then drag it."""
    target.scroll_into_view_if_needed()
    page.mouse.move(*_centre(target))
    page.mouse.wheel(0, -180)  # Leaflet: 60 px a zoom level, about the pointer
    page.wait_for_timeout(800)
    x, y = _centre(target)
    page.mouse.move(x, y)
    page.mouse.down()
    for step in range(1, 6):
        page.mouse.move(x + dx * step / 5, y + dy * step / 5)
    page.mouse.up()


@pytest.mark.parametrize("width", [1280, 390])
def test_an_organiser_builds_a_path_from_a_gpx_drags_a_milestone_and_makes_it_current(
    live_server, page, tile_server, width
):
    old = _camino()
    group = GroupFactory()
    for name in ["Ann Lee", "Bob Marsh", "Cy Twombly"]:
        MemberFactory(group=group, display_name=name)
    StaffFactory(email="boss@example.com", display_name="Olga Organiser")
    base = live_server.url
    page.set_viewport_size({"width": width, "height": 900})
    _sign_in(page, base, "boss@example.com", STAFF_PASSWORD)
    page.get_by_role("link", name="Organise").click()  # the console, then its Paths
    page.get_by_role("navigation", name="Console").get_by_role("link", name="Paths").click()
    expect(page.get_by_role("heading", name="Paths", level=1)).to_be_visible()

    new = page.get_by_role("region", name="A path from a route file")
    new.get_by_label("Name").fill("Camino again")
    new.get_by_label("GPX or GeoJSON file").set_input_files(str(CAMINO_GPX))
    new.get_by_role("button", name="Create the path").click()
    expect(page.get_by_role("heading", name="Camino again", level=1)).to_be_visible()
    expect(page.get_by_role("status").first).to_contain_text("is ready")
    path = WalkPath.objects.get(name="Camino again")
    expect(page.locator(".leaflet-tile-loaded").first).to_be_attached()
    expect(page.locator(".route-line")).to_be_attached()
    if width == 1280:
        _shots(page, "editor-organiser", reload=True)

    pin = page.get_by_role("button", name="Roncesvalles")
    before = Milestone.objects.get(path=path, name="Roncesvalles")
    _drag(page, pin, 60, 40)
    expect(page.locator("#map-status")).to_have_text("Roncesvalles moved.")
    after = Milestone.objects.get(pk=before.pk)
    assert (after.lat, after.lon) != (before.lat, before.lon)
    assert after.lat < before.lat and after.lon > before.lon  # down and to the right

    page.get_by_role("button", name="Make this the current path").click()
    expect(page.get_by_text("Camino again is now the current path")).to_be_visible()
    assert WalkPath.objects.get(pk=path.pk).is_current
    assert not WalkPath.objects.get(pk=old.pk).is_current
    page.goto(f"{base}/map/?group={group.pk}")
    expect(page.get_by_role("heading", name="Camino again", level=1)).to_be_visible()
    expect(page.locator(".walker-group, .walker").first).to_be_visible()
    if width == 1280:
        _shots(page, "map-organiser", reload=True)


def test_a_bad_route_file_in_the_editor_is_a_visible_focused_error(live_server, page, tmp_path):
    StaffFactory(email="boss@example.com")
    bad = tmp_path / "notes.gpx"
    bad.write_text("these are my notes, not a route")
    base = live_server.url
    _sign_in(page, base, "boss@example.com", STAFF_PASSWORD)
    page.goto(f"{base}/organise/paths/")
    new = page.get_by_role("region", name="A path from a route file")
    new.get_by_label("Name").fill("Notes")
    new.get_by_label("GPX or GeoJSON file").set_input_files(str(bad))
    new.get_by_role("button", name="Create the path").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_be_focused()
    expect(page.get_by_label("Name").first).to_have_value("Notes")
    _shots(page, "editor-bad-file")


def test_a_coordinator_sees_the_paths_and_the_map_without_forms(live_server, page, tile_server):
    path = _camino()
    division = DivisionFactory()
    group = GroupFactory(division=division)
    MemberFactory(group=group, display_name="Ann Lee")
    StaffFactory(email="coord@example.com", role="coordinator", division=division)
    base = live_server.url
    _sign_in(page, base, "coord@example.com", STAFF_PASSWORD)
    page.goto(f"{base}/organise/paths/")
    expect(page.get_by_role("link", name="Camino")).to_be_visible()
    expect(page.get_by_role("button", name="Create the path")).to_have_count(0)
    _shots(page, "paths-coordinator")
    page.goto(f"{base}/organise/paths/{path.pk}/")
    expect(page.locator(".leaflet-tile-loaded").first).to_be_attached()
    expect(page.locator(".leaflet-marker-draggable")).to_have_count(0)
    _shots(page, "editor-coordinator", reload=True)
    page.goto(f"{base}/map/?group={group.pk}")
    expect(page.locator(".walker, .walker-group").first).to_be_visible()
    _shots(page, "map-coordinator", reload=True)


def _landscape_png(width: int = 800, height: int = 500) -> bytes:
    """A drawn map: a lake in a meadow (no imaging library)."""

    def pixel(x: int, y: int) -> bytes:
        inside = ((x - width / 2) / 220) ** 2 + ((y - height / 2) / 130) ** 2 < 1
        return bytes((90, 150, 220) if inside else (150, 200, 120))

    rows = b"".join(b"\x00" + b"".join(pixel(x, y) for x in range(width)) for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"".join(
        (b"\x89PNG\r\n\x1a\n", chunk(b"IHDR", header), chunk(b"IDAT", zlib.compress(rows)),
         chunk(b"IEND", b""))
    )  # fmt: skip


def test_an_organiser_builds_an_illustrated_path_from_an_image(
    live_server, page, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    image = tmp_path / "lake.png"
    image.write_bytes(_landscape_png())
    StaffFactory(email="boss@example.com")
    base = live_server.url
    _sign_in(page, base, "boss@example.com", STAFF_PASSWORD)
    page.goto(f"{base}/organise/paths/")
    new = page.get_by_role("region", name="An illustrated path from an image")
    new.get_by_label("Name").fill("Lake Loop")
    new.get_by_label("Length").fill("42")
    new.get_by_label("Map image").set_input_files(str(image))
    new.get_by_role("button", name="Create the path").click()
    expect(page.get_by_role("heading", name="Lake Loop", level=1)).to_be_visible()
    overlay = page.locator("img.leaflet-image-layer")
    expect(overlay).to_be_visible()
    path = WalkPath.objects.get(name="Lake Loop")
    assert page.request.get(f"{base}/map/paths/{path.pk}/image/").status == 200
    page.wait_for_function("document.querySelector('img.leaflet-image-layer').naturalWidth > 0")
    assert overlay.evaluate("img => img.naturalWidth") == 800
    finish = Milestone.objects.get(path=path, name="Finish")
    line = page.locator("path.route-line")
    _drag(page, page.get_by_role("button", name="Finish"), -100, -60)
    expect(page.locator("#map-status")).to_have_text("Finish moved.")
    # The line runs through the milestones: drawn again, it follows the Finish.
    finish_at = page.get_by_role("button", name="Finish").bounding_box()
    end_x = finish_at["x"] + finish_at["width"] / 2
    page.wait_for_function(
        "x => { const r = document.querySelector('path.route-line').getBoundingClientRect();"
        " return Math.abs(r.right - x) < 4; }",
        arg=end_x,
    )
    expect(line).to_have_count(1)
    moved = Milestone.objects.get(pk=finish.pk)
    assert moved.x < finish.x and moved.y < finish.y  # left and up in the image's pixels
    _shots(page, "editor-illustrated-organiser")


def test_with_tiles_unreachable_the_map_still_draws_on_a_plain_background(
    live_server, page, settings
):
    settings.MAP_TILE_URL = "http://127.0.0.1:9/{z}/{x}/{y}.png"  # the discard port: refused
    _camino()
    group = GroupFactory()
    MemberFactory(group=group, email="ann@example.com", display_name="Ann Lee")
    MemberFactory(group=group, display_name="Bob Marsh")
    base = live_server.url
    _sign_in(page, base, "ann@example.com", GROUP_PASSWORD)
    page.goto(f"{base}/map/")
    expect(page.locator("path.route-line")).to_be_attached()
    expect(page.locator(".walker-group.me")).to_have_text("2")
    expect(page.get_by_title("Santiago de Compostela", exact=True)).to_be_visible()
    expect(page.locator(".leaflet-tile-loaded")).to_have_count(0)
    _shots(page, "map-member-offline", reload=True)


def test_markers_and_groups_have_names_for_screen_readers(live_server, page):
    _camino()
    group = GroupFactory()
    MemberFactory(group=group, email="ann@example.com", display_name="Ann Lee")
    MemberFactory(group=group, display_name="Bob Marsh")
    base = live_server.url
    _sign_in(page, base, "ann@example.com", GROUP_PASSWORD)
    page.goto(f"{base}/map/")
    cluster = page.get_by_role("button", name="2 walkers here, you among them: show them")
    cluster.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Ann Lee (you), 0.00 km")).to_be_visible()
    expect(page.get_by_role("button", name="Bob Marsh, 0.00 km")).to_be_visible()
