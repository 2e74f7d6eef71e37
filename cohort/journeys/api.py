from decimal import Decimal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from cohort.accounts import permissions
from cohort.accounts.auth import token_or_session
from cohort.accounts.selectors import group_get_for_viewer
from cohort.core.exceptions import InvalidInput, NotFound
from cohort.journeys.schemas import PathOut, PositionOut, RouteOut
from cohort.journeys.selectors import (
    path_current_get,
    path_get_for_viewer,
    path_markers_for_group,
    path_route_get,
)
from cohort.journeys.services import path_import

router = Router(tags=["paths"], auth=token_or_session)


@router.get("/paths/current", response=PathOut, summary="The current path and its milestones")
def current_path(request: HttpRequest):
    path = path_current_get()
    if path is None:
        raise NotFound(_("There is no current path yet."))
    return path


@router.post("/paths", response={201: PathOut}, summary="Organisers: a path from a GPX file")
def create_path(
    request: HttpRequest,
    name: Form[str] = "",
    unit: Form[str] = "km",
    every: Form[float | None] = None,
    gpx: File[UploadedFile] = None,
):
    """Multipart: `name`, `unit` (`km` or `mi`), `gpx` (a GPX file, or GeoJSON with one
    LineString), optional `every` (a milestone every N units when the file has no
    waypoints). A file over PATH_FILE_MAX_BYTES is 413; one that is not GPX/GeoJSON, has no
    track or one point, declares entities or has coordinates out of range is 422; either
    way nothing is written. The path starts today and is not current."""
    permissions.path_manager_require(request.user)
    if gpx is None:
        raise InvalidInput(_("Attach the route file as `gpx`."))
    created = path_import(
        source=gpx,
        size=gpx.size,
        name=name,
        unit=unit,
        every=None if every is None else Decimal(str(every)),
    )
    return Status(201, path_get_for_viewer(viewer=request.user, path_id=created.pk))


@router.get("/paths/{int:path_id}", response=PathOut, summary="A path and its milestones")
def path_detail(request: HttpRequest, path_id: int):
    """Milestones carry `lat`/`lon` (geographic) or `x`/`y` (illustrated). Members see the
    current chain's paths and those they walked; 404 for others."""
    return path_get_for_viewer(viewer=request.user, path_id=path_id)


@router.get("/paths/{int:path_id}/route", response=RouteOut, summary="A path's line, GeoJSON")
def path_route(request: HttpRequest, path_id: int):
    path = path_get_for_viewer(viewer=request.user, path_id=path_id)
    line = path_route_get(path)
    if line is None:
        raise NotFound(_("This path has no line yet."))
    return RouteOut(geometry=line.to_geojson(), properties={"path_id": path.id, "kind": path.kind})


@router.get(
    "/paths/{int:path_id}/positions",
    response=list[PositionOut],
    summary="Where each member of the viewer's group stands (organisers/mentors: `group`)",
)
def positions(request: HttpRequest, path_id: int, group: int | None = None):
    """Each marker at the point of the route line its distance reaches: `lat`/`lon` on a
    geographic path, and `x`/`y` on the SVG map (an illustrated path's image pixels)."""
    path = path_get_for_viewer(viewer=request.user, path_id=path_id)
    group_id = group if group is not None else request.user.group_id
    if group_id is None:
        raise InvalidInput(_("Say which group: ?group=<id>."))
    visible = group_get_for_viewer(viewer=request.user, group_id=group_id)
    return path_markers_for_group(path=path, group_id=visible.pk, viewer_id=request.user.pk)
