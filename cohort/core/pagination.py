"""Ninja's cursor pagination, safe against forged cursors."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from ninja.errors import ValidationError
from ninja.pagination import CursorPagination as NinjaCursorPagination


class CursorPagination(NinjaCursorPagination):
    """Ninja's CursorPagination, answering 422 "Invalid Cursor" (as Ninja does for one that is
    not base64) when a cursor's position does not fit the ordering column: Ninja hands the
    position to the database as it is, so a forged `p=abc` on an id would be a 500."""

    def paginate_queryset(self, queryset, pagination, request, **params):
        try:
            return super().paginate_queryset(queryset, pagination, request, **params)
        except (ValueError, TypeError, OverflowError, DjangoValidationError, DataError) as exc:
            if not pagination.cursor:
                raise
            raise ValidationError([{"cursor": "Invalid Cursor"}]) from exc
