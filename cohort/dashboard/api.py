from django.http import HttpRequest
from ninja import Router

from cohort.accounts.api import user_out
from cohort.accounts.auth import token_or_session
from cohort.accounts.schemas import UserOut
from cohort.notifications.unread import unread_count_get

router = Router(tags=["me"], auth=token_or_session)


class MeOut(UserOut):
    unread_count: int


@router.get("/me", response=MeOut, summary="The signed-in viewer")
def me(request: HttpRequest):
    return {**user_out(request.user), "unread_count": unread_count_get(user_id=request.user.pk)}
