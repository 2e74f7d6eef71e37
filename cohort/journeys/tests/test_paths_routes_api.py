"""POST /api/v1/paths, GET /api/v1/paths/{id}, /route and /positions on a geographic path."""

import json

import pytest
import shapely
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cohort.accounts.models import User
from cohort.accounts.tests.factories import GroupFactory, MemberFactory, StaffFactory
from cohort.journeys.models import Milestone, Path, PathRoute
from cohort.journeys.services import (
    enrollment_apply_steps,
    path_cache_clear,
    path_make_current,
)
from cohort.journeys.tests.factories import path_create
from cohort.journeys.tests.routefiles import BAD_FILES, CAMINO_GPX, EQUATOR_TRACK, gpx

pytestmark = pytest.mark.django_db

URL = "/api/v1/paths"


def _upload(data: bytes, name: str = "route.gpx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/gpx+xml")


def _post(client, data: bytes, **fields):
    return client.post(URL, {"name": "Equator Walk", "unit": "km", "gpx": _upload(data), **fields})


def _camino(client) -> dict:
    response = _post(client, CAMINO_GPX.read_bytes(), name="Camino")
    assert response.status_code == 201, response.content
    return response.json()


@pytest.fixture
def organiser(client):
    client.force_login(StaffFactory())
    return client


@pytest.mark.parametrize("role", [User.Role.MEMBER, User.Role.MENTOR, User.Role.COORDINATOR])
def test_only_organisers_create_paths(client, role):
    user = MemberFactory() if role == User.Role.MEMBER else StaffFactory(role=role)
    client.force_login(user)
    response = _post(client, gpx(track=EQUATOR_TRACK))
    assert response.status_code == 403
    assert response.json() == {"detail": "Only organisers create and edit paths."}
    assert not Path.objects.exists()


def test_an_organiser_creates_a_geographic_path_from_a_gpx_file(organiser):
    body = _camino(organiser)
    assert (body["name"], body["kind"], body["unit"]) == ("Camino", "geographic", "km")
    assert 660 < body["total_distance"] < 680
    first, last = body["milestones"][0], body["milestones"][-1]
    assert first["name"] == "Saint-Jean-Pied-de-Port" and first["distance"] == 0
    assert (first["lat"], first["lon"], first["x"], first["y"]) == (43.1633, -1.2375, None, None)
    assert (last["name"], last["distance"]) == ("Santiago de Compostela", body["total_distance"])


def test_every_n_units_from_the_api(organiser):
    response = _post(organiser, gpx(track=EQUATOR_TRACK), every="15", unit="miles")
    assert response.status_code == 201
    assert [m["name"] for m in response.json()["milestones"]] == ["Start", "15 mi", "Finish"]


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_a_bad_file_is_a_422_and_writes_nothing(organiser, case):
    data, words = BAD_FILES[case]
    response = _post(organiser, data)
    assert response.status_code == 422
    assert words in response.json()["detail"]
    assert not Path.objects.exists() and not PathRoute.objects.exists()
    assert not Milestone.objects.exists()


def test_a_file_over_the_limit_is_a_413_and_writes_nothing(organiser, settings):
    settings.PATH_FILE_MAX_BYTES = 2048
    response = _post(organiser, CAMINO_GPX.read_bytes())
    assert response.status_code == 413
    assert response.json() == {"detail": "The file is too large; the limit is 0.00195312 MB."}
    assert not Path.objects.exists()


@pytest.mark.parametrize(
    ("fields", "detail"),
    [
        ({"name": "  "}, "Give the path a name"),
        ({"unit": "furlongs"}, "The unit is km, or mi"),
        ({"every": "-1"}, "(every) must be a positive number"),
        ({"every": "nan"}, "(every) must be a positive number"),
        ({"gpx": ""}, "Attach the route file"),
    ],
)
def test_bad_fields_are_a_422(organiser, fields, detail):
    response = _post(organiser, gpx(track=EQUATOR_TRACK), **fields)
    assert response.status_code == 422
    assert detail in str(response.json()["detail"])
    assert not Path.objects.exists()


def test_the_route_is_a_geojson_line(organiser):
    path_id = _camino(organiser)["id"]
    body = organiser.get(f"{URL}/{path_id}/route").json()
    assert body["type"] == "Feature" and body["properties"]["kind"] == "geographic"
    assert body["geometry"]["type"] == "LineString"
    assert body["geometry"]["coordinates"][0] == [-1.2375, 43.1633]
    assert len(body["geometry"]["coordinates"]) > 90


def test_an_illustrated_path_gives_x_y_and_its_line_through_the_milestones(client):
    path = path_create()
    client.force_login(MemberFactory())
    body = client.get(f"{URL}/{path.pk}").json()
    assert body["kind"] == "illustrated"
    assert (body["milestones"][1]["x"], body["milestones"][1]["lat"]) == (100.0, None)
    route = client.get(f"{URL}/{path.pk}/route").json()
    assert route["geometry"]["coordinates"] == [[0, 100], [100, 100], [500, 100], [1000, 100]]


