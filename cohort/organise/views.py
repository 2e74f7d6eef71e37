"""The organisers' path editor: paths from a route file or an image, their details, the
milestones on the map (dragged into place) and their postcards, making one current.
Coordinators and mentors see the same pages without the forms (permissions.may_manage_paths)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cohort.accounts import permissions
from cohort.core.exceptions import DomainError, PermissionDenied
from cohort.dashboard.map_data import map_payload
from cohort.devices.selectors import device_overview_for_viewer, device_providers_status
from cohort.journeys.models import Milestone, Path
from cohort.journeys.selectors import path_current_get, path_get
from cohort.journeys.services import path_import, path_make_current
from cohort.journeys.services.editor import (
    milestone_add,
    milestone_move,
    milestone_update,
    path_details_update,
    path_from_image_create,
)
from cohort.organise.forms import (
    MilestoneAddForm,
    MilestoneForm,
    PathDetailsForm,
    PathFileForm,
    PathImageForm,
)

PATH_PAGES_ONLY = gettext_lazy("Only organisers, coordinators and mentors see the paths.")


def _require_viewer(user) -> None:
    if not permissions.may_see_every_path(user):
        raise PermissionDenied(PATH_PAGES_ONLY)


def _paths_page(request, *, status=200, file_form=None, image_form=None, error=None):
    current = path_current_get()
    context = {
        "paths": Path.objects.select_related("next_path").order_by("start_date", "id"),
        "current_id": current.id if current else None,
        "may_edit": permissions.may_manage_paths(request.user),
        "file_form": file_form or PathFileForm(prefix="route"),
        "image_form": image_form or PathImageForm(prefix="image"),
        "error_form": file_form if file_form is not None else image_form,
        "error": error,
    }
    return render(request, "organise/paths.html", context, status=status)


@login_required
@require_GET
def paths_view(request):
    """Every path, and (organisers) the two ways to make a new one."""
    _require_viewer(request.user)
    return _paths_page(request)


@login_required
@require_POST
def path_new_from_file_view(request):
    permissions.path_manager_require(request.user)
    form = PathFileForm(request.POST, request.FILES, prefix="route")
    if form.is_valid():
        data = form.cleaned_data
        upload = data["route_file"]
        try:
            path = path_import(
                source=upload, size=upload.size, name=data["name"], unit=data["unit"],
                every=data["every"],
            )  # fmt: skip
        except DomainError as exc:
            form.add_error("route_file", exc.detail)
        else:
            messages.success(
                request,
                _("%(name)s is ready: check its milestones on the map.") % {"name": path.name},
            )
            return redirect("organise:path-edit", path_id=path.pk)
    return _paths_page(request, status=422, file_form=form)


@login_required
@require_POST
def path_new_from_image_view(request):
    permissions.path_manager_require(request.user)
    form = PathImageForm(request.POST, request.FILES, prefix="image")
    if form.is_valid():
        data = form.cleaned_data
        try:
            path = path_from_image_create(
                name=data["name"], unit=data["unit"], total_distance=data["total_distance"],
                image=data["image"],
            )  # fmt: skip
        except DomainError as exc:
            form.add_error("image", exc.detail)
        else:
            messages.success(
                request, _("%(name)s is ready: drag its start and finish.") % {"name": path.name}
            )
            return redirect("organise:path-edit", path_id=path.pk)
    return _paths_page(request, status=422, image_form=form)


def _editor_page(request, path: Path, *, status=200, error=None, **forms):
    """The editor with any form given bound (what was typed kept, its errors shown)."""
    may_edit = permissions.may_manage_paths(request.user)
    view = path_get(path_id=path.pk)
    milestones = list(path.milestones.order_by("order"))
    bound = forms.get("milestone_form")
    rows = [
        (m, bound if bound is not None and bound.prefix == f"m{m.pk}" else None) for m in milestones
    ]
    rows = [
        (
            m,
            form
            or MilestoneForm(prefix=f"m{m.pk}", initial={"name": m.name, "postcard": m.postcard}),
        )
        for m, form in rows
    ]
    context = {
        "path": path,
        "may_edit": may_edit,
        "details_form": forms.get("details_form") or PathDetailsForm(instance=path, prefix="path"),
        "add_form": forms.get("add_form") or MilestoneAddForm(prefix="add"),
        "milestone_rows": rows,
        "error_form": next(iter(forms.values()), None),
        "error": error,
        "map_data": map_payload(path=view, markers=[], postcards=view.milestones, editable=may_edit)
        if view
        else None,
    }
    return render(request, "organise/path_edit.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def path_edit_view(request, path_id: int):
    """The editor (GET); its details form (POST: name, description, dates, next path)."""
    _require_viewer(request.user)
    path = get_object_or_404(Path, pk=path_id)
    if request.method == "GET":
        return _editor_page(request, path)
    permissions.path_manager_require(request.user)
    form = PathDetailsForm(request.POST, instance=Path.objects.get(pk=path.pk), prefix="path")
    if form.is_valid():
        try:
            path_details_update(path=path, **{k: form.cleaned_data[k] for k in form.fields})
        except DomainError as exc:
            form.add_error(None, exc.detail)
        else:
            messages.success(request, _("Saved."))
            return redirect("organise:path-edit", path_id=path.pk)
    return _editor_page(request, path, status=422, details_form=form)


@login_required
@require_POST
def path_current_view(request, path_id: int):
    """Make the path the current one, with path_make_current's guard (not before it starts)."""
    permissions.path_manager_require(request.user)
    path = get_object_or_404(Path, pk=path_id)
    try:
        path_make_current(path=path)
    except DomainError as exc:
        return _editor_page(request, path, status=exc.status_code, error=exc.detail)
    messages.success(
        request,
        _(
            "%(name)s is now the current path: members walk it; their progress on it is "
            "being rebuilt from the days they logged."
        )
        % {"name": path.name},
    )
    return redirect("organise:path-edit", path_id=path.pk)


