"""The organisers' path editor: paths from a route file or an image, details, milestones
(added on the line, moved by a drag, postcards), making one current; coordinators read only."""

import datetime as dt
import struct
import zlib
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cohort.accounts.tests.factories import MemberFactory, StaffFactory
from cohort.core.clock import programme_today
from cohort.journeys.models import Enrollment, Milestone, Path
from cohort.journeys.tests.factories import path_create
from cohort.journeys.tests.routefiles import CAMINO_GPX, gpx

pytestmark = pytest.mark.django_db


def _png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = (b"\x00" + b"\x80\xc0\x80" * width) * height
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def _upload_route(client, content: bytes, name="Camino", filename="route.gpx", **extra):
    data = {
        "route-name": name,
        "route-unit": "km",
        "route-route_file": SimpleUploadedFile(filename, content),
    }
    data.update(extra)
    return client.post("/organise/paths/new/route/", data)


@pytest.fixture
def organiser(client):
    user = StaffFactory()
    client.force_login(user)
    return user


def test_an_organiser_builds_a_path_from_a_gpx_file(client, organiser):
    response = _upload_route(client, CAMINO_GPX.read_bytes())
    path = Path.objects.get(name="Camino")
    assert response.status_code == 302 and response["Location"] == f"/organise/paths/{path.pk}/"
    page = client.get(response["Location"])
    assert page.status_code == 200
    data = page.context["map_data"]
    assert data["kind"] == "geographic" and data["editable"] is True
    assert len(data["milestones"]) == 35
    first = data["milestones"][0]
    assert first["move"] == f"/organise/paths/{path.pk}/milestones/{first['id']}/move/"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"this is not xml", "GPX"),
        (gpx(track=[(42.0, -1.0)]), "point"),
        (b'<?xml version="1.0"?><!DOCTYPE g [<!ENTITY a "aaaa">]><gpx>&a;</gpx>', ""),
    ],
)
def test_a_bad_route_file_is_a_visible_error_and_writes_nothing(
    client, organiser, content, message
):
    response = _upload_route(client, content, name="Kept name")
    assert response.status_code == 422
    page = response.content.decode()
    assert "There is a problem" in page and 'value="Kept name"' in page
    assert message in page
    assert not Path.objects.exists()


def test_an_organiser_builds_an_illustrated_path_from_an_image(client, organiser):
    image = SimpleUploadedFile("shire.png", _png(640, 360), content_type="image/png")
    response = client.post(
        "/organise/paths/new/image/",
        {
            "image-name": "The Shire",
            "image-unit": "mi",
            "image-total_distance": "120",
            "image-image": image,
        },
    )
    path = Path.objects.get(name="The Shire")
    assert response.status_code == 302
    assert (path.kind, path.map_width, path.map_height) == ("illustrated", 640, 360)
    assert list(path.milestones.values_list("name", "distance")) == [
        ("Start", Decimal("0")),
        ("Finish", Decimal("120")),
    ]
    data = client.get(f"/organise/paths/{path.pk}/").context["map_data"]
    assert data["image"] == f"/map/paths/{path.pk}/image/"
    assert client.get(data["image"]).status_code == 200


def test_a_page_renamed_png_is_refused_as_an_image(client, organiser):
    fake = SimpleUploadedFile("map.png", b"<html>not an image</html>", content_type="image/png")
    response = client.post(
        "/organise/paths/new/image/",
        {
            "image-name": "Fake",
            "image-unit": "km",
            "image-total_distance": "10",
            "image-image": fake,
        },
    )
    assert response.status_code == 422
    assert "must be a PNG, JPEG, GIF or WebP image" in response.content.decode()
    assert not Path.objects.exists()


def test_dragging_a_milestone_saves_its_point(client, organiser):
    path = path_create()
    ford = Milestone.objects.get(path=path, name="Ford")
    url = f"/organise/paths/{path.pk}/milestones/{ford.pk}/move/"
    answer = client.post(url, {"x": "250.5", "y": "80"})
    assert answer.status_code == 200 and answer.json()["x"] == 250.5
    ford.refresh_from_db()
    assert (ford.x, ford.y) == (250.5, 80.0)
    refused = client.post(url, {"x": "250", "y": "nowhere"})
    assert refused.status_code == 422 and refused.json() == {"detail": "The y must be a number."}
    outside = client.post(url, {"x": "99999", "y": "1"})
    assert outside.status_code == 422 and "between 0 and 1000" in outside.json()["detail"]


def test_adding_a_milestone_places_it_on_the_line_and_keeps_the_order(client, organiser):
    path = path_create()
    walker = MemberFactory()
    Enrollment.objects.filter(user=walker, path=path).update(notified_order=2)  # told of Inn
    response = client.post(
        f"/organise/paths/{path.pk}/milestones/",
        {"add-name": "Mill", "add-distance": "30", "add-postcard": "Flour in the air."},
    )
    assert response.status_code == 302
    assert list(path.milestones.order_by("order").values_list("name", flat=True)) == [
        "Start",
        "Ford",
        "Mill",
        "Inn",
        "End",
    ]
    mill = Milestone.objects.get(path=path, name="Mill")
    assert (mill.x, mill.y) == pytest.approx((300.0, 100.0))  # 30 km on the line x = 10 d
    assert Enrollment.objects.get(user=walker, path=path).notified_order == 3  # still Inn


