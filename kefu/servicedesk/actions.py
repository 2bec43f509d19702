"""Write paths for work orders: validated, transactional, recorded on the timeline.

Every state change goes through ``transition`` (the state machine in ``workflow``); each runs in
one transaction with the order row locked, checks the caller's ``version`` when given (two
people editing the same order: the second gets a ``ConflictError``, not a silent overwrite),
writes an ``OrderEvent`` and moves the stored deadlines (``deadlines.on_event``). Notifications
are sent after commit.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core.permissions import can_use_project
from kefu.servicedesk import workflow
from kefu.servicedesk.choices import OrderType, ServiceCategory, Status
from kefu.servicedesk.models import OrderEvent, OrderNote, OrderSequence, WorkOrder

# Fields a caller may give when opening an order.
CREATE_FIELDS = {
    "project",
    "order_type",
    "channel",
    "category",
    "service_category",
    "customer",
    "caller_name",
    "caller_phone",
    "unit",
    "address",
    "title",
    "description",
    "complaint_class",
    "severity",
    "is_emergency",
    "equipment_down",
    "requested_by",
    "appointment_at",
    "contractor",
    "department",
    "parent",
}
# Work done at the customer's place: the customer confirms completion (R-TKT-08).
FIELD_TYPES = {OrderType.REPAIR, OrderType.PAID_SERVICE, OrderType.SPECIAL_SERVICE}
# Allowed clock skew for "an appointment in the past" (the agent types while talking).
APPOINTMENT_GRACE = datetime.timedelta(minutes=5)


class ConflictError(Exception):
    """The order changed since the caller read it (optimistic locking; HTTP 409)."""


def next_number(project, year: int) -> str:
    """``<project code>-<year>-<6 digits>``, gap-free per project and year.

    One ``UPDATE … RETURNING`` (the row stays locked until the caller's transaction ends, so
    numbers are gap-free and never shared); the sequence row is created on first use. Callers
    take the number as late as possible in their transaction: the lock serialises every order
    of the project and year until commit."""
    table = OrderSequence._meta.db_table
    sql = f"UPDATE {table} SET last = last + 1 WHERE project_id = %s AND year = %s RETURNING last"
    with connection.cursor() as cursor:
        cursor.execute(sql, [project.pk, year])
        row = cursor.fetchone()
        if row is None:
            OrderSequence.objects.get_or_create(project=project, year=year)
            cursor.execute(sql, [project.pk, year])
            row = cursor.fetchone()
    return f"{project.code}-{year}-{row[0]:06d}"


def record_event(
    order: WorkOrder,
    kind: str,
    actor,
    at: datetime.datetime,
    *,
    note: str = "",
    from_status: str = "",
    to_status: str = "",
    **data: Any,
) -> OrderEvent:
    return OrderEvent.objects.create(
        order=order,
        kind=kind,
        actor=actor,
        at=at,
        note=note,
        from_status=from_status,
        to_status=to_status,
        data=_jsonable(data),
    )


def _jsonable(data: dict) -> dict:
    out = {}
    for key, value in data.items():
        if isinstance(value, datetime.datetime | datetime.date):
            out[key] = value.isoformat()
        elif isinstance(value, Decimal):
            out[key] = str(value)
        elif hasattr(value, "pk"):
            out[key] = {"id": value.pk, "name": str(value)}
        else:
            out[key] = value
    return out


def _validate_new(actor, fields: dict, now: datetime.datetime) -> None:
    errors: dict[str, list[str]] = {}
    project = fields.get("project")
    if project is None:
        errors.setdefault("project", []).append(_("请选择项目。"))
    elif not can_use_project(actor, project.pk):
        raise PermissionDenied(_("该项目不在您的权限范围内。"))
    customer, unit = fields.get("customer"), fields.get("unit")
    if customer is None and not (fields.get("caller_phone") or "").strip():
        errors.setdefault("customer", []).append(_("工单必须有客户，或至少有来电号码。"))
    if project is not None:
        if customer is not None and customer.project_id != project.pk:
            errors.setdefault("customer", []).append(_("客户不属于该项目。"))
        if unit is not None and unit.project_id != project.pk:
            errors.setdefault("unit", []).append(_("房屋不属于该项目。"))
    appointment = fields.get("appointment_at")
    if appointment is not None and appointment < now - APPOINTMENT_GRACE:
        errors.setdefault("appointment_at", []).append(_("预约时间不能早于现在。"))
    requested = fields.get("requested_by")
    if requested is not None and requested < now - APPOINTMENT_GRACE:
        errors.setdefault("requested_by", []).append(_("要求完成时间不能早于现在。"))
    order_type = fields.get("order_type")
    if order_type != OrderType.COMPLAINT and (
        fields.get("severity") or fields.get("complaint_class")
    ):
        errors.setdefault("severity", []).append(_("只有投诉才有投诉性质和严重程度。"))
    category = fields.get("category")
    if category is not None and order_type and category.order_type != order_type:
        errors.setdefault("category", []).append(_("所选分类不属于该工单类型。"))
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_order(
    actor, *, received_at: datetime.datetime | None = None, **fields: Any
) -> WorkOrder:
    """Open a work order; the receiving staff member owns it (R-TKT-01, R-TKT-03)."""
    unknown = set(fields) - CREATE_FIELDS
    if unknown:
        raise TypeError(f"unknown work-order fields: {sorted(unknown)}")
    now = timezone.now()
    received_at = received_at or now
    fields.setdefault("caller_phone", "")
    _validate_new(actor, fields, now)
    if fields.get("order_type") == OrderType.PAID_SERVICE:
        fields.setdefault("service_category", ServiceCategory.PAID)
    if not fields.get("caller_phone") and fields.get("customer") is not None:
        fields["caller_phone"] = fields["customer"].phone
    order = WorkOrder(receiver=actor, owner=actor, received_at=received_at, **fields)
    # Related records given as saved instances exist (the caller read them; _validate_new
    # checked their project) — no existence query each; the number comes from the sequence
    # (unique in the database) and the contact constraint is _validate_new's first check.
    given = [k for k, v in fields.items() if getattr(v, "pk", None) is not None]
    given += ["receiver", "owner"] if actor.pk is not None else []
    order.full_clean(exclude=["number", *given], validate_constraints=False)
    from kefu.servicedesk import deadlines

    # Policy and deadlines are computed before the number is taken, so the sequence row is
    # locked only for the inserts (orders of one project are serialised on it until commit).
    planned = deadlines.plan_new(order, now=received_at)
    order.number = next_number(order.project, timezone.localtime(received_at).year)
    order.save()
    record_event(
        order,
        "created",
        actor,
        received_at,
        to_status=order.status,
        channel=order.channel,
        order_type=order.order_type,
    )
    deadlines.save_new(order, planned)
    return order


def _locked(order: WorkOrder, version: int | None) -> WorkOrder:
    fresh = WorkOrder.objects.select_for_update().get(pk=order.pk)
    if version is not None and fresh.version != version:
        raise ConflictError(
            _(
                "工单 %(number)s 已被他人修改（当前版本 %(current)s，您的版本 %(yours)s），"
                "请刷新后再操作。"
            )
            % {"number": fresh.number, "current": fresh.version, "yours": version}
        )
    return fresh


def _save(order: WorkOrder, fields: list[str]) -> None:
    order.version += 1
    order.save(update_fields=[*fields, "version", "last_updated"])


# What each action needs and does beyond the status change: (required data, handler).
def _dispatch(order, actor, at, data):
    department, assignee = data.get("department"), data.get("assignee")
    if department is None:
        raise ValidationError({"department": [_("派工须选择责任部门（R-TKT-09）。")]})
    redispatch = order.status in (Status.DISPATCHED, Status.ACKNOWLEDGED)
    if redispatch and not data.get("reason"):
        raise ValidationError({"reason": [_("改派须填写原因。")]})
    if assignee is not None:
        staff = getattr(assignee, "staff", None)
        if staff is None or staff.department_id != department.pk:
            raise ValidationError({"assignee": [_("处理人不属于所选部门。")]})
    order.department, order.assignee = department, assignee
    order.dispatched_at = at
    order.acknowledged_at = None
    return ["department", "assignee", "dispatched_at", "acknowledged_at"], "dispatched"


def _acknowledge(order, actor, at, data):
    if order.assignee_id is None:
        order.assignee = actor
    elif order.assignee_id != actor.pk and not actor.has_perm("servicedesk.dispatch_order"):
        raise PermissionDenied(_("只有被派工的技术员本人可以接单。"))
    order.acknowledged_at = at
    return ["assignee", "acknowledged_at"], "acknowledged"


def _stamp(field, hook):
    def handler(order, actor, at, data):
        setattr(order, field, at)
        return [field], hook

    return handler


def _start(order, actor, at, data):
    if order.service_category == ServiceCategory.PAID:
        quote = getattr(order, "quote", None)
        if quote is None or quote.accepted_at is None:
            raise ValidationError(_("有偿服务须先报价并经客户确认，才能开始施工（R-TKT-08）。"))
    order.started_at = at
    return ["started_at"], None


def _complete(order, actor, at, data):
    resolution = (data.get("resolution") or "").strip()
    if not resolution:
        raise ValidationError({"resolution": [_("请填写处理结果。")]})
    fields = ["completed_at", "resolution"]
    order.completed_at, order.resolution = at, resolution
    needs_confirmation = order.order_type in FIELD_TYPES and order.arrived_at is not None
    if needs_confirmation and not (data.get("confirmed_by") and data.get("confirmation_method")):
        raise ValidationError({"confirmed_by": [_("完工须记录客户确认人及确认方式（R-TKT-08）。")]})
    if data.get("confirmed_by"):
        order.confirmed_by = data["confirmed_by"]
        order.confirmation_method = data.get("confirmation_method", "")
        fields += ["confirmed_by", "confirmation_method"]
    if "customer_materials" in data:
        order.customer_materials = data["customer_materials"]
        fields.append("customer_materials")
    if data.get("amount_to_finance") is not None:
        order.amount_to_finance = data["amount_to_finance"]
        fields.append("amount_to_finance")
    if order.answered_at is None:
        order.answered_at = at
        fields.append("answered_at")
    return fields, "completed"


def _hold(order, actor, at, data):
    if not (data.get("reason") or "").strip():
        raise ValidationError({"reason": [_("挂起须填写原因（R-TKT-08）。")]})
    appointment = data.get("appointment_at")
    if appointment is not None:
        if appointment < timezone.now() - APPOINTMENT_GRACE:
            raise ValidationError({"appointment_at": [_("预约时间不能早于现在。")]})
        order.appointment_at = appointment
    order.held_from = order.status
    return ["held_from", "appointment_at"], "held"


def _resume(order, actor, at, data):
    return ["held_from"], "resumed"


def _with_reason(hook):
    def handler(order, actor, at, data):
        if not (data.get("reason") or "").strip():
            raise ValidationError({"reason": [_("请填写原因。")]})
        return [], hook

    return handler


def _close(order, actor, at, data):
    order.closed_at = at
    return ["closed_at"], None


def _reopen(order, actor, at, data):
    if not (data.get("reason") or "").strip():
        raise ValidationError({"reason": [_("请填写重新打开的原因。")]})
    order.completed_at = order.closed_at = None
    return ["completed_at", "closed_at"], "reopened"


HANDLERS = {
    "accept": lambda order, actor, at, data: ([], None),
    "dispatch": _dispatch,
    "acknowledge": _acknowledge,
    "depart": _stamp("departed_at", None),
    "arrive": _stamp("arrived_at", "arrived"),
    "start": _start,
    "complete": _complete,
    "hold": _hold,
    "resume": _resume,
    "callback": lambda order, actor, at, data: ([], None),
    "close": _close,
    "cancel": _with_reason("cancelled"),
    "invalidate": _with_reason("cancelled"),
    "reopen": _reopen,
}


# Actions that need more than the right to change orders.
ACTION_PERMISSIONS = {"dispatch": "servicedesk.dispatch_order"}


def _check_permission(actor, order: WorkOrder, permission: str) -> None:
    if not actor.has_perm(permission):
        raise PermissionDenied(_("您没有执行此操作的权限。"))
    if not WorkOrder.visible_to(actor, "change").filter(pk=order.pk).exists():
        raise PermissionDenied(_("该工单不在您的权限范围内。"))


@transaction.atomic
def transition(
    actor,
    order: WorkOrder,
    action: str,
    *,
    version: int | None = None,
    note: str = "",
    at: datetime.datetime | None = None,
    **data: Any,
) -> WorkOrder:
    """Move ``order`` by ``action``; refused with ``TransitionError`` when the state machine
    forbids it, ``ValidationError`` when required data is missing."""
    _check_permission(actor, order, ACTION_PERMISSIONS.get(action, "servicedesk.change_workorder"))
    order = _locked(order, version)
    spec = workflow.check(action, order.status)
    at = at or timezone.now()
    fields, hook = HANDLERS[action](order, actor, at, data)
    before = order.status
    order.status = spec.target or order.held_from or Status.ACCEPTED
    if action == "resume":
        order.held_from = ""
    _save(order, ["status", *fields])
    reason = data.get("reason", "")
    record_event(
        order,
        action,
        actor,
        at,
        note=note or reason,
        from_status=before,
        to_status=order.status,
        **{k: v for k, v in data.items() if k not in ("reason",)},
    )
    from kefu.servicedesk import deadlines

    if action == "hold" and data.get("appointment_at") is not None:
        deadlines.apply_policy(order, now=at)
    if hook:
        deadlines.on_event(order, hook, at)
    if action == "complete":
        from kefu.servicedesk import callbacks

        callbacks.schedule_for(order, at)
    _notify_after_commit(order, action, actor)
    return order


@transaction.atomic
def transfer_ownership(
    actor, order: WorkOrder, new_owner, *, reason: str, version: int | None = None
) -> WorkOrder:
    """First-contact ownership moves only by an explicit, recorded transfer (R-TKT-03)."""
    if order.owner_id != actor.pk:
        _check_permission(actor, order, "servicedesk.transfer_order")
    order = _locked(order, version)
    if not reason.strip():
        raise ValidationError({"reason": [_("转交首问责任须填写原因（R-TKT-03）。")]})
    if new_owner.pk == order.owner_id:
        raise ValidationError({"owner": [_("新负责人与当前负责人相同。")]})
    staff = getattr(new_owner, "staff", None)
    if staff is None or not staff.is_active or order.project_id not in staff.project_ids():
        raise ValidationError({"owner": [_("新负责人须是本项目的在职员工。")]})
    previous = order.owner
    order.owner = new_owner
    _save(order, ["owner"])
    record_event(
        order,
        "ownership_transferred",
        actor,
        timezone.now(),
        note=reason,
        previous_owner=previous,
        new_owner=new_owner,
    )
    return order


@transaction.atomic
def classify(
    actor,
    order: WorkOrder,
    *,
    complaint_class: str,
    severity: str,
    reason: str = "",
    version: int | None = None,
) -> WorkOrder:
    """Set or change a complaint's classification (R-TKT-04); deadlines are recomputed."""
    _check_permission(actor, order, "servicedesk.change_workorder")
    order = _locked(order, version)
    if order.order_type != OrderType.COMPLAINT:
        raise ValidationError(_("只有投诉工单可以定性。"))
    if order.status in workflow.TERMINAL:
        raise workflow.TransitionError(_("工单已结束，不能重新定性。"))
    changed = (order.complaint_class, order.severity) != (complaint_class, severity)
    if not changed:
        return order
    if order.complaint_class and not reason.strip():
        raise ValidationError({"reason": [_("重新定性须填写原因。")]})
    before = {"complaint_class": order.complaint_class, "severity": order.severity}
    order.complaint_class, order.severity = complaint_class, severity
    order.full_clean(exclude=["number"])
    _save(order, ["complaint_class", "severity"])
    now = timezone.now()
    record_event(
        order,
        "classified",
        actor,
        now,
        note=reason,
        before=before,
        complaint_class=complaint_class,
        severity=severity,
    )
    from kefu.servicedesk import deadlines

    deadlines.apply_policy(order, now=now)
    return order


