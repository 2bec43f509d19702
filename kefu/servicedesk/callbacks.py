"""Callbacks (回访): tasks, records, worklist and callback rate (R-CB-01…05).

* ``schedule_for(order, at)`` — called by ``actions.transition`` when an order is completed:
  one callback task of the order's kind, due per the order's "callback" deadline (policy) or the
  rule defaults (R-CB-03/04), assigned to the order's owner (first-contact ownership, R-TKT-03).
* ``schedule_progress_callbacks(now)`` — unresolved complaints get a progress call every 2 days
  until solved (R-CB-03); run by the periodic job in ``jobs_callbacks``.
* ``record(...)`` — the callback record (R-CB-05). The completion callback moves the order to
  已回访. An *unsatisfied* result:
    - for field work (repair, paid/special service) opens a **rectification order** (返修单) to
      the same department and technician, linked to the original as its child (R-CB-04 "goes
      back to the technician for rectification"); the original keeps its history;
    - for every other order (complaints…) **reopens** the order with the customer's words as
      the reason.
* ``worklist(user, now)`` and ``callback_rate(orders)`` (R-CB-02 target 100 %).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.servicedesk import rules
from kefu.servicedesk.choices import (
    CallbackKind,
    CallbackMethod,
    CallbackResult,
    Metric,
    OrderType,
    Status,
)
from kefu.servicedesk.models import Callback, OrderDeadline, WorkOrder

__all__ = [
    "callback_rate",
    "record",
    "schedule_for",
    "schedule_progress_callbacks",
    "worklist",
]

# An order whose work is finished: completion callbacks may be made (R-CB-02).
CALLBACKABLE = frozenset({Status.COMPLETED, Status.CALLBACK_DONE, Status.CLOSED})
# A complaint that is not yet solved (R-CB-03 progress callbacks).
UNRESOLVED = frozenset(
    {
        Status.NEW,
        Status.ACCEPTED,
        Status.DISPATCHED,
        Status.ACKNOWLEDGED,
        Status.DEPARTED,
        Status.ON_SITE,
        Status.IN_PROGRESS,
        Status.ON_HOLD,
        Status.REOPENED,
    }
)
# Orders whose unsatisfied callback opens a rectification order rather than reopening.
RECTIFICATION_TYPES = frozenset(
    {OrderType.REPAIR, OrderType.PAID_SERVICE, OrderType.SPECIAL_SERVICE}
)
# A progress callback is created this long before it is due, so it shows as "upcoming".
PROGRESS_LOOKAHEAD = datetime.timedelta(days=1)
# Results that count as a made callback (an unreachable attempt does not, R-CB-02).
REACHED = (CallbackResult.SATISFIED, CallbackResult.UNSATISFIED)


def _record_event(*args, **kwargs):
    from kefu.servicedesk.actions import record_event

    return record_event(*args, **kwargs)


def _due_for(order: WorkOrder, at: datetime.datetime) -> datetime.datetime:
    deadline = (
        OrderDeadline.objects.filter(order=order, metric=Metric.CALLBACK)
        .exclude(due_at=None)
        .only("due_at")
        .first()
    )
    if deadline is not None:
        return deadline.due_at
    category = order.category
    return at + rules.default_callback_delay(
        order.order_type,
        is_safety=bool(category and category.is_safety),
        is_leak=bool(category and category.is_leak),
    )


@transaction.atomic
def schedule_for(order: WorkOrder, at: datetime.datetime) -> Callback | None:
    """Create the completion callback task for ``order`` (idempotent: one open task per kind).

    An open progress callback of a complaint becomes the completion callback (due now,
    R-CB-03 "call back right after solving"), so no stale progress task is left behind.
    """
    kind = rules.callback_kind_for(order.order_type)
    if kind is None:
        return None
    open_tasks = Callback.objects.select_for_update().filter(order=order, done_at__isnull=True)
    existing = open_tasks.filter(kind=kind).first()
    if existing is not None:
        return existing
    due = _due_for(order, at)
    progress = open_tasks.filter(kind=CallbackKind.PROGRESS).first()
    if progress is not None:
        progress.kind, progress.due_at = kind, due
        progress.assigned_to_id = progress.assigned_to_id or order.owner_id
        progress.save(update_fields=["kind", "due_at", "assigned_to", "last_updated"])
        callback = progress
    else:
        callback = Callback.objects.create(
            order=order, kind=kind, due_at=due, assigned_to_id=order.owner_id
        )
    # No timeline event here: the "complete" event implies it and the task is shown on the
    # order page (progress and retry tasks, which no transition explains, are recorded).
    return callback


def schedule_progress_callbacks(now: datetime.datetime | None = None) -> int:
    """R-CB-03: every unresolved complaint gets a progress callback every 2 days.

    The next one is due 2 days after the last progress call was made (or after the complaint
    was received) and is created a day ahead. Idempotent: never two open progress tasks.
    Returns how many were created.
    """
    now = now or timezone.now()
    open_progress = Callback.objects.filter(
        order=OuterRef("pk"), kind=CallbackKind.PROGRESS, done_at__isnull=True
    )
    candidates = (
        WorkOrder.objects.filter(order_type=OrderType.COMPLAINT, status__in=UNRESOLVED)
        .filter(~Exists(open_progress))
        .annotate(
            last_call=Max(
                "callbacks__done_at",
                filter=Q(callbacks__kind=CallbackKind.PROGRESS),
            )
        )
        .annotate(base=Coalesce("last_call", "received_at"))
        .filter(base__lte=now + PROGRESS_LOOKAHEAD - rules.PROGRESS_INTERVAL)
        .only("pk", "owner_id", "received_at")
    )
    created = 0
    for order in candidates.iterator(chunk_size=500):
        with transaction.atomic():
            locked = WorkOrder.objects.select_for_update().get(pk=order.pk)
            if locked.status not in UNRESOLVED:
                continue
            if Callback.objects.filter(
                order=locked, kind=CallbackKind.PROGRESS, done_at__isnull=True
            ).exists():
                continue
            due = order.base + rules.PROGRESS_INTERVAL
            Callback.objects.create(
                order=locked,
                kind=CallbackKind.PROGRESS,
                due_at=due,
                assigned_to_id=locked.owner_id,
            )
            _record_event(
                locked,
                "callback_scheduled",
                None,
                now,
                callback_kind=CallbackKind.PROGRESS,
                due_at=due,
            )
            created += 1
    return created


def _validate_record(
    callback: Callback,
    order: WorkOrder,
    *,
    method: str,
    result: str,
    customer_words: str,
    visit_confirmed_by: str,
) -> None:
    if callback.done_at is not None:
        raise ValidationError(_("该回访已记录，不能重复记录。"))
    errors: dict[str, list[str]] = {}
    if method not in CallbackMethod.values:
        errors["method"] = [_("请选择回访方式（电话、上门或信函，R-CB-01）。")]
    if result not in CallbackResult.values:
        errors["result"] = [_("请选择回访结果。")]
    if method == CallbackMethod.VISIT and not visit_confirmed_by.strip():
        errors["visit_confirmed_by"] = [_("上门回访须有客户签字确认（R-CB-05）。")]
    if result == CallbackResult.UNSATISFIED and not customer_words.strip():
        errors["customer_words"] = [_("客户不满意时须记录客户意见（R-CB-05）。")]
    if errors:
        raise ValidationError(errors)
    if callback.kind != CallbackKind.PROGRESS and order.status not in CALLBACKABLE:
        raise ValidationError(
            _("工单 %(number)s 尚未完成（当前状态：%(status)s），不能回访（R-CB-02）。")
            % {"number": order.number, "status": Status(order.status).label}
        )


@transaction.atomic
def record(
    actor,
    callback: Callback,
    *,
    method: str,
    questions: str,
    customer_words: str,
    result: str,
    visit_confirmed_by: str = "",
    rating: dict[str, Any] | None = None,
    at: datetime.datetime | None = None,
) -> Callback:
    """Record a made callback (R-CB-05) and act on its result (see the module docstring).

    ``rating``: optional dict for ``satisfaction.rate`` (attitude, technique, timeliness,
    promise, rated_by). An unreachable customer: the attempt is recorded and a new task of the
    same kind is due a day later (R-CB-01 "a call at a bad time is rescheduled").
    """
    from kefu.servicedesk import actions

    callback = Callback.objects.select_for_update().get(pk=callback.pk)
    order = WorkOrder.objects.select_for_update().get(pk=callback.order_id)
    _validate_record(
        callback,
        order,
        method=method,
        result=result,
        customer_words=customer_words,
        visit_confirmed_by=visit_confirmed_by,
    )
    at = at or timezone.now()
    callback.method, callback.result = method, result
    callback.questions, callback.customer_words = questions.strip(), customer_words.strip()
    callback.visit_confirmed_by = visit_confirmed_by.strip()
    callback.done_at, callback.done_by = at, actor
    callback.save()
    _record_event(
        order,
        "callback_recorded",
        actor,
        at,
        note=callback.customer_words,
        callback_id=callback.pk,
        callback_kind=callback.kind,
        method=method,
        result=result,
    )
    if result == CallbackResult.UNREACHABLE:
        retry = Callback.objects.create(
            order=order,
            kind=callback.kind,
            due_at=at + rules.RETRY_AFTER,
            assigned_to_id=callback.assigned_to_id or order.owner_id,
        )
        _record_event(
            order, "callback_scheduled", None, at, callback_kind=retry.kind, due_at=retry.due_at
        )
        return callback
    if rating:
        from kefu.servicedesk import satisfaction

        satisfaction.rate(actor, order, callback=callback, **rating)
    if callback.kind in rules.COMPLETION_KINDS:
        if order.status == Status.COMPLETED:
            order = actions.transition(actor, order, "callback", at=at, note=_("回访完成"))
        from kefu.servicedesk import deadlines

        deadlines.on_event(order, "callback", at)  # the callback target is met (idempotent)
    if result == CallbackResult.UNSATISFIED and callback.kind in rules.COMPLETION_KINDS:
        if order.order_type in RECTIFICATION_TYPES:
            _open_rectification(actor, order, callback, at)
        elif order.status in actions.workflow.ACTIONS["reopen"].sources:
            actions.transition(actor, order, "reopen", at=at, reason=callback.customer_words)
    return callback


def _open_rectification(
    actor, order: WorkOrder, callback: Callback, at: datetime.datetime
) -> WorkOrder:
    """R-CB-04: a problem found on callback goes back to the technician (返修单, child order)."""
    from kefu.servicedesk import actions

    child = actions.create_order(
        actor,
        received_at=at,
        project=order.project,
        order_type=order.order_type,
        channel=order.channel,
        category=order.category,
        service_category=order.service_category,
        customer=order.customer,
        caller_name=order.caller_name,
        caller_phone=order.caller_phone,
        unit=order.unit,
        address=order.address,
        title=(_("返修：") + order.title)[:100],
        department=order.department,
        description=_("回访不满意（%(number)s）：%(words)s")
        % {"number": order.number, "words": callback.customer_words},
        parent=order,
    )
    child = actions.transition(actor, child, "accept", at=at)
    assignee = order.assignee
    staff = getattr(assignee, "staff", None) if assignee is not None else None
    if staff is None or staff.department_id != order.department_id:
        assignee = None
    if order.department_id is not None and actor.has_perm("servicedesk.dispatch_order"):
        child = actions.transition(
            actor, child, "dispatch", at=at, department=order.department, assignee=assignee
        )
    elif assignee is not None:
        # The agent may not dispatch: the order waits in the department's queue and the
        # technician hears of it at once (R-CB-04).
        _notify_rectification(assignee, child)
    _record_event(
        order,
        "rectification_opened",
        actor,
        at,
        note=callback.customer_words,
        child=child,
        callback_id=callback.pk,
    )
    return child


def _notify_rectification(user, child: WorkOrder) -> None:
    from kefu.notifications.services import notify

    notify(
        user,
        _("返修单 %(number)s：回访不满意") % {"number": child.number},
        child.description,
        link=f"/servicedesk/orders/{child.pk}/",
    )


def _team_user_ids(user) -> list[int]:
    """The user and everyone below them in the reporting lines (Staff.supervisor tree)."""
    from kefu.org.models import Staff

    staff = getattr(user, "staff", None)
    if staff is None:
        return [user.pk]
    ids, frontier, seen = [user.pk], [staff.pk], {staff.pk}
    while frontier:
        reports = list(
            Staff.objects.filter(supervisor_id__in=frontier)
            .exclude(pk__in=seen)
            .values_list("pk", "user_id")
        )
        frontier = [pk for pk, _user in reports]
        seen.update(frontier)
        ids.extend(uid for _pk, uid in reports if uid)
    return ids


def open_callbacks(user, *, team: bool = False) -> QuerySet[Callback]:
    """Open callback tasks assigned to the user (or, with ``team``, to them and their reports)."""
    assignees = _team_user_ids(user) if team else [user.pk]
    return (
        Callback.objects.filter(done_at__isnull=True, assigned_to_id__in=assignees)
        .exclude(order__status__in=(Status.CANCELLED, Status.INVALID))
        .select_related("order", "assigned_to")
        .order_by("due_at", "id")
    )


def worklist(
    user, now: datetime.datetime | None = None, *, team: bool = False, upcoming_days: int = 7
) -> dict[str, list[Callback]]:
    """The callback worklist: ``overdue``, ``today`` (due before the end of today, local
    time) and ``upcoming`` (within ``upcoming_days``). A supervisor passes ``team=True`` to
    see their staff's tasks too; ``by_staff`` groups them per person."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    end_of_today = local.replace(hour=0, minute=0, second=0, microsecond=0) + datetime.timedelta(
        days=1
    )
    horizon = end_of_today + datetime.timedelta(days=upcoming_days)
    tasks = open_callbacks(user, team=team).filter(due_at__lt=horizon)
    out: dict[str, list[Callback]] = {"overdue": [], "today": [], "upcoming": []}
    for task in tasks:
        if task.due_at < now:
            out["overdue"].append(task)
        elif task.due_at < end_of_today:
            out["today"].append(task)
        else:
            out["upcoming"].append(task)
    return out


