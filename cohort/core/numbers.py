"""Numbers as the templates print them, for HTML built in Python (the rows of the pages
every member opens): the active language's formats looked up once a page instead of once a
value, as `localize` and `intcomma` do."""

from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils import numberformat
from django.utils.formats import get_format
from django.utils.translation import get_language


class Numbers:
    """The active language's number formats, looked up once."""

    def __init__(self) -> None:
        lang = get_language()
        self.decimal = get_format("DECIMAL_SEPARATOR", lang)
        self.grouping = get_format("NUMBER_GROUPING", lang)
        self.thousands = get_format("THOUSAND_SEPARATOR", lang)

    def plain(self, value) -> str:
        """`{{ value }}`: localized, grouped only if USE_THOUSAND_SEPARATOR says so."""
        if value is None:
            return "None"
        return numberformat.format(value, self.decimal, None, self.grouping, self.thousands)

    def grouped(self, value) -> str:
        """`{{ value|intcomma }}`."""
        if not isinstance(value, int):
            return intcomma(value)  # None and the rest: the filter's own answer
        if self.grouping == 3 and not isinstance(value, bool):
            # Groups of three (most languages): Python's own grouping, a tenth of the cost of
            # numberformat's general one, which a page of rows calls a hundred times.
            text = f"{value:,}"
            return text if self.thousands == "," else text.replace(",", self.thousands)
        return numberformat.format(
            value, self.decimal, None, self.grouping, self.thousands, force_grouping=True
        )
