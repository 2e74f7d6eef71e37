"""Cursor pagination of notifications, shared by the API and the page: Ninja's own
CursorPagination (opaque cursor, no OFFSET), newest first by id."""

from cohort.core.pagination import CursorPagination

PAGE_SIZE = 20
ORDERING = ("-id",)


def notifications_paginator() -> CursorPagination:
    return CursorPagination(ordering=ORDERING, page_size=PAGE_SIZE, max_page_size=100)


def notifications_page(request, queryset, cursor: str | None) -> dict:
    """{"results": [...], "next": url or None, "previous": url or None}. An invalid cursor
    raises Ninja's ValidationError."""
    paginator = notifications_paginator()
    return paginator.paginate_queryset(
        queryset, pagination=paginator.Input(cursor=cursor, page_size=None), request=request
    )
