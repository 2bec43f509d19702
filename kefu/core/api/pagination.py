"""Keyset (cursor) pagination for every list: stable and fast with millions of rows.

Each viewset states its ``ordering`` (a unique, indexed column or a tuple ending in one);
pagination refuses to run on an unordered list rather than return unstable pages.
"""

from rest_framework.pagination import CursorPagination


class KeysetPagination(CursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    ordering = "-id"

    def get_ordering(self, request, queryset, view):
        ordering = getattr(view, "ordering", None) or self.ordering
        if isinstance(ordering, str):
            ordering = (ordering,)
        last = ordering[-1].lstrip("-")
        if last not in ("id", "pk"):
            raise ValueError(f"{view.__class__.__name__}.ordering must end in a unique key.")
        return tuple(ordering)