def test_members_see_the_current_chain_and_their_own_paths_only(client, organiser):
    current = path_create()
    other_id = _camino(organiser)["id"]
    member = MemberFactory()
    client.force_login(member)
    assert client.get(f"{URL}/{current.pk}").status_code == 200
    for suffix in ("", "/route", "/positions"):
        response = client.get(f"{URL}/{other_id}{suffix}")
        assert response.status_code == 404, suffix
        assert response.json() == {"detail": "No such path."}
    mentor = StaffFactory(role=User.Role.MENTOR)
    client.force_login(mentor)
    assert client.get(f"{URL}/{other_id}").status_code == 200


def test_positions_on_a_geographic_path_lie_on_the_line(client, organiser):
    path_id = _camino(organiser)["id"]
    path = Path.objects.get(pk=path_id)
    path.start_date = path.start_date.replace(year=path.start_date.year - 1)
    path.save()
    path_make_current(path=path)
    path_cache_clear()  # on commit, which the test's transaction never reaches
    group = GroupFactory()
    walkers = MemberFactory.create_batch(3, group=group)
    for n, member in enumerate(walkers):
        steps = [0, 123_456, 1_000_000][n]  # 0 km, 94.1 km, past the finish
        if steps:
            enrollment_apply_steps(user_id=member.pk, day=path.start_date, delta_steps=steps)
    client.force_login(walkers[1])
    positions = client.get(f"{URL}/{path_id}/positions").json()
    line = shapely.LineString(
        client.get(f"{URL}/{path_id}/route").json()["geometry"]["coordinates"]
    )
    by_user = {p["user_id"]: p for p in positions}
    for p in positions:
        assert line.distance(shapely.Point(p["lon"], p["lat"])) < 1e-6
    assert (by_user[walkers[0].pk]["lat"], by_user[walkers[0].pk]["lon"]) == (43.1633, -1.2375)
    assert (by_user[walkers[2].pk]["lat"], by_user[walkers[2].pk]["lon"]) == (42.8806, -8.5447)
    middle = by_user[walkers[1].pk]
    towns = {m["name"]: m for m in client.get(f"{URL}/{path_id}").json()["milestones"]}
    behind, ahead = towns[middle["milestone"]], towns[middle["next_milestone"]]
    assert behind["distance"] <= middle["distance"] < ahead["distance"]
    assert ahead["lon"] < middle["lon"] <= behind["lon"]  # westwards, between the two towns


@pytest.mark.parametrize("size", [2, 20])
def test_positions_on_a_geographic_path_cost_the_same_for_2_or_20(
    client, organiser, size, settings
):
    path_id = _camino(organiser)["id"]
    group = GroupFactory()
    members = MemberFactory.create_batch(size, group=group)
    client.force_login(StaffFactory())
    client.get(f"{URL}/{path_id}/positions?group={group.pk}")  # warms the path's cache
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"{URL}/{path_id}/positions?group={group.pk}")
    assert response.status_code == 200 and len(response.json()) == len(members)
    # user, the group, members, enrollments (the path and its line come from the cache);
    # and the session when it lives in the database
    assert len(queries) == 4 + settings.SESSION_ENGINE.endswith(".db")


def test_an_edit_to_a_path_that_is_not_current_shows_at_once(organiser):
    path_id = _camino(organiser)["id"]
    assert organiser.get(f"{URL}/{path_id}").json()["name"] == "Camino"  # cached now
    Path.objects.filter(pk=path_id).update(name="Camino Francés")
    path_cache_clear()  # as the admin does after any edit
    assert organiser.get(f"{URL}/{path_id}").json()["name"] == "Camino Francés"


def _peak_memory_of_upload(client, size: int):
    """The request's answer and the most memory Python held while handling it."""
    import tracemalloc

    from django.test import RequestFactory
    from django.test.client import ClientHandler

    request = RequestFactory().post(
        URL, {"name": "Huge", "unit": "km", "gpx": _upload(b" " * size)}
    )
    environ = {**request.environ, "HTTP_COOKIE": client.cookies.output(header="", sep=";")}
    tracemalloc.start()
    try:
        response = ClientHandler(enforce_csrf_checks=False)(environ)
        return response, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_50_mb_upload_is_a_413_without_being_held_in_memory(organiser):
    """Django streams an upload past FILE_UPLOAD_MAX_MEMORY_SIZE to a temporary file, and
    the service refuses it by its size: the request never holds it in memory."""
    _peak_memory_of_upload(organiser, 10)  # the first request in a process imports things
    small, small_peak = _peak_memory_of_upload(organiser, 10)
    huge, huge_peak = _peak_memory_of_upload(organiser, 50 * 1024 * 1024)
    assert small.status_code == 422
    assert huge.status_code == 413, huge.content[:500]
    assert "too large; the limit is 10 MB" in json.loads(huge.content)["detail"]
    assert huge_peak - small_peak < 4 * 1024 * 1024
    assert not Path.objects.exists()
