"""Markup built in Python where a template loop is too slow: the mentor form's two long
lists (5,000 groups and 2,500 mentors at 100,000 members took over a second as template
loops, a few milliseconds here). Every text is escaped."""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


def select_options(choices, selected) -> SafeString:
    """`<option>`s for (value, label) pairs, the one equal to `selected` (as text) marked."""
    chosen = "" if selected is None else str(selected)
    html = "".join(
        f'<option value="{escape(value)}"'
        + (" selected" if str(value) == chosen else "")
        + f">{escape(label)}</option>"
        for value, label in choices
    )
    return mark_safe(html)  # noqa: S308 (escaped above)
