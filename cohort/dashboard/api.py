from django.http import HttpRequest
from ninja import Router

from cohort.accounts.api import user_out
from cohort.accounts.auth import token_or_session
from cohort.accounts.schemas import UserOut

router = Router(tags=["me"], auth=token_or_session)


@router.get("/me", response=UserOut, summary="The signed-in viewer")
def me(request: HttpRequest):
    return user_out(request.user)
