"""/setup/<key>/: the one-time link that creates the first organiser (services/setup.py)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cohort.accounts.forms import SetupForm
from cohort.accounts.services.setup import SetupInvalid, setup_complete, setup_link_check
from cohort.accounts.services.signin import signin_complete
from cohort.accounts.services.two_factor import two_factor_required
from cohort.core.exceptions import DomainError
from cohort.core.http import client_ip


def _no_store(response):
    # The key is in the URL: never cached. (The site's Referrer-Policy, same-origin, keeps
    # it from other sites; "no-referrer" would make the browser send "Origin: null" on the
    # form's POST, which Django's CSRF check refuses.)
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
def setup_view(request, key: str):
    try:
        setup_link_check(key=key)
    except DomainError as exc:
        return _no_store(render(request, "accounts/setup.html", {"dead": exc.detail}, status=410))
    form = SetupForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            user = setup_complete(key=key, ip=client_ip(request), **form.cleaned_data)
        except SetupInvalid as exc:
            for field, error in exc.errors.items():
                form.add_error(field, error)
            status = exc.status_code
        except DomainError as exc:
            if exc.status_code == 410:
                context = {"dead": exc.detail}
                return _no_store(render(request, "accounts/setup.html", context, status=410))
            form.add_error("email", exc.detail)
            status = exc.status_code
        else:
            signin_complete(request, user)
            messages.success(request, _("Welcome! You are the first organiser of this site."))
            if two_factor_required(user):
                return redirect(reverse("accounts:two-factor-setup"))
            return redirect("dashboard:home")
    elif request.method == "POST":
        status = 400
    context = {"form": form}
    return _no_store(render(request, "accounts/setup.html", context, status=status))
