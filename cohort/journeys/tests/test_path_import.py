"""path_import and `manage.py import_path`: lengths, milestones, and bad files."""

import io
import json
from decimal import Decimal
from io import StringIO

import pytest
import shapely
from django.core.management import CommandError, call_command
from geographiclib.geodesic import Geodesic

from cohort.core.exceptions import InvalidInput, TooLarge
from cohort.journeys.models import Milestone, Path, PathRoute
from cohort.journeys.selectors import path_get, path_route_get
from cohort.journeys.services import path_import
from cohort.journeys.tests.routefiles import BAD_FILES, CAMINO_GPX, EQUATOR_TRACK, gpx

pytestmark = pytest.mark.django_db


def _import(data: bytes, **options) -> Path:
    return path_import(source=io.BytesIO(data), name=options.pop("name", "Test"), **options)


def _karney_length_m(points) -> float:
    """The line's length by geographiclib (Karney's algorithm, another implementation than
    PROJ's that pyproj calls)."""
    return sum(
        Geodesic.WGS84.Inverse(lat1, lon1, lat2, lon2)["s12"]
        for (lon1, lat1), (lon2, lat2) in zip(points, points[1:], strict=False)
    )


def _camino_points():
    import gpxpy

    track = gpxpy.parse(CAMINO_GPX.read_text(encoding="utf-8"))
    return [(p.longitude, p.latitude) for p in track.tracks[0].segments[0].points]


def test_the_camino_is_its_geodesic_length_within_half_a_percent():
    with CAMINO_GPX.open("rb") as source:
        path = path_import(source=source, name="Camino")
    expected_km = _karney_length_m(_camino_points()) / 1000
    assert abs(float(path.total_distance) - expected_km) / expected_km < 0.005
    assert 660 < expected_km < 680  # straight lines between 103 towns and villages
    assert (path.kind, path.unit, path.is_current) == ("geographic", "km", False)


def test_the_length_is_reported_in_miles_when_asked():
    with CAMINO_GPX.open("rb") as source:
        km = path_import(source=source, name="Camino km").total_distance
    with CAMINO_GPX.open("rb") as source:
        miles = path_import(source=source, name="Camino mi", unit="mi").total_distance
    assert abs(float(miles) * 1.609344 - float(km)) < 0.02
    assert Path.objects.get(name="Camino mi").steps_per_unit == 2112


def test_waypoints_become_milestones_at_their_distance_along_the_track():
    # Waypoints a little off the line: each lands at its nearest point of it.
    data = gpx(
        track=EQUATOR_TRACK,
        waypoints=[("Ford", 0.001, 0.05), ("Inn", -0.002, 0.2), ("Bridge", 0.0005, 0.25)],
    )
    path = _import(data)
    milestones = list(path.milestones.order_by("order").values_list("name", "distance"))
    step_km = 11.131949  # 0.1 degree of longitude on the equator
    assert path.total_distance == Decimal("33.39")
    assert [name for name, _ in milestones] == ["Start", "Ford", "Inn", "Bridge", "Finish"]
    for (_, distance), expected in zip(
        milestones, [0, step_km / 2, 2 * step_km, 2.5 * step_km, 3 * step_km], strict=True
    ):
        assert abs(float(distance) - expected) <= 0.011


def test_a_waypoint_at_the_start_names_it():
    path = _import(gpx(track=EQUATOR_TRACK, waypoints=[("Trailhead", 0, 0)]))
    assert list(path.milestones.values_list("name", flat=True)) == ["Trailhead", "Finish"]


def test_without_waypoints_a_milestone_every_n_units():
    path = _import(gpx(track=EQUATOR_TRACK), every=Decimal(10))
    assert list(path.milestones.values_list("name", "distance")) == [
        ("Start", Decimal("0.00")),
        ("10 km", Decimal("10.00")),
        ("20 km", Decimal("20.00")),
        ("30 km", Decimal("30.00")),
        ("Finish", Decimal("33.39")),
    ]


def test_a_route_serves_when_there_is_no_track():
    path = _import(gpx(route=EQUATOR_TRACK))
    assert path.total_distance == Decimal("33.39")


def test_geojson_line_string_and_feature_collection_are_accepted():
    coordinates = [[lon, lat] for lat, lon in EQUATOR_TRACK]
    alone = _import(json.dumps({"type": "LineString", "coordinates": coordinates}).encode())
    collection = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "geometry": {"type": "LineString", "coordinates": coordinates}},
            {
                "type": "Feature",
                "properties": {"name": "Ford"},
                "geometry": {"type": "Point", "coordinates": [0.1, 0]},
            },
        ],
    }
    featured = _import(json.dumps(collection).encode(), name="Featured")
    assert alone.total_distance == featured.total_distance == Decimal("33.39")
    assert "Ford" in featured.milestones.values_list("name", flat=True)


def test_a_member_at_a_distance_stands_on_the_line():
    with CAMINO_GPX.open("rb") as source:
        path = path_get(path_id=path_import(source=source, name="Camino").pk)
    from cohort.journeys.routes import route_position

    line = path_route_get(path)
    anchors = [(float(m.distance), m.along) for m in path.milestones]
    shape = shapely.LineString(line.points)
    for distance in (0.0, 3.3, 123.45, 400.0, 671.0):
        lon, lat = line.point_at(route_position(distance, anchors))
        assert shape.distance(shapely.Point(lon, lat)) < 1e-9
    # The point at the distance of a milestone is that milestone's point.
    leon = next(m for m in path.milestones if m.name == "León")
    lon, lat = line.point_at(route_position(float(leon.distance), anchors))
    assert (round(lon, 3), round(lat, 3)) == (round(leon.lon, 3), round(leon.lat, 3))


