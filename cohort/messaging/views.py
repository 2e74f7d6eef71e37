from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from ninja.errors import ValidationError

from cohort.core.exceptions import DomainError, InvalidInput
from cohort.core.http import client_ip, error_response, form_error_add
from cohort.core.pagination import CursorPagination
from cohort.messaging.api import ANNOUNCEMENT_ORDER, PAGE_SIZE
from cohort.messaging.forms import AnnouncementForm, MessageForm
from cohort.messaging.selectors import (
    announcements_for_viewer,
    thread_get_for_viewer,
    thread_messages,
    thread_partners,
    threads_for_viewer,
)
from cohort.messaging.services import (
    announcement_create,
    announcement_mark_read,
    announcement_publish,
    message_send,
    thread_open,
    thread_start,
)


def _page(request, queryset, ordering) -> dict:
    paginator = CursorPagination(ordering=ordering, page_size=PAGE_SIZE, max_page_size=100)
    cursor = request.GET.get("cursor")
    try:
        return paginator.paginate_queryset(
            queryset, pagination=paginator.Input(cursor=cursor, page_size=None), request=request
        )
    except ValidationError as exc:
        raise InvalidInput(gettext("That page link is broken.")) from exc


@login_required
@require_GET
def announcements_view(request):
    """The viewer's announcements (htmx gets the next page only); staff also get the form."""
    if request.htmx:
        page = _page(request, announcements_for_viewer(request.user), ANNOUNCEMENT_ORDER)
        return render(request, "messaging/_announcements.html", {"page": page})
    form = None if request.user.is_member else AnnouncementForm(viewer=request.user)
    return _announcements_page(request, form)


def _announcements_page(request, form, error=None):
    page = _page(request, announcements_for_viewer(request.user), ANNOUNCEMENT_ORDER)
    response = render(request, "messaging/announcements.html", {"page": page, "form": form})
    return error_response(response, error)


@login_required
@require_POST
def announcement_create_view(request):
    """A refused announcement (bad fields, someone else's audience, too many) comes back on
    the form, with what was typed, and the refusal's status."""
    form = AnnouncementForm(request.POST, viewer=request.user)
    if not form.is_valid():
        refusal = InvalidInput(gettext("The announcement was not saved: check the fields below."))
        return _announcements_page(request, form, form_error_add(form, None, refusal))
    try:
        announcement_create(
            author=request.user, draft=form.draft(), publish=form.cleaned_data["publish"]
        )
    except DomainError as exc:
        exc.detail = gettext("The announcement was not saved. %(reason)s") % {"reason": exc.detail}
        return _announcements_page(request, form, form_error_add(form, None, exc))
    messages.success(request, gettext("Announcement saved."))
    return redirect("messaging:announcements")


@login_required
@require_POST
def announcement_publish_view(request, announcement_id: int):
    announcement_publish(actor=request.user, announcement_id=announcement_id)
    messages.success(request, gettext("Published."))
    return redirect("messaging:announcements")


@login_required
@require_POST
def announcement_read_view(request, announcement_id: int):
    announcement_mark_read(user=request.user, announcement_id=announcement_id)
    return redirect("messaging:announcements")


@login_required
@require_GET
def threads_view(request):
    """The viewer's conversations with unread counts, and whom they may start one with."""
    context = {
        "threads": list(threads_for_viewer(request.user)[:100]),
        "partners": thread_partners(request.user).only("id", "display_name"),
    }
    return render(request, "messaging/threads.html", context)


@login_required
@require_POST
def thread_start_view(request):
    other = request.POST.get("user_id", "")
    thread, _ = thread_start(viewer=request.user, other_id=int(other) if other.isdigit() else 0)
    return redirect("messaging:thread", thread_id=thread.pk)


@login_required
@require_http_methods(["GET", "POST"])
def thread_view(request, thread_id: int):
    """One conversation; a POST sends a message (a refusal is shown on the form, with what
    was typed, and its status). Reading marks it read (organisers who are not in it are
    audited); htmx gets the messages only."""
    thread = thread_get_for_viewer(request.user, thread_id)
    form = MessageForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            message_send(sender=request.user, thread=thread, text=form.cleaned_data["text"])
        except DomainError as exc:
            error = form_error_add(form, "text", exc)
        else:
            form = MessageForm()
            if not request.htmx:
                return redirect("messaging:thread", thread_id=thread.pk)
    shown = thread_messages(thread)
    last_id = shown[-1].pk if shown else None
    thread_open(viewer=request.user, thread=thread, last_message_id=last_id, ip=client_ip(request))
    context = {"thread": thread, "shown": shown, "form": form, "error": error}
    template = "messaging/_messages.html" if request.htmx else "messaging/thread.html"
    return error_response(render(request, template, context), error)
