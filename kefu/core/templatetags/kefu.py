"""Template helpers: masking of personal data and audit labels."""

from django import template

from kefu.core.audit import SOURCE_LABELS
from kefu.core.validators import mask_id_number, mask_phone

register = template.Library()


@register.filter
def masked_phone(value: str) -> str:
    return mask_phone(value or "")


@register.filter
def masked_id(value: str) -> str:
    return mask_id_number(value or "")


@register.filter
def audit_source(entry) -> str:
    source = (entry.additional_data or {}).get("source", "")
    return SOURCE_LABELS.get(source, source or "—")
