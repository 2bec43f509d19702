"""Write paths for customers and their units: validated, transactional, audited.

Views and API serializers call these; each function validates fully (model ``full_clean``)
and writes everything or nothing.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kefu.core.permissions import can_use_project
from kefu.customers.choices import PersonalField
from kefu.customers.models import Customer, CustomerUnit, PersonalDataReveal, Unit


def save_customer(user, customer: Customer) -> Customer:
    """Create or update a customer within the user's projects."""
    if not can_use_project(user, customer.project_id):
        raise PermissionDenied(_("该项目不在您的权限范围内。"))
    with transaction.atomic():
        customer.full_clean()
        customer.save()
    return customer


def link_unit(user, link: CustomerUnit) -> CustomerUnit:
    """Relate a customer to a unit; one owner per unit at a time (row lock on the unit so two
    agents cannot register overlapping owners concurrently)."""
    if not can_use_project(user, link.unit.project_id):
        raise PermissionDenied(_("该项目不在您的权限范围内。"))
    with transaction.atomic():
        Unit.objects.select_for_update().filter(pk=link.unit_id).first()
        link.full_clean()
        link.save()
    return link


def reveal(
    user,
    customer: Customer,
    field: str,
    *,
    reason: str = "",
    source: str = "ui",
    remote_addr: str | None = None,
    contact_id: int | None = None,
) -> str:
    """Return one unmasked personal value and log who looked (R-SEC-01, R-CUS-03)."""
    if not user.has_perm("customers.reveal_personal_data"):
        raise PermissionDenied(_("您没有查看完整个人信息的权限。"))
    if not can_use_project(user, customer.project_id):
        raise PermissionDenied(_("该项目不在您的权限范围内。"))
    if field not in PersonalField.values:
        raise ValidationError({"field": _("未知的字段。")})
    if field == PersonalField.EMERGENCY_PHONE:
        contact = customer.emergency_contacts.filter(pk=contact_id).first()
        if contact is None:
            raise ValidationError({"contact_id": _("紧急联系人不存在。")})
        value = contact.phone
    else:
        value = getattr(customer, field)
    PersonalDataReveal.objects.create(
        customer=customer,
        field=field,
        user=user,
        reason=reason[:200],
        source=source,
        remote_addr=remote_addr,
    )
    return value
