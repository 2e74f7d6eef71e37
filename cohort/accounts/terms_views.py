"""/terms/accept/: the terms gate's page (services/terms.py)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from cohort.accounts.services.terms import terms_accept, terms_pending
from cohort.accounts.views import _safe_next
from cohort.core.exceptions import DomainError
from cohort.core.models import SiteText
from cohort.core.selectors import site_text_get


@login_required
@require_http_methods(["GET", "POST"])
def terms_accept_view(request):
    if not terms_pending(request.user):
        return redirect(_safe_next(request))
    terms = site_text_get(SiteText.Key.TERMS)
    status, error = 200, None
    if request.method == "POST":
        try:
            version = int(request.POST.get("version", ""))
            terms_accept(user=request.user, version=version)
            return redirect(_safe_next(request))
        except ValueError:
            error, status = "", 400
        except DomainError as exc:
            error, status = exc.detail, exc.status_code
        terms = site_text_get(SiteText.Key.TERMS)
    context = {"terms": terms, "error": error, "next": request.GET.get("next", "")}
    return render(request, "accounts/terms_accept.html", context, status=status)
