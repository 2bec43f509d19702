"""Phone lookup: find a caller by part of a phone number, a name or a unit code.

One indexed column (``Customer.search_text``: name, phones, emergency phones, unit codes,
lower-cased) answers every kind of query with a single ``LIKE '%q%'``; PostgreSQL serves it
from a trigram GIN index (migration 0002). Results are scoped to the user's projects.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _

from kefu.core.validators import normalize_phone
from kefu.customers.models import Customer, CustomerUnit

MIN_QUERY_LENGTH = 2


def normalize_query(raw: str) -> str:
    """Lower-cased query; a phone typed with +86, spaces or dashes becomes its digits."""
    q = (raw or "").strip()
    compact = q.replace(" ", "").replace("-", "")
    if compact.startswith("+86") or (compact.isdigit() and len(compact) >= 7):
        return normalize_phone(compact).replace("-", "")
    return q.lower()


def query_terms(raw: str) -> list[str]:
    """What to look for: the normalised query, if it is long enough to be selective."""
    q = normalize_query(raw)
    return [q] if len(q) >= MIN_QUERY_LENGTH else []


def match_query(raw: str) -> Q | None:
    """The filter on ``search_text`` for a query, or ``None`` when it is too short."""
    terms = query_terms(raw)
    if not terms:
        return None
    match = Q()
    for term in terms:
        match |= Q(search_text__contains=term)
    return match


def search(user, raw_query: str, limit: int | None = None) -> list[Customer]:
    """Customers matching the query, each with ``current_links`` (units) and ``match_label``
    (what matched: 手机, 紧急联系人 …) so the agent sees why a caller came up."""
    match = match_query(raw_query)
    if match is None:
        return []
    limit = limit or settings.KEFU_LOOKUP_LIMIT
    links = CustomerUnit.objects.filter(end_date__isnull=True).select_related("unit")
    ids = list(
        Customer.objects.restrict(user)
        .filter(match, is_active=True)
        .values_list("pk", flat=True)[:limit]
    )
    customers = list(
        Customer.objects.filter(pk__in=ids)
        .select_related("project")
        .prefetch_related(
            Prefetch("unit_links", queryset=links, to_attr="current_links"),
            "emergency_contacts",
        )
        .order_by("name", "pk")
    )
    terms = query_terms(raw_query)
    for customer in customers:
        customer.match_label = describe_match(
            terms,
            name=customer.name,
            phone=customer.phone,
            phone2=customer.phone2,
            contacts=[(c.name, c.phone) for c in customer.emergency_contacts.all()],
            unit_codes=[link.unit.code for link in customer.current_links],
        )
    return customers


def describe_match(
    terms: list[str],
    *,
    name: str,
    phone: str,
    phone2: str,
    contacts: list[tuple[str, str]],
    unit_codes: list[str],
) -> str:
    """Which of a customer's details a lookup matched, in words for the agent."""

    def hit(value: str) -> bool:
        value = (value or "").lower()
        return any(term in value for term in terms)

    if hit(phone):
        return _("手机")
    if hit(phone2):
        return _("备用电话")
    for contact_name, contact_phone in contacts:
        if hit(contact_phone):
            return _("紧急联系人 %(name)s") % {"name": contact_name}
    for code in unit_codes:
        if hit(code):
            return _("房屋 %(code)s") % {"code": code}
    if hit(name):
        return _("姓名")
    return _("历史房屋")
