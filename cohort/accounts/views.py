from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cohort.accounts import forms, permissions
from cohort.accounts.models import Group
from cohort.accounts.selectors import (
    group_can_manage,
    group_get_for_manager,
    group_get_for_viewer,
    group_is_led_by,
    group_members_cached,
    group_members_list,
    personal_password_missing_for_division,
    profile_sections,
    user_get_for_viewer,
)
from cohort.accounts.services.groups import group_leader_set, group_password_rotate
from cohort.accounts.services.invites import invite_accept, invite_group_get, invite_token_create
from cohort.accounts.services.members import member_add, member_remove, member_remove_check
from cohort.accounts.services.personal_password import personal_password_set
from cohort.accounts.services.profile import (
    profile_leetcode_set,
    profile_privacy_set,
    profile_update,
    time_zones_available,
)
from cohort.accounts.services.registration import group_register
from cohort.accounts.services.signin import (
    SESSION_ENDED,
    sign_in,
    sign_out,
    signin_complete,
    signin_failed,
    signin_guard,
)
from cohort.accounts.services.two_factor import (
    two_factor_device,
    two_factor_recovery_codes_left,
)
from cohort.accounts.tokens import api_token_create, api_token_revoke
from cohort.core.confirm import confirmation_needed, confirmation_page
from cohort.core.exceptions import DomainError
from cohort.core.http import client_ip


def _safe_next(request, target: str | None = None) -> str:
    target = target or request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse("dashboard:home")


@require_http_methods(["GET", "POST"])
def login_view(request):
    form = forms.SignInForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            sign_in(
                request, email=form.cleaned_data["email"], password=form.cleaned_data["password"]
            )
            return redirect(_safe_next(request))
        except DomainError as exc:
            form.add_error(None, exc.detail)
            status = exc.status_code
    elif request.session.pop(SESSION_ENDED, False):
        messages.info(request, _("Your session ended. Please sign in again."))
    context = {"form": form, "next": request.GET.get("next", "")}
    return render(request, "accounts/login.html", context, status=status)


@require_POST
def logout_view(request):
    sign_out(request)
    return redirect("accounts:login")


@require_http_methods(["GET", "POST"])
def join_view(request, token: str):
    try:
        group = invite_group_get(token=token)
    except DomainError as exc:
        return render(request, "accounts/join.html", {"error": exc.detail}, status=410)
    form = forms.JoinForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            user = invite_accept(token=token, ip=client_ip(request), **form.cleaned_data)
            signin_complete(request, user)
            messages.success(
                request,
                _(
                    "Welcome to %(name)s! Next time, sign in with your email and the "
                    "group password your leader shares."
                )
                % {"name": group.name},
            )
            return redirect("dashboard:home")
        except DomainError as exc:
            form.add_error(None, exc.detail)
            status = exc.status_code
    return render(request, "accounts/join.html", {"group": group, "form": form}, status=status)


@require_http_methods(["GET", "POST"])
def register_view(request):
    if not settings.REGISTRATION_OPEN:
        raise Http404(_("Registration is closed."))
    form = forms.RegisterForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            _group, leader = group_register(
                group_name=data["group_name"],
                password=data["password"],
                email=data["email"],
                display_name=data["display_name"],
                ip=client_ip(request),
            )
            signin_complete(request, leader)
            messages.info(
                request,
                _(
                    "Your group is ready. Now set your personal password: leaders need one to use "
                    "the leader tools."
                ),
            )
            return redirect(reverse("accounts:personal-password") + "?next=/group/")
        except DomainError as exc:
            form.add_error(None, exc.detail)
            status = exc.status_code
    return render(request, "accounts/register.html", {"form": form}, status=status)


