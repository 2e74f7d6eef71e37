"""The titles on the season page: buy, wear and take off. htmx gets the catalogue back
(with any error inline); a plain form post goes back to the season page with a message."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from cohort.competition.selectors.rewards import titles_for_member, wallet_summary
from cohort.competition.services.rewards import title_equip, title_redeem, title_unequip
from cohort.core.exceptions import DomainError

SEASON_PAGE = "dashboard:season"  # a URL name: redirect() reverses it


@login_required
@require_POST
def title_redeem_view(request, title_id: int):
    """Buys the title with credits; a form's other fields (amount, balance...) are ignored."""
    return _titles_answer(
        request, lambda: f"“{title_redeem(user=request.user, title_id=title_id).title}” is yours."
    )


@login_required
@require_POST
def title_equip_view(request, title_id: int):
    return _titles_answer(
        request, lambda: f"You now wear “{title_equip(user=request.user, title_id=title_id)}”."
    )


@login_required
@require_POST
def title_unequip_view(request):
    return _titles_answer(
        request, lambda: "You wear no title." if title_unequip(user=request.user) else ""
    )


def _titles_answer(request, action):
    """Runs `action` (a service call returning what to tell the member) and answers."""
    notice, error = "", ""
    try:
        notice = action()
    except DomainError as exc:
        error = exc.detail
    if request.htmx:
        # 200 even for a refused purchase: htmx swaps only 2xx answers, and the error is
        # shown inline in the catalogue it replaces.
        context = {
            "wallet": wallet_summary(request.user),
            "titles": titles_for_member(request.user),
            "titles_notice": notice,
            "titles_error": error,
        }
        return render(request, "competition/_titles.html", context)
    if error:
        messages.error(request, error)
    elif notice:
        messages.success(request, notice)
    return redirect(SEASON_PAGE)


urlpatterns = [
    path("season/titles/<int:title_id>/redeem/", title_redeem_view, name="title-redeem"),
    path("season/titles/<int:title_id>/equip/", title_equip_view, name="title-equip"),
    path("season/titles/unequip/", title_unequip_view, name="title-unequip"),
]
