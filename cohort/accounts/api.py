from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile
from ninja.security import django_auth

from cohort.accounts import permissions
from cohort.accounts.models import Division, User
from cohort.accounts.schemas import (
    GroupIn,
    GroupOut,
    ImportReportOut,
    LoginIn,
    MemberIn,
    MemberOut,
    TokenCreatedOut,
    TokenIn,
    TokenOut,
    UserOut,
)
from cohort.accounts.selectors import group_get_for_viewer, members_import_scope
from cohort.accounts.services.groups import group_create
from cohort.accounts.services.import_uploads import members_csv_read
from cohort.accounts.services.imports import ImportResult, import_members_upload
from cohort.accounts.services.members import member_add_or_restore
from cohort.accounts.services.signin import sign_in, sign_out
from cohort.accounts.tokens import api_token_create, api_token_revoke
from cohort.core.exceptions import NotFound
from cohort.core.http import client_ip, same_origin_json_required

auth_router = Router(tags=["auth"])
tokens_router = Router(tags=["tokens"], auth=django_auth)
groups_router = Router(tags=["groups"], auth=django_auth)
imports_router = Router(tags=["imports"], auth=django_auth)


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


def import_report(result: ImportResult, *, dry_run: bool) -> dict:
    return {
        "dry_run": dry_run,
        "written": result.written,
        "created": result.created,
        "moved": result.moved,
        "unchanged": result.unchanged,
        "groups_created": result.new_groups,
        "passwords": result.passwords,
        "rows": [vars(row) for row in result.rows],
    }


@imports_router.post(
    "/members",
    response={200: ImportReportOut, 201: ImportReportOut},
    summary="Import members from a CSV (organisers; a leader into their own group)",
)
def import_members_api(
    request: HttpRequest,
    file: File[UploadedFile] = None,
    dry_run: Form[bool] = False,
    create_groups: Form[bool] = False,
    move_members: Form[bool] = False,
    welcome: Form[bool] = True,
):
    """Multipart: `file` (UTF-8 CSV, header `email,name,group`), `dry_run`, `create_groups`
    (new groups get generated passwords, in `passwords` this once), `move_members` (members
    of other groups move into the row's group), `welcome` (email each new member their
    group's invite link and how to sign in; default on). The same all-or-nothing service as
    `manage.py import_members`: 200 with the per-line report for a dry run, 201 once
    written, 422 with every bad line (`detail`: one object per line; `rows`: the report)
    and nothing written; 413 for a file over MEMBERS_CSV_MAX_BYTES. A group leader imports
    into their own group only (the group column may be left out), up to its 20 places."""
    scope = members_import_scope(viewer=request.user)
    data = members_csv_read(file)
    result = import_members_upload(
        data,
        create_groups=create_groups,
        move_members=move_members,
        only_group=scope,
        generate_passwords=True,
        welcome=welcome,
        dry_run=dry_run,
        actor=request.user,
    )
    report = import_report(result, dry_run=dry_run)
    if result.errors:
        detail = [{"loc": ["file", line], "line": line, "msg": msg} for line, msg in result.errors]
        # The contract's Error ({"detail": [one object per problem]}), with the report beside.
        return JsonResponse({"detail": detail, "rows": report["rows"]}, status=422)
    return Status(200 if dry_run else 201, report)


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
