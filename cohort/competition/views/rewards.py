"""The titles on the season page: buy, wear and take off. htmx gets the catalogue back
(with any error inline); a plain form post goes back to the season page with a message."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cohort.competition.selectors.rewards import titles_for_member, wallet_summary
from cohort.competition.services.rewards import title_equip, title_redeem, title_unequip
from cohort.core.confirm import confirmation_context, confirmation_needed
from cohort.core.exceptions import DomainError

SEASON_PAGE = "dashboard:season"  # a URL name: redirect() reverses it


@login_required
@require_POST
def title_redeem_view(request, title_id: int):
    """Buys the title with credits once the member confirmed (a purchase is one-way); a form's
    other fields (amount, balance...) are ignored."""
    titles = titles_for_member(request.user)
    title = next((t for t in titles if t.id == title_id), None)
    # Only a purchase that can go through is asked about; the others answer their reason.
    if title is not None and title.is_affordable and confirmation_needed(request):
        return _redeem_confirmation(request, title, titles)
    return _titles_answer(
        request,
        lambda: (
            gettext("“%(title)s” is yours.")
            % {"title": title_redeem(user=request.user, title_id=title_id).title}
        ),
    )


@login_required
@require_POST
def title_equip_view(request, title_id: int):
    return _titles_answer(
        request,
        lambda: (
            gettext("You now wear “%(title)s”.")
            % {"title": title_equip(user=request.user, title_id=title_id)}
        ),
    )


@login_required
@require_POST
def title_unequip_view(request):
    return _titles_answer(
        request, lambda: gettext("You wear no title.") if title_unequip(user=request.user) else ""
    )


def _redeem_confirmation(request, title, titles):
    """Are you sure? On the full page for a plain post, inline in the catalogue for htmx."""
    wallet = wallet_summary(request.user)
    confirm = confirmation_context(
        request,
        question=_("Buy “%(name)s” for %(cost)s credits?")
        % {"name": title.name, "cost": title.cost},
        consequence=_(
            "Your balance goes from %(balance)s to %(value)s credits. A title cannot be returned."
        )
        % {"balance": wallet.balance, "value": wallet.balance - title.cost},
        action_label=_("Buy for %(cost)s credits") % {"cost": title.cost},
        cancel_url=reverse(SEASON_PAGE) + "#titles",
    )
    if request.htmx:
        context = {"wallet": wallet, "titles": titles, "titles_confirm": confirm}
        return render(request, "competition/_titles.html", context)
    return render(request, "confirm.html", {"confirm": confirm})


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
