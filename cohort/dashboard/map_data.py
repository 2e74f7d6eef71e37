"""What the Leaflet map (static/js/map.js) draws, as one JSON value inlined in the page
(json_script): built from the cached path and the markers already placed, no query of its
own. The route line itself is fetched from the cached GET /api/v1/paths/{id}/route."""

from django.conf import settings
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext

from cohort.journeys.selectors import Marker, PathView


def text_colour(background: str) -> str:
    """Black or white, whichever reads better on `background` (#rrggbb): at least 4.5:1."""
    channels = [int(background[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return "#000000" if (luminance + 0.05) / 0.05 > 1.05 / (luminance + 0.05) else "#ffffff"


def _at(path: PathView, *, lat, lon, x, y) -> list[float]:
    """Leaflet's [lat, lng]: geographic as is; an image's pixels with y up (L.CRS.Simple)."""
    if path.is_geographic:
        return [lat, lon]
    return [round(path.map_height - y, 1), round(x, 1)]


_SLOT = 987654321  # a number no milestone id equals while the URL is reversed


def _by_id(name: str, *before: int):
    """A function of a milestone id giving the URL `name` with it (after `before` args)."""
    template = reverse(name, args=[*before, _SLOT])
    return lambda milestone_id: template.replace(str(_SLOT), str(milestone_id))


def map_payload(*, path: PathView, markers: list[Marker], postcards, editable=False) -> dict:
    """The map's data: tiles, the image (illustrated), milestones (their postcards when the
    viewer may read them), and a marker per member with initials and a readable text colour."""
    readable = {m.id for m in postcards}
    # Each URL reversed once and filled in per milestone: ~10 us a reverse() adds up.
    page, photo = _by_id("dashboard:milestone"), _by_id("dashboard:milestone-photo")
    move = _by_id("organise:milestone-move", path.id) if editable else None
    milestones = []
    for m in path.milestones:
        if path.is_geographic and (m.lat is None or m.lon is None):
            continue
        card = m.id in readable
        milestones.append(
            {
                "id": m.id,
                "name": m.name,
                # Shown in the popup: in the page's language (3,5 in Spanish).
                "distance": number_format(m.distance.normalize()),
                "at": _at(path, lat=m.lat, lon=m.lon, x=m.x, y=m.y),
                "postcard": m.postcard if card else "",
                "photo": photo(m.id) if card and m.has_photo else "",
                "url": page(m.id) if card else "",
                # The path editor: where a drag posts the milestone's new point.
                "move": move(m.id) if move else "",
            }
        )
    people = [
        {
            "name": marker.name,
            "initials": marker.initials,
            "colour": marker.colour,
            "text": text_colour(marker.colour),
            "at": _at(path, lat=marker.lat, lon=marker.lon, x=marker.x, y=marker.y),
            "me": marker.is_viewer,
            "distance": f"{number_format(marker.distance)} {path.unit}",
        }
        for marker in markers
        if not path.is_geographic or marker.lat is not None
    ]
    tiles = None
    if path.is_geographic and settings.MAP_TILE_URL:
        tiles = {"url": settings.MAP_TILE_URL, "attribution": settings.MAP_TILE_ATTRIBUTION}
    return {
        "kind": path.kind,
        "route": reverse("api:path_route", args=[path.id]),
        "image": reverse("dashboard:path-image", args=[path.id]) if path.map_image else "",
        "width": path.map_width,
        "height": path.map_height,
        "tiles": tiles,
        "unit": path.unit,
        "milestones": milestones,
        "markers": people,
        "editable": editable,
        "words": _words(),
    }


def _words() -> dict:
    """What static/js/map.js says, in the page's language; %(...)s filled in there."""
    return {
        "you": gettext("(you)"),
        "You": gettext("You"),
        "photo": gettext("The postcard photo from %(name)s"),
        "open": gettext("Open the postcard"),
        "moved": gettext("%(name)s moved."),
        "not_moved": gettext("The milestone could not be moved."),
        "here": gettext("%(count)s walkers here"),
        "here_you": gettext("%(count)s walkers here, you among them"),
        "show": gettext("show them"),
    }
