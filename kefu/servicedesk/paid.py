"""Paid service (有偿服务): price list, quote accepted before work, fees to finance
(R-TKT-08, R-TKT-12, R-PROP-05).

The quote is prepared from the project's price list and accepted by the customer *before* paid
work starts — ``actions.transition(..., "start")`` refuses otherwise. Materials the customer
supplied and the amount handed to finance are recorded on the order.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core.permissions import can_use_project
from kefu.servicedesk import rules
from kefu.servicedesk.choices import ConfirmationMethod, OrderType, ServiceCategory, Status
from kefu.servicedesk.models import PriceItem, Quote, QuoteLine, WorkOrder

__all__ = [
    "accept_quote",
    "is_paid",
    "price_list",
    "quote",
    "record_finance",
    "record_materials",
    "save_price_item",
]

QuoteLineInput = tuple[PriceItem | None, str, object, object]
# Once work has started (or finished) the quote is what the customer accepted.
QUOTABLE = frozenset(
    {
        Status.NEW,
        Status.ACCEPTED,
        Status.DISPATCHED,
        Status.ACKNOWLEDGED,
        Status.DEPARTED,
        Status.ON_SITE,
        Status.ON_HOLD,
        Status.REOPENED,
    }
)


def is_paid(order: WorkOrder) -> bool:
    """Paid work (R-TKT-12 有偿, or a paid/special service order)."""
    return order.service_category == ServiceCategory.PAID or order.order_type in (
        OrderType.PAID_SERVICE,
        OrderType.SPECIAL_SERVICE,
    )


def price_list(project, *, active_only: bool = True) -> QuerySet[PriceItem]:
    """The project's paid-service price list (R-PROP-05), by code."""
    items = PriceItem.objects.filter(project=project)
    if active_only:
        items = items.filter(is_active=True)
    return items.order_by("code")


@transaction.atomic
def save_price_item(
    actor, project, *, code: str, name: str, price, unit: str = "次", is_active: bool = True
) -> PriceItem:
    """Create or update the price-list line ``code`` of ``project``."""
    if not can_use_project(actor, project.pk):
        raise PermissionDenied(_("该项目不在您的权限范围内。"))
    amount = rules.parse_amount(price, field="price", label="单价")
    item = PriceItem.objects.select_for_update().filter(project=project, code=code).first()
    item = item or PriceItem(project=project, code=code)
    item.name, item.price, item.unit, item.is_active = name, amount, unit, is_active
    item.full_clean()
    item.save()
    return item


def _lock(order: WorkOrder) -> WorkOrder:
    return WorkOrder.objects.select_for_update().get(pk=order.pk)


def _lines(order: WorkOrder, lines: Iterable[Sequence]) -> list[QuoteLine]:
    out: list[QuoteLine] = []
    for index, line in enumerate(lines, start=1):
        try:
            price_item, description, quantity, unit_price = line
        except (TypeError, ValueError):
            raise ValidationError(
                {"lines": [_("第 %(n)s 行格式不正确。") % {"n": index}]}
            ) from None
        if price_item is not None:
            if price_item.project_id != order.project_id or not price_item.is_active:
                raise ValidationError(
                    {"lines": [_("第 %(n)s 行：价目不属于本项目或已停用。") % {"n": index}]}
                )
            description = description or price_item.name
            if unit_price is None:
                unit_price = price_item.price
        description = (description or "").strip()
        if not description:
            raise ValidationError({"lines": [_("第 %(n)s 行：请填写内容。") % {"n": index}]})
        try:
            qty = rules.parse_quantity(quantity)
            price = rules.parse_amount(unit_price, field="unit_price", label="单价")
        except ValidationError as exc:
            messages = [f"第 {index} 行：{m}" for m in exc.messages]
            raise ValidationError({"lines": messages}) from None
        out.append(
            QuoteLine(
                price_item=price_item, description=description[:100], quantity=qty, unit_price=price
            )
        )
    if not out:
        raise ValidationError({"lines": [_("报价至少要有一行。")]})
    return out


