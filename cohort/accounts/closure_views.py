"""Closing an account: /profile/close/ (the person), the emailed confirmation link of
members who sign in with the group password, and /people/<id>/close/ (an organiser, on the
member's request; also an admin action). The rules are services/closure.py's."""

from django import forms
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from cohort.accounts import permissions
from cohort.accounts.selectors import user_get_for_viewer
from cohort.accounts.services.closure import (
    account_close,
    account_close_link_check,
    account_close_link_send,
    account_close_needs_email,
    account_close_secret_check,
)
from cohort.core.confirm import confirmation_needed, confirmation_page
from cohort.core.exceptions import DomainError
from cohort.core.http import client_ip


class CloseForm(forms.Form):
    secret = forms.CharField(
        label=gettext_lazy("Your password"),
        max_length=4096,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    understood = forms.BooleanField(
        label=gettext_lazy("I understand that closing my account cannot be undone."),
    )

    def __init__(self, *args, needs_email: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if needs_email:
            self.fields["secret"].label = _("Your group's password")
            self.fields["secret"].help_text = _(
                "The password you sign in with. We then email you a link to confirm."
            )


def _closed(request):
    logout(request)
    return render(request, "accounts/account_closed.html")


@login_required
@require_http_methods(["GET", "POST"])
def account_close_view(request):
    user = request.user
    needs_email = account_close_needs_email(user)
    form = CloseForm(request.POST or None, needs_email=needs_email)
    status = 200
    if request.method == "POST" and form.is_valid():
        secret = form.cleaned_data["secret"]
        try:
            if needs_email:
                account_close_link_send(
                    user=user,
                    secret=secret,
                    link_for=lambda token: request.build_absolute_uri(
                        reverse("accounts:account-close-confirm", args=[token])
                    ),
                )
                return render(request, "accounts/account_close_sent.html")
            account_close_secret_check(user=user, secret=secret)
            account_close(user=user, actor=user, ip=client_ip(request))
            return _closed(request)
        except DomainError as exc:
            form.add_error("secret", exc.detail)
            status = exc.status_code
    elif request.method == "POST":
        status = 400
    context = {"form": form, "needs_email": needs_email}
    return render(request, "accounts/account_close.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def account_close_confirm_view(request, token: str):
    """The emailed link: it proves the mailbox, the session proves the group password."""
    try:
        account_close_link_check(user=request.user, token=token)
    except DomainError as exc:
        context = {"error": exc.detail}
        return render(request, "accounts/account_close.html", context, status=exc.status_code)
    if request.method == "POST":
        try:
            account_close(user=request.user, actor=request.user, ip=client_ip(request))
        except DomainError as exc:
            context = {"error": exc.detail}
            return render(request, "accounts/account_close.html", context, status=exc.status_code)
        return _closed(request)
    # Not "no-referrer" for the token in the URL: the POST would carry "Origin: null", which
    # the CSRF check refuses; the site's same-origin policy keeps it from other sites.
    response = render(request, "accounts/account_close_confirm.html")
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def account_close_for_member_view(request, user_id: int):
    """An organiser closes a member's account on their request (audited with the actor)."""
    permissions.organiser_require(request.user)
    member = user_get_for_viewer(viewer=request.user, user_id=user_id)
    if request.method == "GET" or confirmation_needed(request):
        return confirmation_page(
            request,
            question=_("Close the account of %(name)s?") % {"name": member.display_name},
            consequence=_(
                "Do this only when %(email)s asked for it. They will no longer be able to sign "
                "in; their name and email are erased, their sessions and API tokens end, their "
                "days stay in their group's figures without their name, they leave the "
                "leaderboards and their mentor threads close. It cannot be undone."
            )
            % {"email": member.email},
            action_label=_("Close the account"),
            cancel_url=reverse("admin:accounts_user_change", args=[member.pk]),
        )
    account_close(user=member, actor=request.user, ip=client_ip(request))
    return redirect(reverse("admin:accounts_user_changelist") + "?is_active__exact=0")
