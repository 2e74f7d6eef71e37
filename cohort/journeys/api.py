from django.http import HttpRequest
from ninja import Router

from cohort.accounts.auth import token_or_session
from cohort.accounts.selectors import group_get_for_viewer
from cohort.core.exceptions import InvalidInput, NotFound
from cohort.journeys.schemas import PathOut, PositionOut
from cohort.journeys.selectors import path_current_get, path_get, path_markers_for_group

router = Router(tags=["paths"], auth=token_or_session)


@router.get("/paths/current", response=PathOut, summary="The current path and its milestones")
def current_path(request: HttpRequest):
    path = path_current_get()
    if path is None:
        raise NotFound("There is no current path yet.")
    return path


@router.get(
    "/paths/{int:path_id}/positions",
    response=list[PositionOut],
    summary="Where each member of the viewer's group stands (organisers/mentors: `group`)",
)
def positions(request: HttpRequest, path_id: int, group: int | None = None):
    path = path_get(path_id=path_id)
    if path is None:
        raise NotFound("No such path.")
    group_id = group if group is not None else request.user.group_id
    if group_id is None:
        raise InvalidInput("Say which group: ?group=<id>.")
    visible = group_get_for_viewer(viewer=request.user, group_id=group_id)
    return path_markers_for_group(path=path, group_id=visible.pk, viewer_id=request.user.pk)
