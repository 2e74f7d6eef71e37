"""Dropping competition's cached reads (the current season, the categories) after a write:
the keys belong to selectors.seasons, which only reads them."""

from cohort.competition.selectors.seasons import CATEGORIES_KEY, SEASON_CURRENT_KEY
from cohort.core.caching import cache_forget_on_commit


def season_current_forget() -> None:
    """Drop the cached current season once the caller's transaction commits."""
    cache_forget_on_commit([SEASON_CURRENT_KEY])


def categories_forget() -> None:
    """Drop the cached categories once the caller's transaction commits."""
    cache_forget_on_commit([CATEGORIES_KEY])


def category_saved_received(sender, **kwargs) -> None:
    """post_save/post_delete of a Category, from anywhere (the admin, the demo, a shell)."""
    categories_forget()
