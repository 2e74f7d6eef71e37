"""Text in someone else's language: a message whose language is chosen when it is turned
into text (a notification or email written for its recipient, not for whoever caused it).

    text = lazy_message(gettext_noop("You reached %(place)s!"), place=milestone.name)
    with in_language(recipient.language):
        str(text)  # in the recipient's language

`gettext_noop` marks the message for makemessages; `lazy_message` translates it only when
the text is needed, in the language active then."""

import re
from contextlib import AbstractContextManager
from functools import partial

from django.conf import settings
from django.utils.formats import date_format, number_format
from django.utils.functional import lazy
from django.utils.translation import gettext, override


def _message(message: str, params: dict) -> str:
    text = gettext(message)
    return text % params if params else text


_lazy_message = lazy(_message, str)


def lazy_message(message: str, **params):
    """`message` (marked with gettext_noop) % params, translated when made text."""
    return _lazy_message(message, params)


def in_language(language: str | None) -> AbstractContextManager:
    """The member's language (their profile's), else the site's default."""
    return override(language or settings.LANGUAGE_CODE)


_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def sql_message(message: str, *, language_column: str, **parts) -> tuple[str, list]:
    """An SQL expression (and its parameters, in order) that gives `message` (marked with
    gettext_noop) in each row's language, for notifications written by INSERT ... SELECT.
    `language_column` holds the recipient's profile language ("" for the site's default);
    each %(name)s of the message is filled by parts[name]: an SQL expression (a column) as
    `Sql("...")`, or a plain value sent as a parameter."""
    default = settings.LANGUAGE_CODE
    whens, params = [], []
    fallback, fallback_params = "", []
    for code, _name in settings.LANGUAGES:
        with override(code):
            expr, expr_params = _sql_concat(gettext(message), parts)
        if code == default:
            fallback, fallback_params = expr, expr_params
        else:
            whens.append(f"WHEN {language_column} = %s THEN {expr}")
            params += [code, *expr_params]
    if not whens:
        return fallback, fallback_params
    return f"(CASE {' '.join(whens)} ELSE {fallback} END)", [*params, *fallback_params]


class Sql(str):
    """A part of sql_message that is an SQL expression, not a value."""


def _sql_concat(text: str, parts: dict) -> tuple[str, list]:
    pieces, params = [], []
    for i, piece in enumerate(_PLACEHOLDER.split(text)):
        if i % 2:  # a placeholder's name
            value = parts[piece]
            if isinstance(value, Sql):
                pieces.append(f"CAST({value} AS VARCHAR(300))")
            else:
                pieces.append("CAST(%s AS VARCHAR(300))")
                params.append(str(value))
        elif piece:
            pieces.append("CAST(%s AS VARCHAR(300))")
            params.append(piece.replace("%%", "%"))
    return " || ".join(pieces) or "''", params


# A date or a number in the language active when the text is made (for lazy_message).
lazy_date = lazy(date_format, str)
lazy_number = lazy(partial(number_format, force_grouping=True), str)
