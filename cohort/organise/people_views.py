"""The console's People pages (/organise/people/): upload a members CSV, check every line
in a preview, apply it all or nothing (accounts.services.imports, as `import_members`);
groups in bulk with generated passwords shown once; a printable sign-in sheet per group;
move, remove and restore members. Organisers change; coordinators read their division's
groups and print their sheets (permissions.may_see_people)."""

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cohort.accounts import permissions
from cohort.accounts.forms import ImportApplyForm, MembersCsvForm, import_errors_message
from cohort.accounts.selectors import (
    PEOPLE_PAGE_SIZE,
    former_members_list,
    group_choices_for_viewer,
    group_get_for_viewer,
    group_members_list,
    groups_named,
    member_get_for_people,
    people_groups_page,
)
from cohort.accounts.services.groups import groups_create_bulk
from cohort.accounts.services.import_uploads import (
    import_upload_forget,
    import_upload_get,
    import_upload_keep,
    members_csv_read,
)
from cohort.accounts.services.imports import import_members_upload
from cohort.accounts.services.members import member_move, member_remove, member_restore
from cohort.core.confirm import confirmation_needed, confirmation_page
from cohort.core.exceptions import DomainError, InvalidInput
from cohort.core.http import client_ip
from cohort.organise.forms import GroupChoiceForm, GroupsBulkForm, SheetForm


def _people_page(request, *, status=200, csv_form=None, groups_form=None, error=None):
    query, after = request.GET.get("q", "")[:100], request.GET.get("after", "")[:100]
    groups = people_groups_page(viewer=request.user, query=query, after=after)
    context = {
        "groups": groups[:PEOPLE_PAGE_SIZE],
        "next_after": groups[PEOPLE_PAGE_SIZE - 1].name if len(groups) > PEOPLE_PAGE_SIZE else "",
        "query": query,
        "former": former_members_list(viewer=request.user, query=request.GET.get("fq", "")[:100]),
        "may_edit": permissions.may_manage_members(request.user),
        "csv_form": csv_form or MembersCsvForm(),
        "groups_form": groups_form or GroupsBulkForm(),
        "error_form": csv_form if csv_form is not None else groups_form,
        "error": error,
        # Computed once: a select per former member, not a query per select.
        "group_choices": group_choices_for_viewer(viewer=request.user),
    }
    return render(request, "organise/people.html", context, status=status)


@login_required
@require_GET
def people_view(request):
    """Groups (a page, searchable), the import and bulk-group forms, former members."""
    permissions.people_viewer_require(request.user)
    return _people_page(request)


def _csv_options(form) -> dict:
    return {
        "create_groups": form.cleaned_data["create_groups"],
        "move_members": form.cleaned_data["move_members"],
    }


@login_required
@require_POST
def people_import_view(request):
    """Check an uploaded CSV (a dry run) and show every line. Without errors the file is
    kept server-side for the Apply button; with any, nothing is kept or written and the
    file is asked for again beside the lines to fix."""
    permissions.members_manager_require(request.user)
    form = MembersCsvForm(request.POST, request.FILES)
    if not form.is_valid():
        return _people_page(request, status=422, csv_form=form)
    try:
        data = members_csv_read(form.cleaned_data["file"])
    except DomainError as exc:
        form.add_error("file", exc.detail)
        return _people_page(request, status=exc.status_code, csv_form=form)
    options = _csv_options(form)
    result = import_members_upload(
        data, **options, generate_passwords=True, dry_run=True, actor=request.user
    )
    context = {"result": result, "file_name": form.cleaned_data["file"].name}
    if result.errors:
        form.add_error("file", import_errors_message(result))
        context["csv_form"] = form  # its checkboxes kept; a browser never keeps the file
        return render(request, "organise/people_import.html", context, status=422)
    key = import_upload_keep(
        user_id=request.user.pk, data=data, name=context["file_name"], options=options
    )
    context["apply_form"] = ImportApplyForm(initial={"key": key, "welcome": True})
    return render(request, "organise/people_import.html", context)


@login_required
@require_POST
def people_import_apply_view(request):
    """Apply a previewed import, all or nothing; new groups' passwords shown this once."""
    permissions.members_manager_require(request.user)
    form = ImportApplyForm(request.POST)
    try:
        if not form.is_valid():
            raise InvalidInput(_("This preview is not valid: upload the file again."))
        key = form.cleaned_data["key"]
        kept = import_upload_get(user_id=request.user.pk, token=key)
    except DomainError as exc:
        return _people_page(request, status=exc.status_code, error=exc.detail)
    result = import_members_upload(
        kept.data,
        **kept.options,
        generate_passwords=True,
        welcome=form.cleaned_data["welcome"],
        actor=request.user,
    )
    context = {"result": result, "file_name": kept.name, "applied": result.written}
    if result.errors:  # something changed since the preview: the report says what
        context["csv_form"] = MembersCsvForm(initial=kept.options)
        context["error"] = _("Since the preview, some lines stopped fitting: nothing was written.")
        return render(request, "organise/people_import.html", context, status=409)
    import_upload_forget(user_id=request.user.pk, token=key)
    context["welcomed"] = form.cleaned_data["welcome"]
    named = groups_named(names=list(result.passwords))
    context["made"] = [(named[name], pw) for name, pw in result.passwords.items()]
    return render(request, "organise/people_import.html", context)


