"""/privacy/ and /terms/: the texts the organisers write (core.selectors.site_text_get),
open to everyone, signed in or not (a visitor's request writes nothing)."""

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from cohort.core.models import SiteText
from cohort.core.selectors import site_text_get


@require_GET
def site_text_view(request, key: str):
    if key not in SiteText.Key.values:
        raise Http404(gettext("No such page."))
    return render(request, "core/site_text.html", {"text": site_text_get(key)})