@transaction.atomic
def add_note(actor, order: WorkOrder, text: str, *, customer_visible: bool = False) -> OrderNote:
    if not text.strip():
        raise ValidationError({"text": [_("备注内容不能为空。")]})
    note = OrderNote.objects.create(
        order=order, author=actor, text=text.strip(), customer_visible=customer_visible
    )
    record_event(
        order,
        "note",
        actor,
        timezone.now(),
        note=text.strip()[:200],
        customer_visible=customer_visible,
    )
    if customer_visible and order.answered_at is None:
        now = timezone.now()
        WorkOrder.objects.filter(pk=order.pk).update(answered_at=now)
        order.answered_at = now
        from kefu.servicedesk import deadlines

        deadlines.on_event(order, "answered", now)
    return note


# Milestones the customer and the owner hear about (R-TKT-11: every milestone notifies).
CUSTOMER_MILESTONES = {"dispatch", "depart", "arrive", "complete", "hold"}


def _notify_after_commit(order: WorkOrder, action: str, actor) -> None:
    def send():
        from kefu.notifications.services import notify

        label = workflow.ACTIONS[action].label
        subject = _("工单 %(number)s：%(action)s") % {"number": order.number, "action": label}
        link = f"/servicedesk/orders/{order.pk}/"
        if order.owner_id and order.owner_id != actor.pk:
            notify(order.owner, subject, order.title, link=link)
        if action == "dispatch" and order.assignee_id and order.assignee_id != actor.pk:
            notify(
                order.assignee,
                _("新派工单 %(number)s") % {"number": order.number},
                order.title,
                link=link,
            )
        if action in CUSTOMER_MILESTONES and order.customer_id and order.customer.phone:
            notify(order.customer, subject, order.title, channels=("sms",))

    transaction.on_commit(send)
