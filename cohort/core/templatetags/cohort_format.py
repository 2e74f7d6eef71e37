"""How numbers and moments read on every page: a distance with its unit, and "just now"."""

from decimal import ROUND_DOWN, Decimal, InvalidOperation

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils import timezone
from django.utils.timesince import timesince

register = template.Library()


@register.filter
def distance(value, unit: str = "") -> str:
    """3702.68, "km" -> "3,702.6 km": one decimal, rounded down like every distance here
    (nobody reaches a milestone by rounding), thousands separated; blank stays blank."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value)).quantize(Decimal("0.1"), ROUND_DOWN)
    except InvalidOperation:
        return str(value)
    text = intcomma(f"{number:.1f}", use_l10n=False)
    return f"{text} {unit}".strip()


@register.filter
def ago(moment) -> str:
    """ "just now" under a minute, else "5 minutes ago" (never "0 minutes ago")."""
    if not moment:
        return ""
    if (timezone.now() - moment).total_seconds() < 60:
        return "just now"
    return f"{timesince(moment)} ago"
