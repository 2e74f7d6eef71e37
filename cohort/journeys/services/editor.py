"""Writes of the organisers' path editor (/organise/paths/): an illustrated path from an
image, a path's details, milestones added, renamed, given postcards and moved on the map.
Paths from route files are path_import's; making one current is path_make_current's."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from cohort.core.clock import programme_today
from cohort.core.exceptions import InvalidInput
from cohort.journeys.images import image_size
from cohort.journeys.models import Enrollment, Milestone, Path, postcard_photo_validate
from cohort.journeys.routes import route_position
from cohort.journeys.selectors import path_get, path_route_get
from cohort.journeys.services import STEPS_PER_UNIT, path_cache_clear

_MAX_SIDE = 20_000  # pixels: a bigger image is not a map a browser can draw


def path_from_image_create(
    *, name: str, unit: str, total_distance: Decimal, image, start_date: dt.date | None = None
) -> Path:
    """An illustrated path over `image` (PNG, JPEG, GIF or WebP, at most 5 MB) with a start
    and a finish milestone for the organiser to drag into place. Not current."""
    try:
        postcard_photo_validate(image)
    except ValidationError as exc:
        raise InvalidInput(" ".join(exc.messages).replace("photo", "image")) from None
    size = image_size(image)
    if size is None or not all(0 < side <= _MAX_SIDE for side in size):
        raise InvalidInput(_("The image's size could not be read: save it again as PNG or JPEG."))
    width, height = size
    with transaction.atomic():
        path = Path(
            name=name,
            unit=unit,
            steps_per_unit=STEPS_PER_UNIT[Path.Unit(unit)],
            total_distance=total_distance,
            start_date=start_date or programme_today(),
            kind=Path.Kind.ILLUSTRATED,
            map_width=width,
            map_height=height,
        )
        path.map_image.save(image.name, image, save=False)
        path.save()
        Milestone.objects.bulk_create(
            [
                Milestone(
                    path=path, order=0, name="Start", distance=0, x=width * 0.1, y=height / 2
                ),
                Milestone(
                    path=path,
                    order=1,
                    name="Finish",
                    distance=total_distance,
                    x=width * 0.9,
                    y=height / 2,
                ),
            ]
        )
        transaction.on_commit(path_cache_clear)
    return path


@transaction.atomic
def path_details_update(*, path: Path, **fields) -> Path:
    """Name, description, dates and the next path in the chain (fields already validated by
    the editor's form); a path cannot follow itself."""
    next_path = fields.get("next_path")
    if next_path is not None and next_path.pk == path.pk:
        raise InvalidInput(_("A path cannot be its own next path."))
    for name, value in fields.items():
        setattr(path, name, value)
    path.save(update_fields=[*fields, "updated_at"])
    transaction.on_commit(path_cache_clear)
    return path


def _point_at(path: Path, distance: Decimal) -> tuple[str, float, float]:
    """Where `distance` falls on the path's line: ("lonlat", lon, lat) or ("xy", x, y); the
    middle of the map when there is no line yet."""
    view = path_get(path_id=path.pk)
    route = path_route_get(view) if view else None
    geographic = path.kind == Path.Kind.GEOGRAPHIC
    if view is None or route is None:
        if geographic:
            raise InvalidInput(_("This path has no line to place a milestone on."))
        return "xy", path.map_width / 2, path.map_height / 2
    anchors = [(float(m.distance), m.along) for m in view.milestones]
    a, b = route.point_at(route_position(float(distance), anchors))
    return ("lonlat", a, b) if geographic else ("xy", a, b)


@transaction.atomic
def milestone_add(*, path: Path, name: str, distance: Decimal, postcard: str = "") -> Milestone:
    """A milestone at `distance` (between the start and the finish), placed on the line.
    Later milestones move one place down the order, and so do the members' notified places,
    so nobody is told twice about a milestone they passed."""
    Path.objects.select_for_update().filter(pk=path.pk).first()
    if not 0 < distance < path.total_distance:
        raise InvalidInput(
            _(
                "Place it between the start and the finish: more than 0 and less than "
                "%(format)s %(unit)s."
            )
            % {"format": format(path.total_distance.normalize(), "f"), "unit": path.unit}
        )
    if path.milestones.filter(distance=distance).exists():
        raise InvalidInput(
            _("There is a milestone at %(format)s already.")
            % {"format": format(distance.normalize(), "f")}
        )
    kind, a, b = _point_at(path, distance)
    order = path.milestones.filter(distance__lt=distance).count()
    later = path.milestones.filter(order__gte=order)
    # Two steps: shifting in place would break the unique (path, order) on the way.
    later.update(order=F("order") + 1000)
    later.update(order=F("order") - 999)
    Enrollment.objects.filter(path=path, notified_order__gte=order).update(
        notified_order=F("notified_order") + 1
    )
    point = {"lon": round(a, 6), "lat": round(b, 6)} if kind == "lonlat" else {"x": a, "y": b}
    milestone = Milestone.objects.create(
        path=path, order=order, name=name, distance=distance, postcard=postcard, **point
    )
    transaction.on_commit(path_cache_clear)
    return milestone


@transaction.atomic
def milestone_update(
    *, milestone: Milestone, name: str, postcard: str, photo=None, remove_photo: bool = False
) -> Milestone:
    """A milestone's name and postcard (text, a new photo, or the photo taken away)."""
    milestone.name, milestone.postcard = name, postcard
    if photo is not None:
        try:
            postcard_photo_validate(photo)
        except ValidationError as exc:
            raise InvalidInput(" ".join(exc.messages)) from None
        milestone.postcard_photo.save(photo.name, photo, save=False)
    elif remove_photo:
        milestone.postcard_photo = ""
    milestone.save()
    transaction.on_commit(path_cache_clear)
    return milestone


def _number(value, label: str, low: float, high: float) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InvalidInput(_("The %(label)s must be a number.") % {"label": label}) from None
    if not low <= number <= high:
        raise InvalidInput(
            _("The %(label)s must be between %(format)s and %(format2)s.")
            % {"label": label, "format": format(low, "g"), "format2": format(high, "g")}
        )
    return number


@transaction.atomic
def milestone_move(*, milestone: Milestone, point: dict) -> Milestone:
    """Put the milestone at a new point on the map: `lat`/`lon` on a geographic path,
    `x`/`y` (pixels of the image) on an illustrated one. Its distance stays."""
    path = milestone.path
    if path.kind == Path.Kind.GEOGRAPHIC:
        milestone.lat = round(_number(point.get("lat"), "latitude", -90, 90), 6)
        milestone.lon = round(_number(point.get("lon"), "longitude", -180, 180), 6)
        fields = ["lat", "lon"]
    else:
        milestone.x = round(_number(point.get("x"), "x", 0, path.map_width), 1)
        milestone.y = round(_number(point.get("y"), "y", 0, path.map_height), 1)
        fields = ["x", "y"]
    milestone.save(update_fields=fields)
    transaction.on_commit(path_cache_clear)
    return milestone
