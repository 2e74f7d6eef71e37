from django.http import FileResponse, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router

from cohort.accounts.api import user_out
from cohort.accounts.auth import token_or_session
from cohort.accounts.schemas import MeIn, UserOut
from cohort.accounts.services.profile import profile_update
from cohort.competition.leaderboards.services import leaderboards_rebuild_if_missing
from cohort.core.exceptions import NotFound
from cohort.core.http import client_ip
from cohort.dashboard.export import member_export
from cohort.dashboard.rows import Filters, dashboard_page
from cohort.dashboard.schemas import DashboardOut, DashboardQuery, SeasonCurrentOut
from cohort.dashboard.season import season_overview
from cohort.notifications.unread import unread_count_get

router = Router(tags=["me"], auth=token_or_session)


class ViewerOut(UserOut):
    unread_count: int


@router.get("/me", response=ViewerOut, summary="The signed-in viewer")
def me(request: HttpRequest):
    return {**user_out(request.user), "unread_count": unread_count_get(user_id=request.user.pk)}


@router.patch("/me", response=ViewerOut, summary="Change the viewer's name, zone or colour")
def me_update(request: HttpRequest, payload: MeIn):
    """Any of `display_name`, `time_zone` (an IANA zone such as Europe/Madrid),
    `marker_colour` (#rrggbb) and `language` (en, es, hi; "" for Accept-Language); omitted
    ones stay. 422 for an unknown zone, an empty name or
    a colour that is not #rrggbb. Session only: a token may not change the profile (403)."""
    profile_update(user=request.user, **payload.dict(exclude_unset=True))
    return me(request)


@router.get("/me/export", summary="Everything about the viewer, as a zip", response={200: None})
def me_export(request: HttpRequest):
    """A zip of JSON and CSV files (profile, days, points ledger, scores, submissions with
    their files, messages, notifications; README.txt lists them). A `read` token may call
    it (it is a GET). At most 5 an hour per person (429 with Retry-After); audited."""
    out, name = member_export(user=request.user, ip=client_ip(request))
    response = FileResponse(out, as_attachment=True, filename=name, content_type="application/zip")
    response["Cache-Control"] = "no-store"
    return response


@router.get("/dashboard", response=DashboardOut, summary="Member rows with progress")
def dashboard(request: HttpRequest, query: Query[DashboardQuery]):
    """The viewer's group (`scope=group`, the default), or everyone they look after
    (`scope=all`: organisers, coordinators, mentors), 50 a page; follow `next`."""
    filters = Filters(
        scope=query.scope,
        order=query.order,
        group_id=query.group,
        search=query.q,
        progress_min=query.progress_min,
        progress_max=query.progress_max,
    )
    return dashboard_page(request, viewer=request.user, filters=filters, cursor=query.cursor)


@router.get("/seasons/current", response=SeasonCurrentOut, summary="The current season")
def season_current_view(request: HttpRequest):
    """The running season with its episodes (their state for the viewer: `locked` until the
    previous episode's required work is approved, `unlocked`, or `done`), the categories with
    the viewer's points against each cap, their season score and rank, legacy score,
    credits and streaks. 404 between seasons."""
    overview = season_overview(viewer=request.user)
    leaderboards_rebuild_if_missing(is_board_missing=overview.is_board_missing)
    season = overview.season
    if season is None:
        raise NotFound(_("No season is running."))
    return {
        "season": {**vars(season), "days_left": overview.days_left},
        "episodes": [{**vars(e.episode), "state": e.state} for e in overview.episodes],
        "categories": [
            {
                "name": c.category.name,
                "cap": c.category.season_cap,
                "points": c.points,
                "counted": c.counted,
            }
            for c in overview.categories
        ],
        "score": overview.score,
        "rank": overview.rank,
        "legacy_score": overview.legacy,
        "credits": overview.wallet.balance if overview.wallet else None,
        "streaks": [vars(s) for s in overview.streaks],
    }