def test_a_milestone_beyond_the_finish_is_a_visible_error_keeping_what_was_typed(client, organiser):
    path = path_create()
    response = client.post(
        f"/organise/paths/{path.pk}/milestones/", {"add-name": "Far", "add-distance": "150"}
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "less than 100 km" in page and 'value="Far"' in page


def test_the_guard_refuses_a_path_that_has_not_started(client, organiser):
    path = path_create(current=False, start=programme_today() + dt.timedelta(days=3))
    response = client.post(f"/organise/paths/{path.pk}/current/")
    assert response.status_code == 422
    assert "make it current on that day" in response.content.decode()
    path.start_date = programme_today()
    path.save()
    assert client.post(f"/organise/paths/{path.pk}/current/").status_code == 302
    path.refresh_from_db()
    assert path.is_current


def test_details_dates_and_the_next_path(client, organiser):
    path = path_create()
    back = path_create(name="Way Back", current=False)
    form = {
        "path-name": "Way There", "path-description": "", "path-start_date": "2026-01-10",
        "path-end_date": "2026-01-01", "path-next_path": back.pk,
    }  # fmt: skip
    refused = client.post(f"/organise/paths/{path.pk}/", form)
    assert refused.status_code == 422 and 'value="Way There"' in refused.content.decode()
    form["path-end_date"] = "2026-03-01"
    assert client.post(f"/organise/paths/{path.pk}/", form).status_code == 302
    path.refresh_from_db()
    assert (path.name, path.next_path_id, path.end_date) == (
        "Way There",
        back.pk,
        dt.date(2026, 3, 1),
    )


def test_a_postcard_with_a_photo(client, organiser, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    path = path_create()
    ford = Milestone.objects.get(path=path, name="Ford")
    photo = SimpleUploadedFile("ford.png", _png(20, 10), content_type="image/png")
    response = client.post(
        f"/organise/paths/{path.pk}/milestones/{ford.pk}/",
        {
            f"m{ford.pk}-name": "The Ford",
            f"m{ford.pk}-postcard": "Cold water.",
            f"m{ford.pk}-photo": photo,
        },
    )
    assert response.status_code == 302
    ford.refresh_from_db()
    assert (ford.name, ford.postcard) == ("The Ford", "Cold water.") and ford.postcard_photo


def test_coordinators_see_but_do_not_edit(client):
    path = path_create()
    ford = Milestone.objects.get(path=path, name="Ford")
    client.force_login(StaffFactory(role="coordinator"))
    assert client.get("/organise/paths/").status_code == 200
    page = client.get(f"/organise/paths/{path.pk}/")
    assert page.status_code == 200 and page.context["map_data"]["editable"] is False
    assert "<form" not in page.content.decode().split("</header>")[1]
    assert _upload_route(client, CAMINO_GPX.read_bytes()).status_code == 403
    move = client.post(f"/organise/paths/{path.pk}/milestones/{ford.pk}/move/", {"x": 1, "y": 1})
    assert move.status_code == 403 and "organisers" in move.json()["detail"]
    assert client.post(f"/organise/paths/{path.pk}/current/").status_code == 403


def test_members_do_not_see_the_editor(client):
    path = path_create()
    client.force_login(MemberFactory())
    assert client.get("/organise/paths/").status_code == 403
    assert client.get(f"/organise/paths/{path.pk}/").status_code == 403


def test_a_drag_without_the_csrf_token_is_refused(organiser):
    from django.test import Client

    path = path_create()
    ford = Milestone.objects.get(path=path, name="Ford")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(organiser)
    url = f"/organise/paths/{path.pk}/milestones/{ford.pk}/move/"
    assert browser.post(url, {"x": "1", "y": "1"}).status_code == 403
    browser.get(f"/organise/paths/{path.pk}/")  # sets the CSRF cookie, as the page does
    token = browser.cookies["csrftoken"].value
    assert browser.post(url, {"x": "1", "y": "1"}, HTTP_X_CSRFTOKEN=token).status_code == 200


def test_a_postcard_photo_that_is_not_an_image_is_a_visible_error(client, organiser):
    path = path_create()
    ford = Milestone.objects.get(path=path, name="Ford")
    fake = SimpleUploadedFile("ford.png", b"#!/bin/sh\necho hi\n", content_type="image/png")
    response = client.post(
        f"/organise/paths/{path.pk}/milestones/{ford.pk}/",
        {f"m{ford.pk}-name": "Ford", f"m{ford.pk}-postcard": "Typed", f"m{ford.pk}-photo": fake},
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "must be a PNG, JPEG, GIF or WebP image" in page and "Typed</textarea>" in page
    ford.refresh_from_db()
    assert not ford.postcard_photo and ford.postcard == ""
