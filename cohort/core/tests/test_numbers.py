"""Numbers.grouped's fast way for whole numbers prints what Django's intcomma prints."""

from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils import numberformat
from hypothesis import given
from hypothesis import strategies as st

from cohort.core.numbers import Numbers


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_whole_numbers_are_grouped_as_intcomma_groups_them(value):
    assert Numbers().grouped(value) == intcomma(value)


@given(st.integers(min_value=-(10**12), max_value=10**12), st.sampled_from([".", " ", "'"]))
def test_another_languages_separator_is_used_as_numberformat_uses_it(value, separator):
    numbers = Numbers()
    numbers.thousands = separator
    expected = numberformat.format(value, ",", None, 3, separator, force_grouping=True)
    assert numbers.grouped(value) == expected


def test_uneven_groups_and_other_values_keep_djangos_own_way():
    numbers = Numbers()
    numbers.grouping = (3, 2, 0)  # the Indian grouping
    assert numbers.grouped(12345678) == "1,23,45,678"
    assert Numbers().grouped(None) == intcomma(None)
    assert Numbers().grouped(1234.5) == intcomma(1234.5)