@transaction.atomic
def quote(actor, order: WorkOrder, lines: Iterable[QuoteLineInput]) -> Quote:
    """Prepare (or, before acceptance, replace) the quote of a paid order (R-TKT-08).

    ``lines``: ``(price_item or None, description, quantity, unit_price)``; with a price item,
    an empty description and a ``None`` unit price come from the price list.
    """
    from kefu.servicedesk.actions import record_event

    order = _lock(order)
    if not is_paid(order):
        raise ValidationError(_("只有有偿服务工单需要报价（R-TKT-12）。"))
    if order.status not in QUOTABLE or order.started_at is not None:
        raise ValidationError(_("工单已开始施工或已结束，不能再报价（R-TKT-08）。"))
    new_lines = _lines(order, lines)
    total = sum((line.quantity * line.unit_price for line in new_lines), Decimal("0"))
    total = rules.parse_amount(total, field="total", label="合计")
    existing = Quote.objects.select_for_update().filter(order=order).first()
    if existing is not None and existing.accepted_at is not None:
        raise ValidationError(_("报价已经客户确认，不能修改。"))
    if existing is not None:
        existing.lines.all().delete()
        existing.total, existing.prepared_by = total, actor
        existing.save(update_fields=["total", "prepared_by", "last_updated"])
        the_quote = existing
    else:
        the_quote = Quote.objects.create(order=order, total=total, prepared_by=actor)
    for line in new_lines:
        line.quote = the_quote
    QuoteLine.objects.bulk_create(new_lines)
    record_event(
        order,
        "quoted",
        actor,
        timezone.now(),
        total=str(total),
        lines=[
            {"description": x.description, "quantity": str(x.quantity), "price": str(x.unit_price)}
            for x in new_lines
        ],
    )
    return the_quote


@transaction.atomic
def accept_quote(
    actor,
    order: WorkOrder,
    accepted_by: str,
    method: str,
    *,
    at: datetime.datetime | None = None,
) -> Quote:
    """Record the customer's acceptance of the quote — needed before work starts (R-TKT-08)."""
    from kefu.servicedesk.actions import record_event

    order = _lock(order)
    the_quote = Quote.objects.select_for_update().filter(order=order).first()
    if the_quote is None:
        raise ValidationError(_("该工单还没有报价。"))
    if the_quote.accepted_at is not None:
        raise ValidationError(_("报价已于 %(at)s 经客户确认。") % {"at": the_quote.accepted_at})
    errors = {}
    if not (accepted_by or "").strip():
        errors["accepted_by"] = [_("请填写确认报价的客户。")]
    if method not in ConfirmationMethod.values:
        errors["method"] = [_("请选择确认方式。")]
    if errors:
        raise ValidationError(errors)
    at = at or timezone.now()
    the_quote.accepted_at, the_quote.accepted_by = at, accepted_by.strip()
    the_quote.acceptance_method = method
    the_quote.save(
        update_fields=["accepted_at", "accepted_by", "acceptance_method", "last_updated"]
    )
    record_event(
        order,
        "quote_accepted",
        actor,
        at,
        accepted_by=the_quote.accepted_by,
        method=method,
        total=str(the_quote.total),
    )
    return the_quote


def _save_order(order: WorkOrder, fields: list[str]) -> None:
    order.version += 1
    order.save(update_fields=[*fields, "version", "last_updated"])


@transaction.atomic
def record_finance(actor, order: WorkOrder, amount) -> WorkOrder:
    """The fee handed to finance (R-PROP-05), non-negative."""
    from kefu.servicedesk.actions import record_event

    value = rules.parse_amount(amount, field="amount_to_finance", label="交财务金额")
    order = _lock(order)
    if not is_paid(order):
        raise ValidationError(_("只有有偿服务工单需要登记交财务金额。"))
    order.amount_to_finance = value
    _save_order(order, ["amount_to_finance"])
    record_event(order, "finance_recorded", actor, timezone.now(), amount=str(value))
    return order


@transaction.atomic
def record_materials(actor, order: WorkOrder, text: str) -> WorkOrder:
    """Materials the customer supplied (R-TKT-08)."""
    from kefu.servicedesk.actions import record_event

    order = _lock(order)
    order.customer_materials = text.strip()
    _save_order(order, ["customer_materials"])
    record_event(
        order, "materials_recorded", actor, timezone.now(), note=order.customer_materials[:200]
    )
    return order
