"""How numbers and moments read on every page: a distance with its unit, and "just now"."""

from decimal import ROUND_DOWN, Decimal, InvalidOperation

from django import template
from django.utils import numberformat, timezone
from django.utils.formats import get_format
from django.utils.timesince import timesince
from django.utils.translation import gettext

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
    # The active language's separators (3,702.6 in English, 3.702,6 in Spanish); the unit
    # is the path's own (km or mi), whatever the language.
    text = numberformat.format(
        number,
        get_format("DECIMAL_SEPARATOR"),
        1,
        get_format("NUMBER_GROUPING"),
        get_format("THOUSAND_SEPARATOR"),
        force_grouping=True,
    )
    return f"{text} {unit}".strip()


@register.filter
def ago(moment) -> str:
    """ "just now" under a minute, else "5 minutes ago" (never "0 minutes ago")."""
    if not moment:
        return ""
    if (timezone.now() - moment).total_seconds() < 60:
        return gettext("just now")
    return gettext("%(time)s ago") % {"time": timesince(moment)}
