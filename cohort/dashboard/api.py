from django.http import HttpRequest
from ninja import Query, Router

from cohort.accounts.api import user_out
from cohort.accounts.auth import token_or_session
from cohort.accounts.schemas import UserOut
from cohort.dashboard.rows import Filters, dashboard_page
from cohort.dashboard.schemas import DashboardOut, DashboardQuery
from cohort.notifications.unread import unread_count_get

router = Router(tags=["me"], auth=token_or_session)


class MeOut(UserOut):
    unread_count: int


@router.get("/me", response=MeOut, summary="The signed-in viewer")
def me(request: HttpRequest):
    return {**user_out(request.user), "unread_count": unread_count_get(user_id=request.user.pk)}


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
