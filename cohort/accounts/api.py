from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.security import django_auth

from cohort.accounts import permissions
from cohort.accounts.models import Division, User
from cohort.accounts.schemas import (
    GroupIn,
    GroupOut,
    LoginIn,
    MemberIn,
    MemberOut,
    TokenCreatedOut,
    TokenIn,
    TokenOut,
    UserOut,
)
from cohort.accounts.selectors import group_get_for_viewer
from cohort.accounts.services.groups import group_create
from cohort.accounts.services.members import member_add_or_restore
from cohort.accounts.services.signin import sign_in, sign_out
from cohort.accounts.tokens import api_token_create, api_token_revoke
from cohort.core.exceptions import NotFound
from cohort.core.http import client_ip, same_origin_json_required

auth_router = Router(tags=["auth"])
tokens_router = Router(tags=["tokens"], auth=django_auth)
groups_router = Router(tags=["groups"], auth=django_auth)


def user_out(user: User) -> dict:
    group = user.group
    return {
        "id": user.pk,
        "email": user.email,
        "display_name": user.display_name,
        "role": user.role,
        "time_zone": user.time_zone,
        "marker_colour": user.marker_colour,
        "language": user.language,
        "group": {"id": group.pk, "name": group.name} if group else None,
        "is_group_leader": bool(group and group.leader_id == user.pk),
    }


@auth_router.post("/login", response={200: UserOut}, summary="Sign in with the group password")
def login(request: HttpRequest, payload: LoginIn):
    """401 for a wrong email/password pair, 429 (with Retry-After) once locked out; 415 for a
    body that is not JSON and 403 for another site's Origin or Referer (sign-in CSRF)."""
    same_origin_json_required(request)
    return user_out(sign_in(request, email=payload.email, password=payload.password))


@auth_router.post("/logout", response={204: None}, auth=django_auth, summary="Sign out")
def logout(request: HttpRequest):
    sign_out(request)
    return Status(204, None)


@groups_router.post("", response={201: GroupOut}, summary="Create a group (organisers)")
def create_group(request: HttpRequest, payload: GroupIn):
    permissions.organiser_require(request.user)
    division = None
    if payload.division_id is not None:
        division = Division.objects.filter(pk=payload.division_id).first()
        if division is None:
            raise NotFound(_("No such division."))
    group = group_create(
        name=payload.name,
        password=payload.password,
        division=division,
        actor=request.user,
        ip=client_ip(request),
    )
    return Status(201, group)


@groups_router.post(
    "/{int:group_id}/members",
    response={201: MemberOut},
    summary="Add a member, or bring back a removed one (organisers); 409 when the group is full",
)
def add_member(request: HttpRequest, group_id: int, payload: MemberIn):
    """A new email makes a new member; the email of a member without a group (removed)
    brings that account back, its old API tokens still revoked. 409 when full or when the
    email belongs to someone in a group or on the staff."""
    permissions.organiser_require(request.user)
    group = group_get_for_viewer(viewer=request.user, group_id=group_id)
    user = member_add_or_restore(
        group=group,
        email=payload.email,
        display_name=payload.display_name,
        actor=request.user,
        ip=client_ip(request),
    )
    return Status(201, user)


@tokens_router.get("", response=list[TokenOut], summary="The viewer's API tokens")
def list_tokens(request: HttpRequest):
    return list(request.user.api_tokens.all())


@tokens_router.post("", response={201: TokenCreatedOut}, summary="Create a token (shown once)")
def create_token(request: HttpRequest, payload: TokenIn):
    """Session only: a token never makes tokens. Expires after API_TOKEN_MAX_AGE_DAYS."""
    token, raw = api_token_create(
        user=request.user, name=payload.name, scope=payload.scope, ip=client_ip(request)
    )
    fields = ("id", "name", "prefix", "scope", "expires_at")
    return Status(201, {**{f: getattr(token, f) for f in fields}, "token": raw})


@tokens_router.delete("/{int:token_id}", response={204: None}, summary="Revoke a token")
def revoke_token(request: HttpRequest, token_id: int):
    api_token_revoke(user=request.user, token_id=token_id, ip=client_ip(request))
    return Status(204, None)
