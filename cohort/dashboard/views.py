import hashlib
from decimal import Decimal, InvalidOperation

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.core.files.storage import default_storage
from django.http import FileResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from cohort.accounts import permissions
from cohort.accounts.selectors import group_choices_for_viewer, group_get_for_viewer
from cohort.competition.leaderboards.services import leaderboards_rebuild_if_missing
from cohort.core.exceptions import DomainError, NotFound
from cohort.dashboard.html import dashboard_rows_html
from cohort.dashboard.map_data import map_payload
from cohort.dashboard.rows import ORDER_LABELS, Filters, dashboard_page
from cohort.dashboard.season import season_overview
from cohort.dashboard.selectors import (
    map_for_group,
    member_card,
    steps_chart,
)
from cohort.journeys.selectors import (
    milestone_postcard_get_for_viewer,
    path_current_get,
    path_get_for_viewer,
    postcards_for_viewer,
)


@login_required
def home(request):
    """The viewer's group; organisers, coordinators and mentors page through everyone they
    look after with filters ("Load more" fetches the next page with htmx)."""
    viewer = request.user
    staff_view = permissions.looks_after_groups(viewer) and request.GET.get("scope") != "group"
    try:
        filters = Filters(
            scope="all" if staff_view or not viewer.group_id else "group",
            order=request.GET.get("order", "progress"),
            group_id=_number(request.GET.get("group")),
            search=request.GET.get("q", "")[:100],
            progress_min=_percent(request.GET.get("min")),
            progress_max=_percent(request.GET.get("max")),
        )
        page = dashboard_page(
            request, viewer=viewer, filters=filters, cursor=request.GET.get("cursor")
        )
    except DomainError as exc:
        context = {"status": exc.status_code, "detail": exc.detail}
        return render(request, "error.html", context, status=exc.status_code)
    rows_html = dashboard_rows_html(
        page["results"],
        viewer_id=viewer.pk,
        show_group=filters.scope == "all",
        show_season=bool(page["season"]),
    )
    context = {
        "page": page,
        "rows_html": rows_html,
        "filters": filters,
        "group": viewer.group,
        "orders": ORDER_LABELS,
    }
    if request.htmx:
        return render(request, "dashboard/_rows.html", context)
    if filters.scope == "all":
        context["groups"] = group_choices_for_viewer(viewer=viewer)
    if viewer.is_member:
        context["chart"] = steps_chart(user=viewer)
    return render(request, "dashboard/home.html", context)


