"""A group leader's bulk tools on their group page: a members CSV of up to the group's 20
places, every line checked and shown before anything is written, applied all or nothing
with welcome emails (the same service as the console's People page and `import_members`).
Organisers use them on any group page too."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_POST

from cohort.accounts import forms
from cohort.accounts.selectors import group_get_for_manager
from cohort.accounts.services.import_uploads import (
    import_upload_forget,
    import_upload_get,
    import_upload_keep,
    members_csv_read,
)
from cohort.accounts.services.imports import import_members_upload
from cohort.accounts.views import render_group
from cohort.core.exceptions import DomainError, InvalidInput


@login_required
@require_POST
def group_import_view(request, group_id: int):
    """A leader's (or organiser's) members CSV for this group: every line checked and shown;
    without errors the file is kept for the Apply button, with any nothing is kept."""
    group = group_get_for_manager(viewer=request.user, group_id=group_id)
    form = forms.MembersCsvForm(request.POST, request.FILES, for_leader=True)
    if not form.is_valid():
        return render_group(request, group, status=422, import_form=form)
    try:
        data = members_csv_read(form.cleaned_data["file"])
    except DomainError as exc:
        form.add_error("file", exc.detail)
        return render_group(request, group, status=exc.status_code, import_form=form)
    result = import_members_upload(data, only_group=group, dry_run=True, actor=request.user)
    if result.errors:
        form.add_error("file", forms.import_errors_message(result))
        return render_group(request, group, status=422, import_form=form, import_result=result)
    options = {"group_id": group.pk}
    key = import_upload_keep(user_id=request.user.pk, data=data, name="", options=options)
    apply_form = forms.ImportApplyForm(initial={"key": key, "welcome": True})
    return render_group(request, group, import_result=result, apply_form=apply_form)


@login_required
@require_POST
def group_import_apply_view(request, group_id: int):
    """Apply a previewed CSV to this group, all or nothing, with welcome emails if asked."""
    group = group_get_for_manager(viewer=request.user, group_id=group_id)
    form = forms.ImportApplyForm(request.POST)
    try:
        if not form.is_valid():
            raise InvalidInput(gettext("This preview is not valid: choose the file again."))
        key = form.cleaned_data["key"]
        kept = import_upload_get(user_id=request.user.pk, token=key)
        if kept.options.get("group_id") != group.pk:
            raise InvalidInput(gettext("This preview is for another group."))
    except DomainError as exc:
        return render_group(request, group, status=exc.status_code, error=exc.detail)
    result = import_members_upload(
        kept.data,
        only_group=group,
        welcome=form.cleaned_data["welcome"],
        actor=request.user,
    )
    if result.errors:  # the group changed since the preview (filled up, say)
        return render_group(
            request,
            group,
            status=409,
            import_result=result,
            error=gettext("Since the preview, some lines stopped fitting: nothing was written."),
        )
    import_upload_forget(user_id=request.user.pk, token=key)
    messages.success(
        request,
        ngettext("%(count)s member added.", "%(count)s members added.", result.created)
        % {"count": result.created}
        + (
            " " + gettext("Each is being sent a welcome email.")
            if form.cleaned_data["welcome"]
            else ""
        ),
    )
    return redirect("accounts:group-detail", group_id=group.pk)
