"""Compensation (赔偿) routed to its approver by amount (R-TKT-10).

≤ 1,000 元 department manager, ≤ 5,000 元 vice-president, above: general manager — thresholds in
``settings.KEFU_COMPENSATION_LIMITS`` (default ``{"department": 1000, "vp": 5000}``). Approving
needs ``servicedesk.approve_compensation_<level>`` of that level or a higher one; a settlement
above the approver's limit is refused. A settlement the customer rejects opens a new complaint
linked to the original (``WorkOrder.parent``). Every step is an ``OrderEvent``.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core.permissions import can_use_project
from kefu.servicedesk import rules
from kefu.servicedesk.choices import OrderType, Status
from kefu.servicedesk.models import Compensation, WorkOrder

__all__ = [
    "approver_level",
    "customer_rejects",
    "decide",
    "limits",
    "request",
    "user_level",
]

PERMISSION = "servicedesk.approve_compensation_{level}"
NOT_COMPENSABLE = frozenset({Status.CANCELLED, Status.INVALID})


def limits() -> dict[str, int]:
    return {
        **rules.DEFAULT_COMPENSATION_LIMITS,
        **getattr(settings, "KEFU_COMPENSATION_LIMITS", {}),
    }


def approver_level(amount) -> str:
    """``"department"`` (≤ 1,000 元), ``"vp"`` (≤ 5,000 元) or ``"gm"`` (above), per settings."""
    return rules.approver_level(amount, limits())


def user_level(user) -> str | None:
    """The highest approval level the user holds (None: may not approve compensation)."""
    for level in reversed(rules.APPROVER_LEVELS):
        if user.has_perm(PERMISSION.format(level=level)):
            return level
    return None


@transaction.atomic
def request(actor, order: WorkOrder, amount, reason: str) -> Compensation:
    """Propose a settlement; it goes to the approver its amount needs (R-TKT-10)."""
    from kefu.servicedesk.actions import record_event

    value = rules.parse_amount(amount, label="赔偿金额")
    if value <= 0:
        raise ValidationError({"amount": [_("赔偿金额必须大于 0。")]})
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("请填写赔偿事由。")]})
    order = WorkOrder.objects.select_for_update().get(pk=order.pk)
    if not can_use_project(actor, order.project_id):
        raise PermissionDenied(_("该项目不在您的权限范围内。"))
    if order.status in NOT_COMPENSABLE:
        raise ValidationError(_("工单已取消或无效，不能申请赔偿。"))
    if order.compensations.filter(status=Compensation.Decision.PENDING).exists():
        raise ValidationError(_("该工单已有待审批的赔偿申请。"))
    level = approver_level(value)
    comp = Compensation.objects.create(
        order=order, amount=value, reason=reason.strip(), approver_level=level, requested_by=actor
    )
    record_event(
        order,
        "compensation_requested",
        actor,
        timezone.now(),
        note=comp.reason,
        compensation_id=comp.pk,
        amount=str(value),
        approver_level=level,
    )
    return comp


@transaction.atomic
def decide(actor, comp: Compensation, approve: bool, note: str = "") -> Compensation:
    """Approve or reject a pending settlement; refused above the approver's limit (R-TKT-10)."""
    from kefu.servicedesk.actions import record_event

    comp = Compensation.objects.select_for_update().select_related("order").get(pk=comp.pk)
    if comp.status != Compensation.Decision.PENDING:
        raise ValidationError(_("该赔偿申请已处理（%(s)s）。") % {"s": comp.get_status_display()})
    if not can_use_project(actor, comp.order.project_id):
        raise PermissionDenied(_("该项目不在您的权限范围内。"))
    needed = comp.approver_level
    mine = user_level(actor)
    if mine is None or rules.level_rank(mine) < rules.level_rank(needed):
        raise PermissionDenied(
            _("赔偿金额 %(amount)s 元须由%(who)s审批，超出您的审批权限（R-TKT-10）。")
            % {"amount": rules.format_yuan(comp.amount), "who": rules.APPROVER_LABELS[needed]}
        )
    if not approve and not (note or "").strip():
        raise ValidationError({"note": [_("驳回须填写意见。")]})
    now = timezone.now()
    comp.status = Compensation.Decision.APPROVED if approve else Compensation.Decision.REJECTED
    comp.decided_by, comp.decided_at, comp.decision_note = actor, now, (note or "").strip()
    comp.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "last_updated"])
    record_event(
        comp.order,
        "compensation_approved" if approve else "compensation_rejected",
        actor,
        now,
        note=comp.decision_note,
        compensation_id=comp.pk,
        amount=str(comp.amount),
        approver_level=needed,
    )
    return comp


@transaction.atomic
def customer_rejects(actor, comp: Compensation, note: str) -> WorkOrder:
    """The customer does not accept the approved settlement: a new complaint linked to the
    original is opened (R-TKT-10) and recorded on both orders."""
    from kefu.servicedesk.actions import create_order, record_event

    comp = Compensation.objects.select_for_update().select_related("order").get(pk=comp.pk)
    if comp.status != Compensation.Decision.APPROVED:
        raise ValidationError(_("只有已批准的赔偿方案才能登记客户不接受。"))
    if not (note or "").strip():
        raise ValidationError({"note": [_("请记录客户不接受的理由。")]})
    original = comp.order
    new = create_order(
        actor,
        project=original.project,
        order_type=OrderType.COMPLAINT,
        channel=original.channel,
        customer=original.customer,
        caller_name=original.caller_name,
        caller_phone=original.caller_phone,
        unit=original.unit,
        address=original.address,
        title=(_("不接受赔偿：") + original.title)[:100],
        description=_("客户不接受工单 %(number)s 的赔偿方案（%(amount)s 元）：%(note)s")
        % {
            "number": original.number,
            "amount": rules.format_yuan(comp.amount),
            "note": note.strip(),
        },
        parent=original,
    )
    now = timezone.now()
    comp.status, comp.follow_up = Compensation.Decision.CUSTOMER_REJECTED, new
    comp.save(update_fields=["status", "follow_up", "last_updated"])
    record_event(
        original,
        "compensation_customer_rejected",
        actor,
        now,
        note=note.strip(),
        compensation_id=comp.pk,
        follow_up=new,
    )
    return new
