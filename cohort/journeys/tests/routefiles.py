"""Route files for the tests: small GPX and GeoJSON documents, and hostile ones."""

import json
from pathlib import Path

# The demo's Camino Francés: a real route, 103 track points and 35 waypoints.
CAMINO_GPX = Path(__file__).parents[1] / "demo" / "camino-frances.gpx"

GPX_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1">'


def gpx(track=(), route=(), waypoints=()) -> bytes:
    """A GPX document: `track` and `route` as (lat, lon) pairs, `waypoints` as
    (name, lat, lon)."""
    parts = [GPX_HEAD]
    for name, lat, lon in waypoints:
        parts.append(f'<wpt lat="{lat}" lon="{lon}"><name>{name}</name></wpt>')
    if route:
        parts.append("<rte>")
        parts += [f'<rtept lat="{lat}" lon="{lon}"/>' for lat, lon in route]
        parts.append("</rte>")
    if track:
        parts.append("<trk><trkseg>")
        parts += [f'<trkpt lat="{lat}" lon="{lon}"/>' for lat, lon in track]
        parts.append("</trkseg></trk>")
    parts.append("</gpx>")
    return "\n".join(parts).encode()


# Along the equator 0.1 degree of longitude is 11,131.949 m on WGS84 (a * pi / 1800).
EQUATOR_TRACK = [(0.0, 0.0), (0.0, 0.1), (0.0, 0.2), (0.0, 0.3)]

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE gpx [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1">
<wpt lat="0" lon="0"><name>&lol9;</name></wpt>
<trk><trkseg><trkpt lat="0" lon="0"/><trkpt lat="0" lon="0.1"/></trkseg></trk>
</gpx>"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE gpx [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1">
<wpt lat="0" lon="0"><name>&secret;</name></wpt>
<trk><trkseg><trkpt lat="0" lon="0"/><trkpt lat="0" lon="0.1"/></trkseg></trk>
</gpx>"""

# Each bad file and a word its 422's detail holds.
BAD_FILES = {
    "not_xml": (b"this is not a route file at all", "neither GPX"),
    "truncated_xml": (GPX_HEAD.encode() + b"<trk><trkseg><trkpt lat=", "neither GPX"),
    "no_track": (gpx(waypoints=[("Alone", 0, 0)]), "no track"),
    "one_point": (gpx(track=[(0, 0)]), "single point"),
    "same_point_twice": (gpx(track=[(1, 1), (1, 1)]), "single point"),
    "billion_laughs": (BILLION_LAUGHS, "entities"),
    "xxe": (XXE, "entities"),
    "latitude_out_of_range": (gpx(track=[(0, 0), (91, 0)]), "out of range"),
    "longitude_out_of_range": (gpx(track=[(0, 0), (0, 181)]), "out of range"),
    "nan": (gpx(track=[(0, 0), ("nan", 0)]), "out of range"),
    "infinite": (gpx(track=[(0, 0), (0, "inf")]), "out of range"),
    "waypoint_out_of_range": (
        gpx(track=EQUATOR_TRACK, waypoints=[("Nowhere", -100, 0)]),
        "out of range",
    ),
    "not_utf8": (b"\xff\xfe<\x00g\x00", "UTF-8"),
    "empty": (b"", "neither GPX"),
    "latitude_not_a_number": (gpx(track=[(0, 0), ("north", 0)]), "gpxpy can read"),
    "too_many_waypoints": (
        gpx(track=EQUATOR_TRACK, waypoints=[(f"W{n}", 0, n / 10_000) for n in range(600)]),
        "600 waypoints; a path takes at most 498",
    ),
    "geojson_two_lines": (
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {"type": "Feature", "geometry": {"type": "LineString", "coordinates": []}},
                    {"type": "Feature", "geometry": {"type": "LineString", "coordinates": []}},
                ],
            }
        ).encode(),
        "exactly one LineString",
    ),
    "geojson_broken": (b'{"type": "LineString", "coordinates": [[0, 0], [1', "not valid JSON"),
    "geojson_text_coordinates": (
        json.dumps({"type": "LineString", "coordinates": [["0", "0"], [1, 1]]}).encode(),
        "position",
    ),
}
