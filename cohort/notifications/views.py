from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from ninja.errors import ValidationError

from cohort.notifications.forms import PreferenceForm
from cohort.notifications.pagination import notifications_page
from cohort.notifications.selectors import notifications_of, preference_get
from cohort.notifications.services import (
    notification_open,
    notifications_mark_read,
    preference_save,
)
from cohort.notifications.unread import unread_count_get


@login_required
@require_GET
def notifications_view(request):
    """The list, newest first; htmx asks for the next page with ?cursor=... ("Load more")."""
    unread_only = request.GET.get("unread") == "1"
    rows = notifications_of(user_id=request.user.pk, unread_only=unread_only)
    try:
        page = notifications_page(request, rows, request.GET.get("cursor"))
    except ValidationError:
        return render(
            request,
            "error.html",
            {"status": 400, "detail": _("That page link is broken.")},
            status=400,
        )
    context = {"page": page, "unread_only": unread_only}
    if request.htmx:
        return render(request, "notifications/_page.html", context)
    context["form"] = PreferenceForm(instance=preference_get(user_id=request.user.pk))
    context["unread_count"] = unread_count_get(user_id=request.user.pk)
    return render(request, "notifications/list.html", context)


@login_required
@require_POST
def mark_read_view(request):
    """Marks one notification (`id`) or all of them, then goes back to the list."""
    if "id" in request.POST:  # one notification; a malformed id marks nothing
        one = request.POST["id"]
        ids = [int(one)] if one.isdigit() else []
    else:
        ids = None
    notifications_mark_read(user_id=request.user.pk, ids=ids)
    if request.htmx:
        return badge_view(request)
    return redirect("notifications:list")


@login_required
@require_GET
def notification_open_view(request, notification_id: int):
    """Following a notification marks it read, then goes where it leads (this site only);
    another member's id is 404."""
    link = notification_open(user_id=request.user.pk, notification_id=notification_id)
    return redirect(link)


@login_required
@require_POST
def preferences_view(request):
    form = PreferenceForm(request.POST, instance=preference_get(user_id=request.user.pk))
    if form.is_valid():
        preference_save(preference=form.instance)
        messages.success(request, _("Your email choices are saved."))
    else:
        messages.error(request, _("Those choices could not be saved."))
    return redirect("notifications:list")


@login_required
@require_GET
def badge_view(request):
    """The navigation's unread badge, polled by htmx."""
    return render(
        request,
        "notifications/_badge.html",
        {
            "unread_count": unread_count_get(user_id=request.user.pk),
            "poll_seconds": settings.NOTIFICATION_POLL_SECONDS,
        },
    )
