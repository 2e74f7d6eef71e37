from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from ninja.errors import ValidationError

from cohort.notifications.forms import PreferenceForm, PushPreferenceForm
from cohort.notifications.pagination import notifications_page
from cohort.notifications.selectors import notifications_of, preference_get, push_device_count
from cohort.notifications.services import (
    notification_open,
    notifications_mark_read,
    preference_save,
    push_preference_save,
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
    return _list_page(request, context)


def _list_page(request, context: dict, *, push_form=None, status: int = 200):
    """The full list page: the notifications in `context`, the email and push choices."""
    preference = preference_get(user_id=request.user.pk)
    context["form"] = PreferenceForm(instance=preference)
    context["push_form"] = push_form or PushPreferenceForm(instance=preference)
    context["push_enabled"] = settings.PUSH_ENABLED
    context["vapid_public_key"] = settings.VAPID_PUBLIC_KEY
    context["push_devices"] = push_device_count(user_id=request.user.pk)
    context["unread_count"] = unread_count_get(user_id=request.user.pk)
    return render(request, "notifications/list.html", context, status=status)


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
@require_POST
def push_preferences_view(request):
    """Which kinds are pushed and the quiet hours; a bad time comes back next to its field."""
    form = PushPreferenceForm(request.POST, instance=preference_get(user_id=request.user.pk))
    if not form.is_valid():
        rows = notifications_of(user_id=request.user.pk)
        context = {"page": notifications_page(request, rows, None), "unread_only": False}
        return _list_page(request, context, push_form=form, status=422)
    push_preference_save(user_id=request.user.pk, **form.cleaned_data)
    messages.success(request, _("Your push choices are saved."))
    return redirect(reverse("notifications:list") + "#push-heading")


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