def by_staff(lists: dict[str, list[Callback]]) -> dict[Any, dict[str, int]]:
    """Counts per assigned staff member: ``{user: {"overdue": n, "today": n, "upcoming": n}}``."""
    counts: dict[Any, dict[str, int]] = {}
    for bucket, tasks in lists.items():
        for task in tasks:
            row = counts.setdefault(task.assigned_to, {"overdue": 0, "today": 0, "upcoming": 0})
            row[bucket] += 1
    return counts


def callback_rate(orders: QuerySet[WorkOrder]) -> float | None:
    """R-CB-02: completed orders (of the kinds that need a callback) with a made completion
    callback ÷ completed orders; ``None`` when nothing was completed. Target 1.0 (100 %)."""
    done, completed = callback_counts(orders)
    return done / completed if completed else None


def callback_counts(orders: QuerySet[WorkOrder]) -> tuple[int, int]:
    """``(orders with a made callback, completed orders)`` — the two sides of the rate."""
    made = Callback.objects.filter(
        order=OuterRef("pk"),
        done_at__isnull=False,
        result__in=REACHED,
        kind__in=rules.COMPLETION_KINDS,
    )
    completed = orders.filter(
        completed_at__isnull=False, order_type__in=list(rules.CALLBACK_KIND_BY_TYPE)
    )
    return completed.filter(Exists(made)).count(), completed.count()
