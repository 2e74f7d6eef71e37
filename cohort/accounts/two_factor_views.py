"""The organisers' code step after the password: /2fa/ checks a code, /2fa/setup/ enrols."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from cohort.accounts.forms import TwoFactorCodeForm
from cohort.accounts.services.two_factor import (
    two_factor_device,
    two_factor_enrol_confirm,
    two_factor_enrol_start,
    two_factor_is_verified,
    two_factor_qr_svg,
    two_factor_required,
    two_factor_secret,
    two_factor_verify,
)
from cohort.accounts.views import _safe_next
from cohort.core.exceptions import DomainError


def _done(request):
    return not two_factor_required(request.user) or two_factor_is_verified(request)


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_view(request):
    if _done(request):
        return redirect(_safe_next(request))
    if two_factor_device(request.user) is None:
        return redirect(f"{reverse('accounts:two-factor-setup')}?{request.GET.urlencode()}")
    form = TwoFactorCodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            two_factor_verify(request, code=form.cleaned_data["code"])
            return redirect(_safe_next(request))
        except DomainError as exc:
            form.add_error("code", exc.detail)
            status = exc.status_code
    context = {"form": form, "next": request.GET.get("next", "")}
    return render(request, "accounts/two_factor.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_setup_view(request):
    if _done(request):
        return redirect(_safe_next(request))
    if two_factor_device(request.user) is not None:
        # Re-enrolling needs `manage.py two_factor_reset`: a stolen password alone must not
        # be enough to register the thief's phone.
        return redirect("accounts:two-factor")
    device = two_factor_enrol_start(request)
    form = TwoFactorCodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            two_factor_enrol_confirm(request, code=form.cleaned_data["code"])
            return redirect(_safe_next(request))
        except DomainError as exc:
            form.add_error("code", exc.detail)
            status = exc.status_code
    context = {
        "form": form,
        "next": request.GET.get("next", ""),
        "qr_svg": two_factor_qr_svg(device),
        "secret": two_factor_secret(device),
    }
    response = render(request, "accounts/two_factor_setup.html", context, status=status)
    response["Cache-Control"] = "no-store"
    return response
