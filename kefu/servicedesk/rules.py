"""Pure rules for callbacks, compensation and amounts (R-CB-02…04, R-TKT-10, R-TKT-08).

No ORM here: the services in ``callbacks``, ``compensation`` and ``paid`` ask these functions
which callback an order gets and when, who approves an amount, and whether an amount is valid.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from kefu.servicedesk.choices import CallbackKind, OrderType

# R-CB-01/02: which kind of callback a completed order gets (None: no callback required).
CALLBACK_KIND_BY_TYPE: dict[str, str] = {
    OrderType.COMPLAINT: CallbackKind.COMPLAINT,
    OrderType.REPAIR: CallbackKind.REPAIR,
    OrderType.PAID_SERVICE: CallbackKind.PAID,
    OrderType.SPECIAL_SERVICE: CallbackKind.PAID,
}
# Kinds that are "the" callback after completion (moves the order to 已回访); progress and
# survey callbacks do not.
COMPLETION_KINDS = frozenset({CallbackKind.COMPLAINT, CallbackKind.REPAIR, CallbackKind.PAID})

# R-CB-04: safety-facility repairs within 2 days, leak repairs within 3 days after the water
# test (= completion), all other repairs within 2 days.
SAFETY_REPAIR_CALLBACK = datetime.timedelta(days=2)
LEAK_REPAIR_CALLBACK = datetime.timedelta(days=3)
OTHER_REPAIR_CALLBACK = datetime.timedelta(days=2)
# R-CB-03: a solved complaint is called back right after solving.
COMPLAINT_CALLBACK = datetime.timedelta(0)
# R-CB-03: an unresolved complaint gets a progress call every 2 days until solved.
PROGRESS_INTERVAL = datetime.timedelta(days=2)
# R-CB-01: a call at a bad time (customer unreachable) is rescheduled.
RETRY_AFTER = datetime.timedelta(days=1)

# R-TKT-10 defaults (overridden by settings.KEFU_COMPENSATION_LIMITS).
DEFAULT_COMPENSATION_LIMITS: dict[str, int] = {"department": 1000, "vp": 5000}
APPROVER_LEVELS = ("department", "vp", "gm")
APPROVER_LABELS = {"department": "部门经理", "vp": "副总经理", "gm": "总经理"}

MONEY_PLACES = Decimal("0.01")
MONEY_MAX = Decimal("99999999.99")  # max_digits=10, decimal_places=2


def callback_kind_for(order_type: str) -> str | None:
    """The callback kind a completed order of ``order_type`` gets (R-CB-01/02)."""
    return CALLBACK_KIND_BY_TYPE.get(order_type)


def default_callback_delay(
    order_type: str, *, is_safety: bool = False, is_leak: bool = False
) -> datetime.timedelta:
    """Time from completion to the callback's due time when no policy target applies."""
    if order_type == OrderType.COMPLAINT:
        return COMPLAINT_CALLBACK
    if is_safety:
        return SAFETY_REPAIR_CALLBACK
    if is_leak:
        return LEAK_REPAIR_CALLBACK
    return OTHER_REPAIR_CALLBACK


def approver_level(amount: Decimal | int | str, limits: dict[str, int] | None = None) -> str:
    """R-TKT-10: ≤ 1,000 元 department manager, ≤ 5,000 元 vice-president, above: GM."""
    limits = {**DEFAULT_COMPENSATION_LIMITS, **(limits or {})}
    value = parse_amount(amount)
    if value <= Decimal(limits["department"]):
        return "department"
    if value <= Decimal(limits["vp"]):
        return "vp"
    return "gm"


def level_rank(level: str) -> int:
    return APPROVER_LEVELS.index(level)


def parse_amount(value, *, field: str = "amount", label: str = "金额") -> Decimal:
    """A non-negative money amount as ``Decimal`` (two places); a clear error otherwise."""
    if isinstance(value, bool) or value is None:
        raise ValidationError({field: [_("%(label)s必须是数字。") % {"label": label}]})
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise ValidationError(
            {field: [_("%(label)s必须是数字：“%(value)s”。") % {"label": label, "value": value}]}
        ) from None
    if not amount.is_finite():
        raise ValidationError({field: [_("%(label)s必须是数字。") % {"label": label}]})
    if amount < 0:
        raise ValidationError({field: [_("%(label)s不能为负数。") % {"label": label}]})
    amount = amount.quantize(MONEY_PLACES, rounding=ROUND_HALF_UP)
    if amount > MONEY_MAX:
        raise ValidationError({field: [_("%(label)s过大。") % {"label": label}]})
    return amount


def parse_quantity(value, *, field: str = "quantity") -> Decimal:
    """A positive quantity (two places)."""
    quantity = parse_amount(value, field=field, label="数量")
    if quantity <= 0:
        raise ValidationError({field: [_("数量必须大于 0。")]})
    return quantity


def format_yuan(amount: Decimal) -> str:
    """``3000`` → ``3,000``; ``1234.5`` → ``1,234.50``."""
    if amount == amount.to_integral_value():
        return f"{int(amount):,}"
    return f"{amount:,.2f}"
