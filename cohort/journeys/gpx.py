"""Reading a route file: GPX (a track, else a route, and its waypoints) or GeoJSON (a
LineString, or a Feature / FeatureCollection holding one, with Point features as
waypoints). Every problem is an InvalidInput (422) or TooLarge (413) with a sentence.

XML is first read by defusedxml, which refuses any DTD or entity declaration (the
billion-laughs and external-entity attacks), then by gpxpy."""

import json
import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO

import gpxpy
import gpxpy.gpx
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError
from defusedxml.ElementTree import fromstring as safe_fromstring
from django.conf import settings
from django.utils.translation import gettext as _

from cohort.core.exceptions import InvalidInput, TooLarge

Point = tuple[float, float]  # (longitude, latitude)


@dataclass(frozen=True)
class Waypoint:
    name: str
    lon: float
    lat: float


@dataclass(frozen=True)
class RouteFile:
    points: list[Point]
    waypoints: list[Waypoint]


def _limit_mb() -> str:
    return f"{settings.PATH_FILE_MAX_BYTES / (1024 * 1024):g} MB"


def route_file_read(source: IO[bytes], *, size: int | None = None) -> RouteFile:
    """The route in a GPX or GeoJSON file. `size`, when known (an upload, a file on disk),
    refuses a file over PATH_FILE_MAX_BYTES before a byte is read; otherwise the read
    stops one byte past the limit."""
    limit = settings.PATH_FILE_MAX_BYTES
    if size is not None and size > limit:
        raise TooLarge(
            _("The file is too large; the limit is %(limit_mb)s.") % {"limit_mb": _limit_mb()}
        )
    data = source.read(limit + 1)
    if len(data) > limit:
        raise TooLarge(
            _("The file is too large; the limit is %(limit_mb)s.") % {"limit_mb": _limit_mb()}
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput(_("The file is not UTF-8 text: send a GPX or GeoJSON file.")) from None
    route = _geojson_read(text) if text.lstrip().startswith("{") else _gpx_read(text)
    return _checked(route)


def _gpx_read(text: str) -> RouteFile:
    try:
        safe_fromstring(text, forbid_dtd=True)
    except DefusedXmlException:
        raise InvalidInput(
            _("The file declares a DTD or entities, which GPX files never need: refused.")
        ) from None
    except ParseError as exc:
        raise InvalidInput(
            _("The file is neither GPX (XML) nor GeoJSON: %(exc)s.") % {"exc": exc}
        ) from None
    try:
        gpx = gpxpy.parse(text)
    except (gpxpy.gpx.GPXException, ValueError) as exc:
        raise InvalidInput(
            _("The file is not a GPX file gpxpy can read: %(exc)s.") % {"exc": exc}
        ) from None
    track = [
        (p.longitude, p.latitude)
        for t in gpx.tracks
        for segment in t.segments
        for p in segment.points
    ]
    points = track or [(p.longitude, p.latitude) for r in gpx.routes for p in r.points]
    waypoints = [Waypoint((w.name or "").strip(), w.longitude, w.latitude) for w in gpx.waypoints]
    return RouteFile(points, waypoints)


def _geojson_read(text: str) -> RouteFile:
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):
        raise InvalidInput(_("The file starts like GeoJSON but is not valid JSON.")) from None
    features = _features(document)
    lines = [g for g in features if g.get("type") == "LineString"]
    if len(lines) != 1:
        raise InvalidInput(
            _(
                "The GeoJSON must hold exactly one LineString (alone, in a Feature or in a "
                "FeatureCollection); it holds %(len)s."
            )
            % {"len": len(lines)}
        )
    points = [_position(c) for c in _list(lines[0].get("coordinates"))]
    waypoints = [
        Waypoint(_name(g.get("name")), *_position(g.get("coordinates")))
        for g in features
        if g.get("type") == "Point"
    ]
    return RouteFile(points, waypoints)


def _name(value) -> str:
    """A waypoint's name as one line of text: control characters (a NUL, which no text
    column holds, a bell, line breaks) dropped, spaces collapsed."""
    text = "".join(c for c in str(value or "") if unicodedata.category(c) != "Cc")
    return " ".join(text.split())


def _features(document) -> list[dict]:
    """The geometries of a GeoJSON document, each with its Feature's `name` property."""
    if not isinstance(document, dict):
        raise InvalidInput(_("The GeoJSON must be an object."))
    kind = document.get("type")
    if kind == "FeatureCollection":
        found = []
        for feature in _list(document.get("features")):
            found.extend(_features(feature))
        return found
    if kind == "Feature":
        geometry = document.get("geometry")
        properties = document.get("properties")
        name = properties.get("name") if isinstance(properties, dict) else None
        return [{**geometry, "name": name}] if isinstance(geometry, dict) else []
    return [document]


def _list(value) -> list:
    if not isinstance(value, list):
        raise InvalidInput(_("The GeoJSON's coordinates or features must be lists."))
    return value


def _position(value) -> Point:
    if (
        not isinstance(value, list)
        or len(value) < 2
        or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in value[:2])
    ):
        raise InvalidInput(_("A GeoJSON position must be [longitude, latitude] numbers."))
    return (float(value[0]), float(value[1]))


def _valid(lon: float, lat: float) -> bool:
    return math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90


def _dedupe(points: Sequence[Point]) -> list[Point]:
    kept: list[Point] = []
    for point in points:
        if not kept or point != kept[-1]:
            kept.append(point)
    return kept


def _checked(route: RouteFile) -> RouteFile:
    if not route.points:
        raise InvalidInput(_("The file has no track (<trk>) or route (<rte>) with points."))
    for n, (lon, lat) in enumerate(route.points, start=1):
        if not _valid(lon, lat):
            raise InvalidInput(
                _(
                    "Point %(n)s of the line is out of range (latitude %(lat)s, "
                    "longitude %(lon)s): "
                    "latitudes lie between -90 and 90, longitudes between -180 and 180."
                )
                % {"n": n, "lat": lat, "lon": lon}
            )
    for w in route.waypoints:
        if not _valid(w.lon, w.lat):
            raise InvalidInput(
                _("Waypoint “%(name)s” is out of range (latitude %(lat)s, longitude %(lon)s).")
                % {"name": w.name, "lat": w.lat, "lon": w.lon}
            )
    points = _dedupe(route.points)
    if len(points) < 2:
        raise InvalidInput(_("The line has a single point: a route needs at least two."))
    return RouteFile(points, route.waypoints)
