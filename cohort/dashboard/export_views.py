"""/profile/export/: the member's own data as a zip (dashboard/export.py)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from cohort.core.exceptions import DomainError
from cohort.core.http import client_ip
from cohort.dashboard.export import member_export


@login_required
@require_http_methods(["GET", "POST"])
def export_view(request):
    """POST (the profile's button) answers the zip; GET goes to that button."""
    profile = reverse("accounts:profile") + "#my-data"
    if request.method == "GET":
        return redirect(profile)
    try:
        out, name = member_export(user=request.user, ip=client_ip(request))
    except DomainError as exc:
        messages.error(request, exc.detail)
        return redirect(profile)
    response = FileResponse(out, as_attachment=True, filename=name, content_type="application/zip")
    response["Cache-Control"] = "no-store"
    return response
