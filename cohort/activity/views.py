import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_ratelimit.core import get_usage

from cohort.activity.api import _rate_limit
from cohort.activity.forms import DayForm
from cohort.activity.selectors import activity_list, parse_day
from cohort.activity.services.daily import (
    STAFF_LOG_REFUSED,
    activity_log,
    edit_window_days,
)
from cohort.activity.services.leetcode_verify import leetcode_username_verify
from cohort.core.clock import user_today
from cohort.core.exceptions import DomainError

# Each Verify asks LeetCode once: a member gets a few tries a minute, not a relay.
LEETCODE_VERIFY_RATE = "5/m"


def _editable_days(today: dt.date) -> list[tuple[dt.date, str]]:
    days = []
    for back, day in enumerate(edit_window_days(today)):
        label = (
            gettext("Today")
            if back == 0
            else gettext("Yesterday")
            if back == 1
            else date_format(day, "l j F")
        )
        days.append((day, label))
    return days


@login_required
@require_http_methods(["GET", "POST"])
def activity_view(request):
    if not request.user.is_member:
        # Staff walk no path: say where their work is instead of a form that logs nothing.
        status = 403 if request.method == "POST" else 200
        context = {"refused": STAFF_LOG_REFUSED}
        return render(request, "activity/staff.html", context, status=status)
    today = user_today(request.user)
    days = _editable_days(today)
    chosen = request.GET.get("day", today.isoformat())
    form = DayForm(request.POST or None, days=days, initial={"day": chosen})
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            _rate_limit(request)
            row = activity_log(
                user=request.user,
                day=parse_day(form.cleaned_data["day"]),
                steps=form.cleaned_data["steps"],
            )
            note = (
                " It is far above your usual days, so a mentor will confirm it."
                if row.review == "pending"
                else ""
            )
            messages.success(
                request,
                _("Saved %(format)s steps for %(format2)s.%(note)s")
                % {
                    "format": number_format(row.steps, force_grouping=True),
                    "format2": date_format(row.date, "l j F"),
                    "note": note,
                },
            )
            return redirect("activity:log")
        except DomainError as exc:
            form.add_error(None, exc.detail)
            status = exc.status_code
    recent = activity_list(user=request.user, start=today - dt.timedelta(days=27), end=today)
    context = {
        "form": form,
        "recent": recent,
        "today": today,
        "window": settings.ACTIVITY_EDIT_WINDOW_DAYS,
    }
    return render(request, "activity/log.html", context, status=status)


@login_required
@require_POST
def leetcode_verify_view(request):
    """The profile's Verify button: check the member's code in their LeetCode "About me",
    then back to the profile with the outcome (or the reason) shown."""
    try:
        usage = get_usage(
            request,
            group="leetcode-verify",
            key=lambda _g, r: str(r.user.pk),
            rate=LEETCODE_VERIFY_RATE,
            increment=True,
        )
    except Exception:
        usage = None  # degraded mode: cache down, no limit
    if usage and usage["should_limit"]:
        messages.error(request, _("Too many tries; wait a minute, then press Verify again."))
        return redirect("accounts:profile")
    try:
        leetcode_username_verify(user_id=request.user.pk)
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("Your LeetCode username is verified: your streak follows."))
    return redirect("accounts:profile")
