"""/analytics/ (organisers and coordinators) and the CSV exports (organisers)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cohort.accounts import permissions
from cohort.analytics.charts import bar_chart, column_chart
from cohort.analytics.exports import export_audit, export_lines
from cohort.analytics.selectors import AnalyticsPage, analytics_page_get
from cohort.analytics.services import (
    analytics_ensure_computed,
    analytics_recompute_request,
    analytics_today_refresh_if_stale,
)
from cohort.analytics.summaries import workload_bands
from cohort.core.http import client_ip


@require_GET
@login_required
def analytics_home(request):
    """The charts and the mentor workload table; today's rows refreshed when stale."""
    permissions.analytics_viewer_require(request.user)
    computed_at = analytics_ensure_computed()
    analytics_today_refresh_if_stale()
    page = analytics_page_get(viewer=request.user)
    context = {
        "page": page,
        "charts": _charts(page),
        "computed_at": computed_at,
        "bands": workload_bands(),
    }
    return render(request, "analytics/home.html", context)


@require_POST
@login_required
def analytics_recompute_view(request):
    """Organisers: recompute every summary now (queued when Celery has a broker)."""
    permissions.organiser_require(request.user, gettext("Only organisers recompute the analytics."))
    queued = analytics_recompute_request()
    if queued:
        messages.success(request, _("Analytics recompute queued: refresh in a minute."))
    else:
        messages.success(request, _("Analytics recomputed."))
    return redirect("analytics:home")


def _charts(page: AnalyticsPage) -> list:
    days = [(date_format(d.date, "j M"), d.total_steps) for d in page.days]
    path = page.path.name if page.path else gettext("no current path")
    season = page.season.name if page.season else gettext("no season")
    return [
        column_chart(
            slug="steps",
            title=gettext("Steps per day, last 30 days"),
            rows=days,
            description=gettext("Total steps logged each day."),
            value_label=gettext("Steps"),
        ),
        column_chart(
            slug="progress",
            title=gettext("Progress on %(path)s") % {"path": path},
            rows=page.progress,
            description=gettext("Members in each band of progress along the path."),
            value_label=gettext("Members"),
        ),
        bar_chart(
            slug="groups",
            title=gettext("Top groups by average steps"),
            rows=page.top_groups,
            description=gettext("Average steps per active member a day, last 30 days."),
            value_label=gettext("Average steps"),
        ),
        column_chart(
            slug="points",
            title=gettext("Points by category, %(season)s") % {"season": season},
            rows=[(name, total) for name, total, _points in page.categories],
            description=gettext("Points earned in each category this season."),
            value_label=gettext("Points"),
        ),
    ]


@require_GET
@login_required
def analytics_export(request, kind: str):
    """A CSV of members, activity or leaderboards, streamed row by row."""
    permissions.organiser_require(request.user, gettext("Exports are for organisers."))
    lines = export_lines(kind)
    export_audit(actor=request.user, kind=kind, ip=client_ip(request))
    stamp = timezone.now().strftime("%Y%m%d")
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="cohort-{kind}-{stamp}.csv"'
    return response
