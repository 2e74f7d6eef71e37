"""/organise/texts/<key>/: organisers write the privacy notice and the terms in the browser
(accounts.services.terms.site_text_update; shown escaped on /privacy/ and /terms/)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from cohort.accounts import permissions
from cohort.accounts.services.terms import SITE_TEXT_MAX, site_text_update
from cohort.core.exceptions import DomainError, NotFound
from cohort.core.http import client_ip
from cohort.core.models import SiteText
from cohort.core.selectors import site_text_get


class SiteTextForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Text"),
        required=False,
        max_length=SITE_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 18}),
    )

    def __init__(self, *args, key: str, **kwargs):
        super().__init__(*args, **kwargs)
        plain = gettext_lazy(
            "Plain text: a blank line starts a new paragraph; web addresses become links."
        )
        empty = (
            gettext_lazy("Leave empty to have no terms (and no terms to accept).")
            if key == SiteText.Key.TERMS
            else gettext_lazy("Leave empty to have no privacy notice.")
        )
        self.fields["body"].help_text = f"{plain} {empty}"


@login_required
@require_http_methods(["GET", "POST"])
def text_edit_view(request, key: str):
    permissions.organiser_require(request.user)
    if key not in SiteText.Key.values:
        raise NotFound(_("No such page."))
    current = site_text_get(key)
    bound = request.POST if request.method == "POST" else None  # an empty text is a choice
    form = SiteTextForm(bound, key=key, initial={"body": current.body})
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            site_text_update(
                actor=request.user, key=key, body=form.cleaned_data["body"], ip=client_ip(request)
            )
        except DomainError as exc:
            form.add_error("body", exc.detail)
            status = exc.status_code
        else:
            messages.success(request, _("Saved. Everyone sees the new text now."))
            return redirect(f"core:{key}")
    elif request.method == "POST":
        status = 400
    context = {"form": form, "text": current, "is_terms": key == SiteText.Key.TERMS}
    return render(request, "organise/text_edit.html", context, status=status)