@login_required
@require_POST
def groups_create_view(request):
    """Groups in bulk, each with a generated password shown on this answer only."""
    permissions.members_manager_require(request.user)
    form = GroupsBulkForm(request.POST)
    if form.is_valid():
        try:
            made = groups_create_bulk(
                names=form.cleaned_data["names"].splitlines(),
                division=form.cleaned_data["division"],
                actor=request.user,
                ip=client_ip(request),
            )
        except DomainError as exc:
            form.add_error("names", exc.detail)
            return _people_page(request, status=exc.status_code, groups_form=form)
        context = {"made": made}
        return render(request, "organise/groups_created.html", context)
    return _people_page(request, status=422, groups_form=form)


def _group_page(request, group, *, status=200, error=None, move_form=None):
    context = {
        "group": group,
        "members": list(group_members_list(group=group)),
        "may_edit": permissions.may_manage_members(request.user),
        "move_form": move_form,
        "group_choices": group_choices_for_viewer(viewer=request.user),
        "sheet_form": SheetForm(),
        "error": error,
        "error_form": move_form,
    }
    return render(request, "organise/people_group.html", context, status=status)


@login_required
@require_GET
def people_group_view(request, group_id: int):
    """A group's members, each with move and remove (organisers), and its sheet."""
    permissions.people_viewer_require(request.user)
    return _group_page(request, group_get_for_viewer(viewer=request.user, group_id=group_id))


@login_required
@require_POST
def member_move_view(request, user_id: int):
    permissions.members_manager_require(request.user)
    user = member_get_for_people(viewer=request.user, user_id=user_id)
    form = GroupChoiceForm(request.POST)
    back = user.group
    if form.is_valid():
        target = form.cleaned_data["group"]
        try:
            member_move(user=user, to_group=target, actor=request.user, ip=client_ip(request))
        except DomainError as exc:
            form.add_error("group", exc.detail)
        else:
            messages.success(
                request,
                _("%(name)s moved to %(group)s.") % {"name": user.display_name, "group": target},
            )
            return redirect("organise:people-group", group_id=back.pk if back else target.pk)
    if back is None:
        return _people_page(request, status=422)
    return _group_page(request, back, status=422, move_form=form)


@login_required
@require_POST
def member_remove_view(request, user_id: int):
    permissions.members_manager_require(request.user)
    user = member_get_for_people(viewer=request.user, user_id=user_id)
    group = user.group
    if group is None:
        messages.info(request, _("%(name)s is not in a group.") % {"name": user.display_name})
        return redirect("organise:people")
    if confirmation_needed(request):
        return confirmation_page(
            request,
            question=_("Remove %(name)s from %(group)s?")
            % {"name": user.display_name, "group": group.name},
            consequence=_(
                "%(name)s (%(email)s) can no longer sign in and their API tokens stop working "
                "at once. Their history stays; you can bring them back from the People page."
            )
            % {"name": user.display_name, "email": user.email},
            action_label=_("Remove %(name)s") % {"name": user.display_name},
            cancel_url=reverse("organise:people-group", args=[group.pk]),
        )
    try:
        member_remove(user=user, actor=request.user, ip=client_ip(request))
    except DomainError as exc:
        return _group_page(request, group, status=exc.status_code, error=exc.detail)
    messages.success(request, _("%(name)s has left the group.") % {"name": user.display_name})
    return redirect("organise:people-group", group_id=group.pk)


@login_required
@require_POST
def member_restore_view(request, user_id: int):
    """Bring a former member back into a group (organisers only: member_restore)."""
    permissions.members_manager_require(request.user)
    user = member_get_for_people(viewer=request.user, user_id=user_id)
    form = GroupChoiceForm(request.POST)
    error = _("Choose the group to bring them back into.")
    if form.is_valid():
        group = form.cleaned_data["group"]
        try:
            member_restore(user=user, group=group, actor=request.user, ip=client_ip(request))
        except DomainError as exc:
            error = exc.detail
        else:
            messages.success(
                request,
                _("%(name)s is back in %(group)s.") % {"name": user.display_name, "group": group},
            )
            return redirect("organise:people-group", group_id=group.pk)
    messages.error(request, error)
    return redirect("organise:people")


def _qr_svg(url: str) -> str:
    """The QR code as inline SVG scaled by its viewBox (the sheet's CSS sets its size)."""
    return segno.make(url, error="m").svg_inline(scale=1, border=2, omitsize=True, title=url)


@login_required
@require_http_methods(["GET", "POST"])
def sign_in_sheet_view(request, group_id: int):
    """A printable sheet: the group, where to sign in (and its QR code), the password when
    the organiser typed it (checked against the group's), the members. POST keeps the
    password out of the address and the logs."""
    permissions.people_viewer_require(request.user)
    group = group_get_for_viewer(viewer=request.user, group_id=group_id)
    form = SheetForm(request.POST or None)
    password, status = "", 200
    if form.is_bound and form.is_valid():
        password = form.cleaned_data["password"]
        if password and not group.check_password(password):
            form.add_error("password", _("That is not the group's current password."))
            password, status = "", 422
    sign_in_url = request.build_absolute_uri(reverse("accounts:login"))
    context = {
        "group": group,
        "members": list(group_members_list(group=group)),
        "sign_in_url": sign_in_url,
        "qr_svg": _qr_svg(sign_in_url),
        "password": password,
        "form": form,
    }
    return render(request, "organise/sign_in_sheet.html", context, status=status)