def render_group(request, group: Group, *, status: int = 200, **forms_in_error):
    """The group page (group_import_views.py renders it too), with forms in error."""
    manage = group_can_manage(viewer=request.user, group=group)
    members = group_members_cached(group=group)
    context = {
        "group": group,
        "members": members,
        "can_manage": manage,
        # A leader with only the shared password is told to set their own, not given tools.
        "leader_needs_password": not manage and group_is_led_by(viewer=request.user, group=group),
        "password_form": forms_in_error.get("password_form") or forms.NewPasswordForm(),
        "member_form": forms_in_error.get("member_form") or forms.MemberForm(),
        "leader_form": forms_in_error.get("leader_form")
        or forms.LeaderForm(members=group_members_list(group=group)),
        "error": forms_in_error.get("error"),
        # The one form that came back with errors, for the summary at the top of the page.
        "error_form": next(
            (f for k, f in forms_in_error.items() if k.endswith("_form") and f.errors), None
        ),
        "import_form": forms_in_error.get("import_form") or forms.MembersCsvForm(for_leader=True),
        "import_result": forms_in_error.get("import_result"),
        "apply_form": forms_in_error.get("apply_form"),
    }
    if manage:
        token = invite_token_create(group=group)
        context["invite_url"] = request.build_absolute_uri(reverse("accounts:join", args=[token]))
    return render(request, "accounts/group.html", context, status=status)


@login_required
def group_view(request, group_id: int | None = None):
    if group_id is None:
        if request.user.group_id is None:
            context = {
                "groups": _visible_groups(request),
                "may_see_people": permissions.may_see_people(request.user),
            }
            return render(request, "accounts/group_list.html", context)
        group_id = request.user.group_id
    return render_group(request, group_get_for_viewer(viewer=request.user, group_id=group_id))


def _visible_groups(request):
    return Group.objects.for_viewer(request.user).select_related("leader", "division")[:500]


def _group_post(request, group_id: int, form, action, *, form_key: str, success: str):
    """The leader's POST views: validate, call one service, then redirect or re-render."""
    group = group_get_for_manager(viewer=request.user, group_id=group_id)
    if form.is_valid():
        try:
            action(group, form.cleaned_data)
            messages.success(request, success)
            return redirect("accounts:group-detail", group_id=group.pk)
        except DomainError as exc:
            form.add_error(None, exc.detail)
            return render_group(request, group, status=exc.status_code, **{form_key: form})
    return render_group(request, group, status=400, **{form_key: form})


@login_required
@require_POST
def group_password_view(request, group_id: int):
    def rotate(group, data):
        group_password_rotate(
            group=group, password=data["password"], actor=request.user, ip=client_ip(request)
        )
        if request.user.group_id == group.pk:
            # The changer's own session was bound to the old password: carry it over.
            request.user.refresh_from_db()
            update_session_auth_hash(request, request.user)

    return _group_post(
        request,
        group_id,
        forms.NewPasswordForm(request.POST),
        rotate,
        form_key="password_form",
        success="Password changed. Everyone signed in with the old one has been signed out and "
        "every member's API tokens were revoked (each member got a notification to create new "
        "ones for their devices); share the new password with your group.",
    )


@login_required
@require_POST
def group_member_add_view(request, group_id: int):
    def add(group, data):
        member_add(group=group, actor=request.user, ip=client_ip(request), **data)

    return _group_post(
        request,
        group_id,
        forms.MemberForm(request.POST),
        add,
        form_key="member_form",
        success="Member added. They sign in with their email and the group password.",
    )


@login_required
@require_POST
def group_member_remove_view(request, group_id: int, user_id: int):
    group = group_get_for_manager(viewer=request.user, group_id=group_id)
    user = user_get_for_viewer(viewer=request.user, user_id=user_id)
    if user.group_id != group.pk:
        raise Http404(_("No such member."))
    try:
        member_remove_check(user=user, actor=request.user)
        if confirmation_needed(request):
            return confirmation_page(
                request,
                question=_("Remove %(display_name)s from %(name)s?")
                % {"display_name": user.display_name, "name": group.name},
                consequence=_(
                    "%(display_name)s (%(email)s) can no longer sign in and "
                    "their API tokens stop working at once. Their history stays; only an "
                    "organiser can bring them back."
                )
                % {"display_name": user.display_name, "email": user.email},
                action_label=_("Remove %(display_name)s") % {"display_name": user.display_name},
                cancel_url=reverse("accounts:group-detail", args=[group.pk]),
            )
        member_remove(user=user, actor=request.user, ip=client_ip(request))
    except DomainError as exc:
        return render_group(request, group, status=exc.status_code, error=exc.detail)
    messages.success(
        request, _("%(display_name)s has left the group.") % {"display_name": user.display_name}
    )
    return redirect("accounts:group-detail", group_id=group.pk)


