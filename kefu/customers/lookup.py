"""Phone lookup: find a caller by part of a phone number, a name or a unit code.

One indexed column (``Customer.search_text``: name, phones, emergency phones, unit codes,
lower-cased) answers every kind of query with a single ``LIKE '%q%'``; PostgreSQL serves it
from a trigram GIN index (migration 0002). Results are scoped to the user's projects.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Prefetch, QuerySet

from kefu.core.validators import normalize_phone
from kefu.customers.models import Customer, CustomerUnit

MIN_QUERY_LENGTH = 2


def normalize_query(raw: str) -> str:
    q = (raw or "").strip()
    compact = q.replace(" ", "").replace("-", "")
    if compact.isdigit() or compact.startswith("+86"):
        return normalize_phone(compact)
    return q.lower()


def search(user, raw_query: str, limit: int | None = None) -> QuerySet[Customer]:
    """Customers matching the query, with their current units prefetched (no N+1)."""
    q = normalize_query(raw_query)
    if len(q) < MIN_QUERY_LENGTH:
        return Customer.objects.none()
    limit = limit or settings.KEFU_LOOKUP_LIMIT
    links = CustomerUnit.objects.filter(end_date__isnull=True).select_related("unit")
    ids = list(
        Customer.objects.restrict(user)
        .filter(search_text__contains=q, is_active=True)
        .values_list("pk", flat=True)[:limit]
    )
    return (
        Customer.objects.filter(pk__in=ids)
        .select_related("project")
        .prefetch_related(Prefetch("unit_links", queryset=links, to_attr="current_links"))
        .order_by("name", "pk")
    )