@login_required
@require_POST
def milestone_add_view(request, path_id: int):
    permissions.path_manager_require(request.user)
    path = get_object_or_404(Path, pk=path_id)
    form = MilestoneAddForm(request.POST, prefix="add")
    if form.is_valid():
        try:
            milestone = milestone_add(path=path, **form.cleaned_data)
        except DomainError as exc:
            form.add_error("distance", exc.detail)
        else:
            messages.success(
                request, _("%(name)s added: drag it where it belongs.") % {"name": milestone.name}
            )
            return redirect("organise:path-edit", path_id=path.pk)
    return _editor_page(request, path, status=422, add_form=form)


@login_required
@require_POST
def milestone_edit_view(request, path_id: int, milestone_id: int):
    permissions.path_manager_require(request.user)
    milestone = get_object_or_404(
        Milestone.objects.select_related("path"), pk=milestone_id, path_id=path_id
    )
    form = MilestoneForm(request.POST, request.FILES, prefix=f"m{milestone.pk}")
    if form.is_valid():
        data = form.cleaned_data
        try:
            milestone_update(
                milestone=milestone, name=data["name"], postcard=data["postcard"],
                photo=data["photo"], remove_photo=data["remove_photo"],
            )  # fmt: skip
        except DomainError as exc:
            form.add_error("photo", exc.detail)
        else:
            messages.success(request, _("%(name)s saved.") % {"name": milestone.name})
            return redirect("organise:path-edit", path_id=path_id)
    return _editor_page(request, milestone.path, status=422, milestone_form=form)


@login_required
@require_POST
def milestone_move_view(request, path_id: int, milestone_id: int):
    """The map's drag: `lat`/`lon` (geographic) or `x`/`y` (illustrated). JSON either way."""
    try:
        permissions.path_manager_require(request.user)
        milestone = (
            Milestone.objects.select_related("path")
            .filter(pk=milestone_id, path_id=path_id)
            .first()
        )
        if milestone is None:
            return JsonResponse({"detail": _("No such milestone.")}, status=404)
        milestone_move(milestone=milestone, point=request.POST)
    except DomainError as exc:
        return JsonResponse({"detail": exc.detail}, status=exc.status_code)
    point = {"lat": milestone.lat, "lon": milestone.lon, "x": milestone.x, "y": milestone.y}
    return JsonResponse({"id": milestone.pk, "name": milestone.name, **point})


@login_required
@require_GET
def devices_overview_view(request):
    """Which device providers are enabled and, per group the viewer may see (organisers all,
    coordinators their division's), who is connected and who has not synced lately."""
    permissions.device_overview_require(request.user)
    context = {
        "providers": device_providers_status(),
        "groups": device_overview_for_viewer(viewer=request.user),
        "stale_days": settings.DEVICE_STALE_DAYS,
    }
    return render(request, "organise/devices.html", context)
