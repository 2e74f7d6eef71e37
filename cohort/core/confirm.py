"""The confirmation step for destructive or one-way page actions (remove a member, hand on
leadership, buy a title, reject work): the one home for how a page asks "are you sure?".

A form posts as usual; the view asks `confirmation_needed(request)` and, when the person has
not confirmed yet, answers `confirmation_page(...)`: a page that states the consequence and
posts the same fields again with `confirmed=yes`. Nothing is written before that second
POST, and it works without JavaScript (the CSP forbids inline scripts anyway).
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

CONFIRM_FIELD = "confirmed"
CONFIRM_VALUE = "yes"
_NOT_ECHOED = {"csrfmiddlewaretoken", CONFIRM_FIELD}


def confirmation_needed(request: HttpRequest) -> bool:
    """True until the person pressed the confirmation page's button."""
    return request.POST.get(CONFIRM_FIELD) != CONFIRM_VALUE


def confirmation_fields(request: HttpRequest) -> list[tuple[str, str]]:
    """The POST's own fields, to post again (hidden) from the confirmation."""
    return [
        (name, value)
        for name in request.POST
        if name not in _NOT_ECHOED
        for value in request.POST.getlist(name)
    ]


def confirmation_context(
    request: HttpRequest, *, question: str, consequence: str, action_label: str, cancel_url: str
) -> dict:
    """What templates/partials/confirm_form.html needs (a page may show it inline)."""
    return {
        "question": question,
        "consequence": consequence,
        "action_label": action_label,
        "cancel_url": cancel_url,
        "action_url": request.get_full_path(),
        "fields": confirmation_fields(request),
        "field_name": CONFIRM_FIELD,
        "field_value": CONFIRM_VALUE,
    }


def confirmation_page(
    request: HttpRequest,
    *,
    question: str,
    consequence: str,
    action_label: str,
    cancel_url: str,
) -> HttpResponse:
    """The "are you sure?" answer (200, nothing written): the question, what it will do, a
    button that posts the same fields with confirmed=yes to the same address, and Cancel."""
    confirm = confirmation_context(
        request,
        question=question,
        consequence=consequence,
        action_label=action_label,
        cancel_url=cancel_url,
    )
    return render(request, "confirm.html", {"confirm": confirm})
