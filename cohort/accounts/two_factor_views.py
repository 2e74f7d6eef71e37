"""The organisers' code step after the password: /2fa/ checks a code (or a recovery code),
/2fa/setup/ enrols and shows the first recovery codes, /profile/recovery-codes/ makes new
ones."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from cohort.accounts.forms import TwoFactorCodeForm, TwoFactorVerifyForm
from cohort.accounts.services.two_factor import (
    two_factor_device,
    two_factor_enrol_confirm,
    two_factor_enrol_start,
    two_factor_is_verified,
    two_factor_qr_svg,
    two_factor_recovery_codes_create,
    two_factor_recovery_codes_left,
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
    form = TwoFactorVerifyForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            left = two_factor_verify(request, code=form.cleaned_data["code"])
            if left is not None:
                messages.warning(request, _recovery_used_sentence(left))
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
            codes = two_factor_enrol_confirm(request, code=form.cleaned_data["code"])
            return _codes_page(request, codes, next_url=_safe_next(request))
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


def _recovery_used_sentence(left: int) -> str:
    return ngettext(
        "You signed in with a recovery code; %(left)s code left. Lost your phone? Ask "
        "another organiser to reset your two-factor sign-in in the admin, then set up the "
        "new phone at your next sign-in. Make new codes from your profile.",
        "You signed in with a recovery code; %(left)s codes left. Lost your phone? Ask "
        "another organiser to reset your two-factor sign-in in the admin, then set up the "
        "new phone at your next sign-in. Make new codes from your profile.",
        left,
    ) % {"left": left}


def _codes_page(request, codes: list[str], *, next_url: str):
    """The recovery codes, on this one answer only (never stored to be shown again)."""
    context = {"codes": codes, "next_url": next_url}
    response = render(request, "accounts/recovery_codes_new.html", context)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def recovery_codes_view(request):
    """New recovery codes after a code step (the middleware has already asked for the
    sign-in's code; this asks again, so an open session alone cannot read new codes)."""
    if two_factor_device(request.user) is None:
        raise Http404(_("No authenticator is set up."))
    form = TwoFactorVerifyForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            codes = two_factor_recovery_codes_create(request, code=form.cleaned_data["code"])
            return _codes_page(request, codes, next_url=reverse("accounts:profile"))
        except DomainError as exc:
            form.add_error("code", exc.detail)
            status = exc.status_code
    elif request.method == "POST":
        status = 400
    context = {"form": form, "left": two_factor_recovery_codes_left(request.user)}
    return render(request, "accounts/recovery_codes.html", context, status=status)