def _number(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _percent(value: str | None) -> Decimal | None:
    try:
        number = Decimal(value) if value else None
    except InvalidOperation:
        return None
    return number if number is not None and 0 <= number <= 100 else None


@login_required
def map_view(request):
    """The path the viewer walks (on a chain, the leg they reached; ?path= another leg) with a
    marker for each member of the viewer's group walking it (staff: ?group=)."""
    group_id = request.GET.get("group") or request.user.group_id
    path = group = markers = card = None
    legs = []
    if group_id and str(group_id).isdigit():
        group = group_get_for_viewer(viewer=request.user, group_id=int(group_id))
        map_ = map_for_group(
            viewer=request.user, group_id=group.pk, path_id=request.GET.get("path")
        )
        path, markers, legs = map_.path, map_.markers, map_.legs
        me = next((m for m in markers if m.is_viewer), None)
        card = member_card(user=request.user, path=path, marker=me) if me else None
    else:
        path = path_current_get()
    postcards = postcards_for_viewer(viewer=request.user, path=path) if path else []
    context = {
        "path": path,
        "group": group,
        "markers": markers or [],
        "card": card,
        "legs": legs,
        "postcards": postcards,
    }
    if group is not None and path is not None:
        context["map_data"] = map_payload(path=path, markers=markers, postcards=postcards)
    if not request.user.is_member:
        # Staff walk with no group of their own: they pick one of those they may see.
        context["pick_group"] = True
        context["group_choices"] = group_choices_for_viewer(viewer=request.user)
    return render(request, "dashboard/map.html", context)


@login_required
@require_GET
def milestone_view(request, milestone_id: int):
    """A milestone's postcard, for whoever has reached it (organisers: any); else 404."""
    milestone = milestone_postcard_get_for_viewer(viewer=request.user, milestone_id=milestone_id)
    return render(request, "dashboard/milestone.html", {"milestone": milestone})


@login_required
@require_GET
def milestone_photo_view(request, milestone_id: int):
    """The postcard's photo, inline, under the same rule as its page (404 without one)."""
    milestone = milestone_postcard_get_for_viewer(viewer=request.user, milestone_id=milestone_id)
    if not milestone.postcard_photo:
        raise NotFound(_("This postcard has no photo."))
    photo = milestone.postcard_photo
    return _stored_file(photo.storage, photo.name, gone="This photo is no longer available.")


@login_required
@require_GET
def path_image_view(request, path_id: int):
    """An illustrated path's image, inline, for whoever may see the path (404 without one)."""
    path = path_get_for_viewer(viewer=request.user, path_id=path_id)
    if not path.map_image:
        raise NotFound(_("This path has no image."))
    return _stored_file(default_storage, path.map_image, gone="This image is no longer available.")


def _stored_file(storage, name: str, *, gone: str) -> FileResponse:
    """A stored file inline, cached by the viewer's browser only; 404 `gone` when the
    storage has lost it."""
    try:
        handle = storage.open(name, "rb")
    except FileNotFoundError:
        raise NotFound(gone) from None
    response = FileResponse(handle, filename=name.rsplit("/", 1)[-1])
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
def season_view(request):
    """The member's season: episodes, points against caps, streaks, credits and titles."""
    overview = season_overview(viewer=request.user)
    leaderboards_rebuild_if_missing(is_board_missing=overview.is_board_missing)
    context = {"overview": overview, "wallet": overview.wallet, "titles": overview.titles}
    return render(request, "dashboard/season.html", context)


# --- The installable app: manifest, service worker, offline page ------------------------
# The shell the service worker precaches: what every page and the three offline pages load.
APP_SHELL = (
    "css/cohort.css",
    "js/forms.js",
    "js/pwa.js",
    "js/outbox.js",
    "js/map.js",
    "django_htmx/htmx-2.min.js",
    "leaflet/leaflet.css",
    "leaflet/leaflet.js",
    "leaflet-markercluster/MarkerCluster.css",
    "leaflet-markercluster/leaflet.markercluster.js",
    "favicon.svg",
    "icons/icon-192.png",
    "icons/icon-512.png",
)
THEME_COLOUR = "#0f172a"  # the site header's navy (static/css/cohort.css)
BACKGROUND_COLOUR = "#f6f7f9"  # the page background (--bg)


@require_GET
def manifest_view(request):
    """The web app manifest (installable app). Anonymous, cacheable for a day."""
    icons = [
        {"src": static(f"icons/{name}-{size}.png"), "sizes": f"{size}x{size}",
         "type": "image/png", "purpose": purpose}
        for name, purpose in (("icon", "any"), ("maskable", "maskable"))
        for size in (192, 512)
    ]  # fmt: skip
    manifest = {
        "id": "/",
        "name": gettext("Cohort"),
        "short_name": gettext("Cohort"),
        "description": gettext("Log your steps, follow your group and your season."),
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "icons": icons,
    }
    response = JsonResponse(manifest, content_type="application/manifest+json")
    response["Cache-Control"] = "public, max-age=86400"
    return response


@require_GET
def service_worker_view(request):
    """The service worker at the root, so its scope is the whole site. Never cached long:
    the browser checks for a new one on each navigation (a new deploy's hashed static names
    change its text, so it installs and drops the old shell)."""
    shell = [static(name) for name in APP_SHELL]
    version = hashlib.sha256("\n".join(shell).encode()).hexdigest()[:12]
    context = {"shell": shell, "version": version, "offline_url": reverse("dashboard:offline")}
    response = render(request, "dashboard/sw.js", context, content_type="text/javascript")
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/"
    return response


@require_GET
def offline_view(request):
    """The page the service worker shows for a page it has not kept, when offline. It is
    precached, so it is rendered as for a visitor: no member's name, data or token in it."""
    request.user = AnonymousUser()
    return render(request, "dashboard/offline.html")