def test_the_stored_line_drops_points_that_add_no_shape():
    # 1,001 points on one meridian, with a bend: the stored line keeps 3.
    track = [(lat / 1000, 0.0) for lat in range(1001)] + [(1.0, 0.5)]
    path = _import(gpx(track=track))
    assert len(path.route.points) == 3
    assert PathRoute.objects.count() == 1


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_a_bad_file_is_a_clear_error_and_writes_nothing(case):
    data, words = BAD_FILES[case]
    with pytest.raises(InvalidInput, match=words):
        _import(data)
    assert (Path.objects.count(), Milestone.objects.count(), PathRoute.objects.count()) == (
        0,
        0,
        0,
    )


def test_a_file_over_the_limit_is_refused_by_its_size_before_any_read(settings):
    settings.PATH_FILE_MAX_BYTES = 1000

    class Unreadable(io.BytesIO):
        def read(self, *args):
            raise AssertionError("read although its size was known")

    with pytest.raises(TooLarge, match="limit"):
        path_import(source=Unreadable(), size=1001, name="Big")
    with pytest.raises(TooLarge):  # size unknown: the read stops one byte past the limit
        path_import(source=io.BytesIO(b" " * 5000), name="Big")
    assert not Path.objects.exists()


# --- The command ----------------------------------------------------------------------------


def test_the_command_imports_a_gpx_file(tmp_path):
    out = StringIO()
    call_command("import_path", str(CAMINO_GPX), "--name", "Camino", "--unit", "miles", stdout=out)
    path = Path.objects.get(name="Camino")
    assert path.unit == "mi" and path.milestones.count() == 35
    assert f"{path.total_distance} mi, 35 milestones" in out.getvalue()


def test_the_command_places_milestones_every_n_units(tmp_path):
    file = tmp_path / "equator.gpx"
    file.write_bytes(gpx(track=EQUATOR_TRACK))
    call_command("import_path", str(file), "--name", "Equator", "--every", "10", stdout=StringIO())
    assert Path.objects.get(name="Equator").milestones.count() == 5


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_the_command_refuses_a_bad_file_and_writes_nothing(tmp_path, case):
    file = tmp_path / "bad.gpx"
    file.write_bytes(BAD_FILES[case][0])
    with pytest.raises(CommandError, match="Nothing was written"):
        call_command("import_path", str(file), "--name", "Bad", stdout=StringIO())
    assert not Path.objects.exists() and not PathRoute.objects.exists()


def test_the_command_refuses_a_50_mb_file_without_reading_it(tmp_path):
    file = tmp_path / "huge.gpx"
    with file.open("wb") as f:
        f.truncate(50 * 1024 * 1024)  # sparse: 50 MB that take no disk and are never read
    with pytest.raises(CommandError, match="too large; the limit is 10 MB"):
        call_command("import_path", str(file), "--name", "Huge", stdout=StringIO())
    assert not Path.objects.exists()


def test_the_command_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_path", str(tmp_path / "none.gpx"), "--name", "X", stdout=StringIO())


def test_a_noisy_track_is_stored_in_at_most_5000_points_and_measured_whole():
    import random

    rng = random.Random(7)  # GPS noise of about 3 m around a line along the equator
    track = [(rng.gauss(0, 3e-5), n * 5e-5) for n in range(12_000)]
    path = _import(gpx(track=track))
    full_km = _karney_length_m([(lon, lat) for lat, lon in track]) / 1000
    assert abs(float(path.total_distance) - full_km) < 0.01
    assert 2 <= len(path.route.points) <= 5000


def test_tracks_and_segments_join_in_order_and_a_track_wins_over_a_route():
    data = gpx(track=EQUATOR_TRACK[:2], route=[(10, 10), (10, 11)]).replace(
        b"</trkseg></trk>",
        b'</trkseg><trkseg><trkpt lat="0" lon="0.2"/></trkseg></trk>'
        b'<trk><trkseg><trkpt lat="0" lon="0.3"/></trkseg></trk>',
    )
    path = _import(data)
    assert path.total_distance == Decimal("33.39")
    assert path.route.points[-1] == [0.3, 0.0]


def test_deleting_paths_in_the_admin_deletes_their_lines(client):
    from django.urls import reverse

    from cohort.accounts.tests.factories import StaffFactory

    one, two, kept = (_import(gpx(track=EQUATOR_TRACK), name=n) for n in ("One", "Two", "Kept"))
    client.force_login(StaffFactory())
    response = client.post(reverse("admin:journeys_path_delete", args=[one.pk]), {"post": "yes"})
    assert response.status_code == 302
    response = client.post(
        reverse("admin:journeys_path_changelist"),
        {"action": "delete_selected", "_selected_action": [two.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert list(PathRoute.objects.values_list("pk", flat=True)) == [kept.route_id]


def test_control_characters_in_a_waypoint_name_are_dropped():
    collection = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": [[0, 0], [0.1, 0], [0.2, 0]]},
            },
            {
                "type": "Feature",
                "properties": {"name": "Fo\u0000rd\u0007 \n"},
                "geometry": {"type": "Point", "coordinates": [0.1, 0]},
            },
        ],
    }
    path = _import(json.dumps(collection).encode())
    assert "Ford" in path.milestones.values_list("name", flat=True)


def test_too_many_milestones_every_n_units_are_refused():
    with pytest.raises(InvalidInput, match="more than 500: choose a larger distance"):
        _import(gpx(track=EQUATOR_TRACK), every=Decimal("0.05"))
    assert not Path.objects.exists()