@login_required
@require_POST
def group_leader_view(request, group_id: int):
    group = group_get_for_manager(viewer=request.user, group_id=group_id)
    form = forms.LeaderForm(request.POST, members=group_members_list(group=group))
    if form.is_valid() and confirmation_needed(request):
        new_leader = form.cleaned_data["leader"]
        you = group.leader_id == request.user.pk
        return confirmation_page(
            request,
            question=_("Make %(display_name)s the leader of %(name)s?")
            % {"display_name": new_leader.display_name, "name": group.name},
            consequence=(
                _(
                    "You will no longer manage the group: only the new leader or an organiser "
                    "can hand leadership back."
                )
                if you
                else _("%(name)s will manage the group's members and password.")
                % {"name": new_leader.display_name}
            ),
            action_label=_("Make %(display_name)s leader")
            % {"display_name": new_leader.display_name},
            cancel_url=reverse("accounts:group-detail", args=[group.pk]),
        )

    def hand_over(group, data):
        group_leader_set(
            group=group, user=data["leader"], actor=request.user, ip=client_ip(request)
        )

    return _group_post(
        request, group_id, form, hand_over, form_key="leader_form", success="Leadership handed on."
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile_view(request):
    """The viewer's profile: personal password, privacy, LeetCode and API tokens (a new
    token is shown once, on this answer)."""
    status = 200
    new_token = None
    leetcode_form = forms.LeetCodeForm(
        request.POST if "leetcode" in request.POST else None,
        initial={"leetcode_username": request.user.leetcode_username},
    )
    token_form = forms.TokenForm()
    profile_form = _profile_form(request)
    sections = profile_sections(request.user)
    if profile_form.is_bound:
        if profile_form.is_valid():
            return _profile_save(request, profile_form)
        status = 400
    elif _posted_section(request) not in sections:
        messages.error(request, _("That part of the profile is for members."))
        status = 403
    elif leetcode_form.is_bound:
        if leetcode_form.is_valid():
            return _leetcode_save(request, leetcode_form)
        status = 400
    elif request.method == "POST":
        try:
            if "privacy" in request.POST:
                return _privacy_save(request)
            if "revoke" in request.POST:
                return _token_revoke(request)
            token_form = forms.TokenForm(request.POST)
            new_token, status = _token_create(request, token_form)
        except DomainError as exc:
            messages.error(request, exc.detail)
            status = exc.status_code
    tokens = list(request.user.api_tokens.all())
    context = {
        "tokens": tokens,
        "has_live_tokens": any(not t.revoked_at and not t.is_expired for t in tokens),
        "passkeys": request.user.passkeys.all(),
        "new_token": new_token,
        "leetcode_form": leetcode_form,
        "token_form": token_form if status >= 400 else forms.TokenForm(),
        "password_form": forms.PersonalPasswordForm(user=request.user),
        "token_max_age_days": settings.API_TOKEN_MAX_AGE_DAYS,
        "recovery_codes_left": _recovery_codes_left(request.user),
        "error_form": next(
            (f for f in (profile_form, leetcode_form, token_form) if f.errors), None
        ),
        "profile_form": profile_form,
        "sections": sections,
        "time_zones": time_zones_available(),
    }
    return render(request, "accounts/profile.html", context, status=status)


def _recovery_codes_left(user) -> int | None:
    """An enrolled organiser's unused recovery codes; None for everyone else (no queries)."""
    if not permissions.is_organiser(user) or two_factor_device(user) is None:
        return None
    return two_factor_recovery_codes_left(user)


def _posted_section(request) -> str:
    """Which profile section a POST belongs to ("about" for a GET: always offered)."""
    if request.method != "POST":
        return "about"
    for field, section in (
        ("leetcode", "leetcode"),
        ("privacy", "privacy"),
        ("revoke", "token-revoke"),
    ):
        if field in request.POST:
            return section
    return "tokens"  # the token form has no marker field


def _profile_form(request) -> forms.ProfileForm:
    user = request.user
    initial = {
        f: getattr(user, f) for f in ("display_name", "time_zone", "marker_colour", "language")
    }
    return forms.ProfileForm(request.POST if "profile" in request.POST else None, initial=initial)


def _profile_save(request, form):
    profile_update(user=request.user, **form.cleaned_data)
    messages.success(request, _("Your name, time zone and marker colour are saved."))
    return redirect("accounts:profile")


@login_required
@require_POST
def profile_time_zone_view(request):
    """The one-click offer of the browser's zone (static/js/time-zone-offer.js): take it, or
    keep the current zone; either way the member has chosen and is not asked again."""
    try:
        profile_update(user=request.user, time_zone=request.POST.get("time_zone", ""))
        messages.success(
            request, _("Your time zone is %(time_zone)s.") % {"time_zone": request.user.time_zone}
        )
    except DomainError as exc:
        messages.error(request, exc.detail)
    return redirect(_safe_next(request))


def _privacy_save(request):
    profile_privacy_set(user=request.user, hide_name=request.POST.get("hide_name") == "on")
    messages.success(request, _("Your leaderboard name setting is saved."))
    return redirect("accounts:profile")


def _token_revoke(request):
    api_token_revoke(
        user=request.user, token_id=_int(request.POST["revoke"]), ip=client_ip(request)
    )
    messages.success(request, _("Token revoked: scripts using it stop working now."))
    return redirect("accounts:profile")


def _token_create(request, form) -> tuple[dict | None, int]:
    """The new token with its raw value and 201, or None and 422 (the form says why)."""
    if not form.is_valid():
        return None, 422
    token, raw = api_token_create(
        user=request.user,
        name=form.cleaned_data["name"],
        scope=form.cleaned_data["scope"],
        ip=client_ip(request),
    )
    return {"token": token, "raw": raw}, 201


@login_required
@require_http_methods(["GET", "POST"])
def personal_password_view(request):
    """Set or change the member's own password. Members of a division that requires one are
    sent here (and kept here) by PersonalPasswordMiddleware."""
    form = forms.PersonalPasswordForm(request.POST or None, user=request.user)
    status = 200
    if request.method == "POST":
        try:
            signin_guard(request, request.user.email)  # guessing the current one is limited
            if form.is_valid():
                return _personal_password_save(request, form)
            if form.data.get("current") and "current" in form.errors:
                signin_failed(request, request.user.email)  # a wrong guess, not a blank
            status = 400
        except DomainError as exc:
            form.add_error(None, exc.detail)
            status = exc.status_code
    context = {
        "form": form,
        "next": _safe_next(request) if _has_next(request) else "",
        "needs_password": personal_password_missing_for_division(request.user),
    }
    return render(request, "accounts/personal_password.html", context, status=status)


def _personal_password_save(request, form):
    personal_password_set(
        user=request.user,
        current=form.cleaned_data["current"],
        password=form.cleaned_data["password"],
        ip=client_ip(request),
    )
    update_session_auth_hash(request, request.user)  # this session stays; the others end
    messages.success(
        request,
        _(
            "Your personal password is set: from now on only it signs in as you, not the group "
            "password. Your other sessions have ended and your API tokens were revoked; create "
            "new ones below if your devices need them."
        ),
    )
    return redirect(_safe_next(request) if _has_next(request) else "accounts:profile")


def _has_next(request) -> bool:
    return bool(request.POST.get("next") or request.GET.get("next"))


def _leetcode_save(request, form):
    profile_leetcode_set(user=request.user, username=form.cleaned_data["leetcode_username"])
    messages.success(
        request, _("Your LeetCode username is saved; your streak follows at the next sync.")
    )
    return redirect("accounts:profile")


def _int(value: str) -> int:
    return int(value) if str(value).isdigit() else 0
