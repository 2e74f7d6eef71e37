"""Route geometry: a line of points with the cumulative distance to each, measured once.

A geographic route's points are (longitude, latitude) and its distances geodesic metres on
the WGS84 ellipsoid (pyproj's Geod: Karney's algorithm); an illustrated route's points are
an image's pixels (x, y) and its distances pixels. Either way a point at distance s along
the line is a bisect over the cumulative distances and one interpolation on a segment, so
placing a group's markers costs microseconds however long the line.
"""

import math
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate

import shapely
from pyproj import Geod

WGS84 = Geod(ellps="WGS84")
METRES_PER_UNIT = {"km": 1000.0, "mi": 1609.344}
# The tolerances (degrees: about 1 m, 3 m, 10 m, 30 m, 100 m) route_simplify tries in turn.
SIMPLIFY_DEGREES = (1e-5, 3e-5, 1e-4, 3e-4, 1e-3)
MAX_STORED_POINTS = 5000

Point = tuple[float, float]


@dataclass(frozen=True)
class RouteGeometry:
    """A line and the distance along it to each point (first 0, last the length)."""

    points: tuple[Point, ...]
    cumulative: tuple[float, ...]
    is_geographic: bool

    @property
    def length(self) -> float:
        return self.cumulative[-1] if self.cumulative else 0.0

    def point_at(self, along: float) -> Point:
        """The point `along` from the start (clamped to the line), interpolated on its
        segment."""
        if len(self.points) == 1 or along <= 0:
            return self.points[0]
        if along >= self.length:
            return self.points[-1]
        i = bisect_right(self.cumulative, along) - 1
        span = self.cumulative[i + 1] - self.cumulative[i]
        share = (along - self.cumulative[i]) / span if span else 0.0
        (x0, y0), (x1, y1) = self.points[i], self.points[i + 1]
        return (x0 + (x1 - x0) * share, y0 + (y1 - y0) * share)

    def locate(self, targets: Sequence[Point]) -> list[float]:
        """For each target, the distance along the line of the line's point nearest to it
        (nearest in a plane: for a geographic line, longitude scaled by the cosine of the
        mean latitude, close enough for points near the line)."""
        if len(self.points) == 1:
            return [0.0 for _ in targets]
        scale = _x_scale(self.points) if self.is_geographic else 1.0
        plane = [(x * scale, y) for x, y in self.points]
        planar = list(
            accumulate((math.dist(a, b) for a, b in zip(plane, plane[1:], strict=False)), initial=0)
        )
        line = shapely.LineString(plane)
        found = []
        for x, y in targets:
            along = float(shapely.line_locate_point(line, shapely.Point(x * scale, y)))
            i = min(max(bisect_right(planar, along) - 1, 0), len(plane) - 2)
            span = planar[i + 1] - planar[i]
            share = (along - planar[i]) / span if span else 0.0
            found.append(self.cumulative[i] + (self.cumulative[i + 1] - self.cumulative[i]) * share)
        return found

    def to_geojson(self) -> dict:
        return {
            "type": "LineString",
            "coordinates": [[round(x, 6), round(y, 6)] for x, y in self.points],
        }


def _x_scale(points: Sequence[Point]) -> float:
    mean_latitude = sum(lat for _, lat in points) / len(points)
    return max(math.cos(math.radians(mean_latitude)), 0.01)


def geodesic_segments(points: Sequence[Point]) -> list[float]:
    """The geodesic length in metres of each segment of a (longitude, latitude) line."""
    lons, lats = zip(*points, strict=True)
    return list(WGS84.line_lengths(lons, lats))


def route_measure(points: Sequence[Point], *, is_geographic: bool) -> RouteGeometry:
    """The line with the cumulative distance to each point, measured as its kind says."""
    if is_geographic:
        segments = geodesic_segments(points) if len(points) > 1 else []
    else:
        segments = [math.dist(a, b) for a, b in zip(points, points[1:], strict=False)]
    return RouteGeometry(
        points=tuple((float(x), float(y)) for x, y in points),
        cumulative=tuple(accumulate(segments, initial=0.0)),
        is_geographic=is_geographic,
    )


def route_simplify(points: Sequence[Point]) -> list[Point]:
    """The line with the points that add no visible shape dropped (Douglas-Peucker): within
    about 1 m of the line through their neighbours, or with a coarser tolerance, step by
    step, until at most MAX_STORED_POINTS remain (a noisy 10 MB GPS track has some 150,000
    points; the map and the markers need a few thousand)."""
    if len(points) <= 2:
        return list(points)
    line = shapely.LineString(points)
    for tolerance in SIMPLIFY_DEGREES:
        simpler = line.simplify(tolerance, preserve_topology=False)
        if len(simpler.coords) <= MAX_STORED_POINTS:
            break
    return [(float(x), float(y)) for x, y in simpler.coords]


def route_position(distance: float, anchors: Sequence[tuple[float, float]]) -> float:
    """Where a walker `distance` (path unit) from the start stands along the line, given the
    milestones as (distance, along the line) sorted by distance: linear between the two
    milestones either side, so a member who passed a milestone is drawn past it even when
    the line is longer or shorter than the path's stated distances."""
    if not anchors:
        return 0.0
    distances = [d for d, _ in anchors]
    if distance <= distances[0]:
        return anchors[0][1]
    if distance >= distances[-1]:
        return anchors[-1][1]
    i = bisect_right(distances, distance) - 1
    (d0, a0), (d1, a1) = anchors[i], anchors[i + 1]
    return a0 + (a1 - a0) * ((distance - d0) / (d1 - d0) if d1 > d0 else 0.0)


@dataclass(frozen=True)
class Sketch:
    """Longitude/latitude onto a width x height drawing (equirectangular, scaled by the
    cosine of the middle latitude, centred with margins): the SVG map's coordinates for a
    geographic route."""

    west: float
    north: float
    scale: float
    x_scale: float
    left: float
    top: float

    def project(self, lon: float, lat: float) -> Point:
        x = self.left + (lon - self.west) * self.x_scale * self.scale
        y = self.top + (self.north - lat) * self.scale
        return (round(x, 1), round(y, 1))


def sketch_for(points: Sequence[Point], width: int, height: int, margin: int = 60) -> Sketch:
    lons = [lon for lon, _ in points]
    lats = [lat for _, lat in points]
    x_scale = _x_scale([(min(lons), min(lats)), (max(lons), max(lats))])
    span_x = (max(lons) - min(lons)) * x_scale or 1e-9
    span_y = (max(lats) - min(lats)) or 1e-9
    scale = min((width - 2 * margin) / span_x, (height - 2 * margin) / span_y)
    return Sketch(
        west=min(lons),
        north=max(lats),
        scale=scale,
        x_scale=x_scale,
        left=(width - span_x * scale) / 2,
        top=(height - span_y * scale) / 2,
    )
