import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from cohort.activity.api import _rate_limit
from cohort.activity.forms import DayForm
from cohort.activity.selectors import activity_list, parse_day
from cohort.activity.services.daily import activity_log, edit_window_days, member_today
from cohort.core.exceptions import DomainError


def _editable_days(today: dt.date) -> list[tuple[dt.date, str]]:
    days = []
    for back, day in enumerate(edit_window_days(today)):
        label = "Today" if back == 0 else "Yesterday" if back == 1 else day.strftime("%A %-d %B")
        days.append((day, label))
    return days


@login_required
@require_http_methods(["GET", "POST"])
def activity_view(request):
    today = member_today(request.user)
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
            messages.success(request, f"Saved {row.steps:,} steps for {row.date:%A %-d %B}.{note}")
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
