"""Stored deadlines of work orders: choose the SLA policy, compute, pause, meet, escalate.

Issue 3 item 8 (R-TKT-05…08, R-CB-03/04). The arithmetic is in :mod:`kefu.servicedesk.sla`
(pure); this module keeps the results in ``OrderDeadline`` rows, one per metric of the order's
policy, so supervisors' boards and the escalation sweep are plain indexed queries.

* :func:`select_policy` — the most specific active policy for an order.
* :func:`apply_policy` — create or recompute the order's deadlines (on creation,
  reclassification, appointment change). Unmet deadlines get a new due moment, met ones stay,
  a metric no longer in the policy is deleted unless met.
* :func:`on_event` — the order reached a milestone: met metrics, clocks that start, pauses.
* :func:`sweep` — the periodic job: escalation steps and breaches of the rows that are due,
  read through the partial index on ``next_check_at``; idempotent.
* :func:`deadline_status` — "met", "breached", "paused", "due_soon", "running" or "pending".
* :func:`install` — a preset (``kefu.servicedesk.presets``) as a project's policies.

Start anchors (``SlaTarget.start_event``): received → ``received_at``, dispatched →
``dispatched_at``, acknowledged → ``acknowledged_at``, completed → ``completed_at``,
appointment → ``appointment_at``. A deadline whose anchor has not happened yet is stored with
``started_at`` and ``due_at`` empty ("pending") and starts in :func:`on_event`. A target with
``use_appointment`` is due at the order's appointment time when it has one (R-TKT-08); one with
``use_requested_by`` at the customer's requested time when that is earlier (R-TKT-05 minor).

Pauses: ``on_event(order, "held")`` stops every running clock (except appointment-based ones —
an appointment is a fixed moment) and stores what is left; ``"resumed"`` restores exactly that
(business time for working-day/business-hour targets) and appends the pause to
``OrderDeadline.pauses``, so a later recompute still leaves the hold time out.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kefu.servicedesk import sla
from kefu.servicedesk.choices import Metric
from kefu.servicedesk.models import OrderDeadline, OrderEvent, SlaPolicy, SlaTarget, WorkOrder
from kefu.servicedesk.presets import PRESETS
from kefu.servicedesk.workflow import TERMINAL

__all__ = [
    "ANCHORS",
    "EVENTS",
    "STATUS_LABELS",
    "apply_policy",
    "deadline_status",
    "install",
    "on_event",
    "select_policy",
    "sweep",
]

log = logging.getLogger(__name__)

#: start_event → the order's timestamp that starts the clock.
ANCHORS = {
    "received": "received_at",
    "dispatched": "dispatched_at",
    "acknowledged": "acknowledged_at",
    "completed": "completed_at",
    "appointment": "appointment_at",
}
#: What each event meets.
MEETS = {
    "dispatched": {Metric.HANDOFF},
    "acknowledged": {Metric.ACKNOWLEDGE},
    "arrived": {Metric.ARRIVAL},
    "answered": {Metric.FIRST_ANSWER},
    # Completion stops every clock of the work itself: the problem is solved, so a skipped
    # milestone (a repair finished straight from dispatch, an answer given with the solution)
    # is met at completion — late if its due had passed.
    "completed": {
        Metric.RESOLUTION,
        Metric.FIRST_ANSWER,
        Metric.HANDOFF,
        Metric.ESCALATE,
        Metric.ACKNOWLEDGE,
        Metric.ARRIVAL,
    },
    "escalated": {Metric.ESCALATE},
    "callback": {Metric.CALLBACK},
}
#: What each event starts (targets anchored on it).
STARTS = {"dispatched": "dispatched", "acknowledged": "acknowledged", "completed": "completed"}
#: Every event ``on_event`` understands.
EVENTS = (
    "dispatched",
    "acknowledged",
    "arrived",
    "answered",
    "completed",
    "held",
    "resumed",
    "reopened",
    "escalated",
    "callback",
    "cancelled",
)
#: Share of the time used at which a running deadline shows as "due soon".
DUE_SOON = 0.8
STATUS_LABELS = {
    "met": gettext_lazy("已达成"),
    "breached": gettext_lazy("已超时"),
    "paused": gettext_lazy("已暂停"),
    "due_soon": gettext_lazy("即将超时"),
    "running": gettext_lazy("计时中"),
    "pending": gettext_lazy("未开始"),
}
#: Rows one sweep transaction handles (then commits and continues).
SWEEP_BATCH = 500
#: A row whose check failed is looked at again this much later.
RETRY_AFTER = datetime.timedelta(minutes=15)
#: Wall-clock unit used when a deadline's target was deleted.
_FALLBACK_UNIT = sla.MINUTES


# -- policy selection -------------------------------------------------------------------------


def _category_chain(order: WorkOrder) -> list:
    return order.category.ancestry() if order.category_id else []


def select_policy(order: WorkOrder) -> SlaPolicy | None:
    """The most specific active policy matching ``order``, or ``None``.

    Candidates: active policies of the order's type, of its project or organisation-wide
    (no project). Every condition a policy sets must match — category matches the order's
    category and its descendants; ``category_flag`` "leak"/"safety" matches when the order's
    category or an ancestor is flagged. Ranking: project-specific over organisation-wide, then
    more matching conditions, then the deeper (more specific) category, then ``priority``,
    then the newest policy.
    """
    candidates = list(
        SlaPolicy.objects.filter(is_active=True, order_type=order.order_type).filter(
            Q(project_id=order.project_id) | Q(project__isnull=True)
        )
    )
    if not candidates:
        return None
    chain: list | None = None
    grade: str | None = None
    best, best_key = None, None
    for policy in candidates:
        score, depth = 0, -1
        if policy.category_id or policy.category_flag:
            if chain is None:
                chain = _category_chain(order)
            if policy.category_id:
                ids = [c.pk for c in chain]
                if policy.category_id not in ids:
                    continue
                score += 1
                depth = ids.index(policy.category_id)
            if policy.category_flag:
                flag = "is_leak" if policy.category_flag == "leak" else "is_safety"
                if not any(getattr(c, flag) for c in chain):
                    continue
                score += 1
        if policy.severity:
            if policy.severity != order.severity:
                continue
            score += 1
        if policy.channel:
            if policy.channel != order.channel:
                continue
            score += 1
        if policy.customer_grade:
            if grade is None:
                grade = order.customer.grade if order.customer_id else ""
            if policy.customer_grade != grade:
                continue
            score += 1
        key = (policy.project_id is not None, score, depth, policy.priority, policy.pk)
        if best_key is None or key > best_key:
            best, best_key = policy, key
    return best


# -- computing a deadline ---------------------------------------------------------------------


def _calendar(project_id: int | None, cache: dict | None = None):
    from kefu.calendars.services import get_calendar

    if cache is None:
        return get_calendar(project_id)
    if project_id not in cache:
        cache[project_id] = get_calendar(project_id)
    return cache[project_id]


def _parse_pauses(raw: Iterable) -> list[tuple[datetime.datetime, datetime.datetime]]:
    pauses = []
    for item in raw or []:
        try:
            start, end = item
            pauses.append(
                (datetime.datetime.fromisoformat(start), datetime.datetime.fromisoformat(end))
            )
        except (TypeError, ValueError):
            log.warning("ignoring malformed pause record %r", item)
    return pauses


def _unit(row: OrderDeadline) -> str:
    return row.target.unit if row.target_id and row.target else _FALLBACK_UNIT


def _steps(target: SlaTarget | None) -> list[dict[str, Any]]:
    if target is None:
        return []
    try:
        return sla.validate_steps(target.escalation)
    except sla.SlaError:
        log.exception("invalid escalation steps on SLA target %s; ignored", target.pk)
        return []


def _by_appointment(order: WorkOrder, target: SlaTarget | None) -> bool:
    return bool(target and target.use_appointment and order.appointment_at)


def _plan(
    order: WorkOrder,
    target: SlaTarget,
    cal,
    row: OrderDeadline | None,
    anchor: datetime.datetime | None = None,
) -> tuple[datetime.datetime | None, datetime.datetime | None]:
    """``(started_at, due_at)`` of ``target`` on ``order``; ``(None, None)`` while the anchor
    has not happened. ``anchor`` overrides the start (a restart); otherwise a started row of
    the same start event keeps its start, else the order's timestamp is used. Completed pauses
    on ``row`` are left out of the time."""
    if _by_appointment(order, target):
        started = order.received_at
        return started, max(order.appointment_at, started)
    if anchor is None:
        same_anchor = (
            row is not None
            and row.started_at is not None
            and row.target is not None
            and row.target.start_event == target.start_event
            and target.start_event != "appointment"
        )
        if same_anchor:
            anchor = row.started_at
        else:
            anchor = getattr(order, ANCHORS.get(target.start_event, "received_at"))
    if anchor is None:
        return None, None
    due = sla.due_at(cal, anchor, target.amount, target.unit)
    if target.use_requested_by and order.requested_by:
        due = max(min(due, order.requested_by), anchor)
    if row is not None and row.pauses:
        pauses = [(max(p, anchor), r) for p, r in _parse_pauses(row.pauses) if r > anchor]
        due = sla.apply_pauses(cal, due, target.unit, pauses, start=anchor)
    return anchor, due


def _next_check(row: OrderDeadline, cal) -> datetime.datetime | None:
    """When the sweep must next look at ``row``: the next escalation step not yet performed,
    or the due moment if not yet marked breached; ``None`` when nothing is left to do."""
    if row.met_at or row.paused_at or row.due_at is None or row.started_at is None:
        return None
    steps = _steps(row.target)
    marks = sla.thresholds(row.started_at, row.due_at, steps, _unit(row), cal) if steps else []
    pending = [moment for _index, moment in marks[row.escalation_level :]]
    if not row.breached:
        pending.append(row.due_at)
    return min(pending) if pending else None


def _start(row: OrderDeadline, order: WorkOrder, cal, anchor=None) -> None:
    """(Re)start ``row``'s clock (a fresh round: no pauses, no escalations)."""
    row.pauses, row.paused_at, row.remaining_seconds = [], None, None
    row.escalation_level, row.breached, row.met_at = 0, False, None
    row.started_at, row.due_at = _plan(order, row.target, cal, row, anchor)


def _unstart(row: OrderDeadline) -> None:
    row.started_at = row.due_at = row.paused_at = row.remaining_seconds = None
    row.pauses, row.escalation_level, row.breached, row.met_at = [], 0, False, None


def _meet(row: OrderDeadline, at: datetime.datetime) -> None:
    late = row.due_at is not None and at > row.due_at
    if row.paused_at is not None:
        late = (row.remaining_seconds or 0) < 0
    row.met_at = at
    row.breached = row.breached or late
    row.paused_at = row.remaining_seconds = None


FIELDS = [
    "target",
    "started_at",
    "due_at",
    "paused_at",
    "remaining_seconds",
    "pauses",
    "met_at",
    "breached",
    "escalation_level",
    "next_check_at",
]


# -- apply a policy ---------------------------------------------------------------------------


def apply_policy(order: WorkOrder, now: datetime.datetime | None = None) -> list[OrderDeadline]:
    """Create or recompute ``order``'s deadlines from its policy; returns the current rows.

    Call inside the transaction that changed the order (the order row locked). Recompute rules:
    met deadlines stay as they are; unmet ones get the new target's due (keeping their start
    and their completed pauses, and a running pause goes on); an unmet deadline whose metric
    the new policy lacks is deleted; a breach is cleared when the new due is still ahead;
    escalation steps already sent are not sent again.
    """
    now = now or timezone.now()
    policy = select_policy(order)
    policy_id = policy.pk if policy else None
    if order.sla_policy_id != policy_id:
        WorkOrder.objects.filter(pk=order.pk).update(sla_policy=policy_id)
        order.sla_policy = policy
    targets = {t.metric: t for t in policy.targets.all()} if policy else {}
    rows = {d.metric: d for d in OrderDeadline.objects.filter(order=order).select_related("target")}
    stale = [d.pk for m, d in rows.items() if m not in targets and d.met_at is None]
    if stale:
        OrderDeadline.objects.filter(pk__in=stale).delete()
    if not targets:
        return [d for d in rows.values() if d.pk not in stale]
    cal = _calendar(order.project_id)
    created, kept = [], []
    for metric, target in targets.items():
        row = rows.get(metric)
        if row is not None and row.met_at is not None:
            kept.append(row)
            continue
        fresh = row is None
        if fresh:
            row = OrderDeadline(order=order, metric=metric, pauses=[])
        started, due = _plan(order, target, cal, row)
        row.target, row.started_at, row.due_at = target, started, due
        if due is None or _by_appointment(order, target):
            row.paused_at = row.remaining_seconds = None
        elif row.paused_at is not None:
            row.remaining_seconds = sla.pause(due, row.paused_at, target.unit, cal)
        if row.breached and due is not None and due > now:
            row.breached = False
        row.escalation_level = min(row.escalation_level, len(_steps(target)))
        row.next_check_at = _next_check(row, cal)
        if fresh:
            created.append(row)
        else:
            row.save(update_fields=FIELDS)
            kept.append(row)
    if created:
        OrderDeadline.objects.bulk_create(created)
    return [*kept, *created]


def plan_new(order: WorkOrder, now: datetime.datetime | None = None) -> list[OrderDeadline]:
    """For an order not saved yet: choose its policy (sets ``order.sla_policy``) and compute
    its deadline rows, unsaved — :func:`save_new` writes them once the order has its id. The
    same result as :func:`apply_policy` on a new order, without its reads of existing rows
    and the separate ``sla_policy`` update."""
    policy = select_policy(order)
    order.sla_policy = policy
    if policy is None:
        return []
    targets = list(policy.targets.all())
    if not targets:
        return []
    cal = _calendar(order.project_id)
    rows = []
    for target in targets:
        row = OrderDeadline(order=order, metric=target.metric, target=target, pauses=[])
        row.started_at, row.due_at = _plan(order, target, cal, row)
        row.next_check_at = _next_check(row, cal)
        rows.append(row)
    return rows


def save_new(order: WorkOrder, rows: list[OrderDeadline]) -> list[OrderDeadline]:
    """Insert the rows :func:`plan_new` computed, now that ``order`` is saved."""
    for row in rows:
        row.order = order
    if rows:
        OrderDeadline.objects.bulk_create(rows)
    return rows


# -- events -----------------------------------------------------------------------------------


def on_event(order: WorkOrder, kind: str, at: datetime.datetime) -> list[OrderDeadline]:
    """Move ``order``'s deadlines for the event ``kind`` (one of :data:`EVENTS`) at ``at``.

    * met: dispatched → handoff; acknowledged → acknowledge; arrived → arrival; answered →
      first answer; completed → resolution, first answer and any skipped milestone; escalated
      → escalate; callback → callback. Met after the due moment (or paused with time already
      run out) records a breach.
    * started: targets anchored on dispatched / acknowledged / completed. A re-dispatch
      restarts the unmet, unbreached acknowledgement clock and resets the arrival clock until
      the new acknowledgement.
    * held: running clocks pause (appointment-based ones keep the appointment); resumed:
      they continue with exactly the time that was left.
    * reopened: resolution restarts from the reopening (the earlier outcome is kept on the
      timeline) and the callback waits for the next completion.
    * cancelled: unmet deadlines without a breach are removed; breached ones stop.
    Returns the changed rows.
    """
    if kind not in EVENTS:
        raise ValueError(f"unknown deadline event: {kind}")
    rows = list(OrderDeadline.objects.filter(order=order).select_related("target"))
    if not rows:
        return []
    cal = _calendar(order.project_id)
    changed: list[OrderDeadline] = []
    deleted: list[int] = []
    meets = MEETS.get(kind, set())
    starts = STARTS.get(kind)
    for row in rows:
        before = [getattr(row, f) for f in FIELDS]
        target = row.target
        if kind == "cancelled":
            if row.met_at is None and not row.breached:
                deleted.append(row.pk)
                continue
            row.paused_at = row.remaining_seconds = None
        elif kind == "held":
            _hold(row, order, at, cal)
        elif kind == "resumed":
            _resume(row, order, at, cal)
        elif kind == "reopened":
            _reopen(row, order, at, cal)
        else:
            if row.metric in meets and row.met_at is None:
                if row.due_at is None and kind == "completed" and row.metric != Metric.RESOLUTION:
                    deleted.append(row.pk)  # never started (e.g. arrival without acknowledgement)
                    continue
                if row.due_at is None:  # a pending resolution: met at once, not late
                    row.started_at = row.started_at or at
                    row.due_at = at
                _meet(row, at)
            elif starts and target is not None and row.met_at is None:
                _on_anchor(row, order, kind, starts, at, cal)
        row.next_check_at = _next_check(row, cal)
        if [getattr(row, f) for f in FIELDS] != before:
            row.save(update_fields=FIELDS)
            changed.append(row)
    if deleted:
        OrderDeadline.objects.filter(pk__in=deleted).delete()
    return changed


def _on_anchor(row, order, kind, starts, at, cal) -> None:
    target = row.target
    if _by_appointment(order, target):
        if row.started_at is None:
            row.started_at, row.due_at = _plan(order, target, cal, row)
        return
    if target.start_event == starts:
        if row.started_at is None or not row.breached:
            _start(row, order, cal, anchor=at)
    elif kind == "dispatched" and target.start_event == "acknowledged" and not row.breached:
        _unstart(row)  # re-dispatch: the new technician's acknowledgement starts it again


def _hold(row, order, at, cal) -> None:
    if row.met_at or row.paused_at or row.due_at is None or _by_appointment(order, row.target):
        return
    row.paused_at = at
    row.remaining_seconds = sla.pause(row.due_at, at, _unit(row), cal)


def _resume(row, order, at, cal) -> None:
    if row.paused_at is None:
        return
    if row.met_at is None and not _by_appointment(order, row.target):
        resumed = max(at, row.paused_at)
        row.due_at = sla.resume(
            row.remaining_seconds or 0.0, resumed, _unit(row), cal, not_before=row.started_at
        )
        row.pauses = [*row.pauses, [_iso(row.paused_at), _iso(resumed)]]
    elif _by_appointment(order, row.target):
        row.due_at = order.appointment_at
    row.paused_at = row.remaining_seconds = None


def _reopen(row, order, at, cal) -> None:
    if row.metric not in (Metric.RESOLUTION, Metric.CALLBACK) or row.target is None:
        return
    if row.started_at is not None:
        _record(
            order,
            "deadline_reset",
            at,
            note=_("工单重新打开，“%(metric)s”时限重新计算。")
            % {"metric": Metric(row.metric).label},
            metric=row.metric,
            due_at=row.due_at,
            met_at=row.met_at,
            breached=row.breached,
        )
    if row.metric == Metric.RESOLUTION:
        _start(row, order, cal, anchor=at)
    else:
        _unstart(row)


def _record(
    order: WorkOrder,
    kind: str,
    at: datetime.datetime,
    *,
    note: str = "",
    into: list | None = None,
    **data,
):
    """An entry on the order's timeline (``actions.record_event``; no actor: the system).
    With ``into`` the unsaved event is appended there instead (the sweep inserts a batch's
    events with one ``bulk_create``)."""
    from kefu.servicedesk.actions import _jsonable, record_event

    data = {
        k: timezone.localtime(v) if isinstance(v, datetime.datetime) else v for k, v in data.items()
    }
    if into is None:
        return record_event(order, kind, None, at, note=note, **data)
    event = OrderEvent(order=order, kind=kind, actor=None, at=at, note=note, data=_jsonable(data))
    into.append(event)
    return event


# -- status for the UI ------------------------------------------------------------------------


def deadline_status(deadline: OrderDeadline, now: datetime.datetime | None = None, cal=None) -> str:
    """``"met"``, ``"breached"`` (also met late), ``"paused"``, ``"pending"`` (its anchor has
    not happened), ``"due_soon"`` (≥ 80 % of the time used — working time for business
    units) or ``"running"``. Pass ``cal`` when showing many rows of one project."""
    now = now or timezone.now()
    if deadline.met_at is not None:
        return "breached" if deadline.breached else "met"
    if deadline.paused_at is not None:
        return "breached" if (deadline.remaining_seconds or 0) < 0 else "paused"
    if deadline.due_at is None or deadline.started_at is None:
        return "pending"
    if deadline.breached or deadline.due_at <= now:
        return "breached"
    if cal is None:
        cal = _calendar(deadline.order.project_id)
    used = sla.fraction_elapsed(deadline.started_at, deadline.due_at, now, _unit(deadline), cal)
    return "due_soon" if used >= DUE_SOON else "running"


# -- the sweep --------------------------------------------------------------------------------


def sweep(now: datetime.datetime | None = None, *, batch_size: int = SWEEP_BATCH) -> int:
    """Perform what is due at ``now``: escalation steps (notify, and an "escalated" event on the
    timeline), breaches ("deadline_breached" event). Reads only rows whose ``next_check_at``
    has come (partial index), in batches, each row locked and skipped if another sweep holds
    it (PostgreSQL). Idempotent: a second run at the same ``now`` finds nothing. A row that
    fails (logged) is retried :data:`RETRY_AFTER` later and never holds up the others.
    Returns the number of rows looked at."""
    now = now or timezone.now()
    calendars: dict[int | None, Any] = {}
    handled = 0
    while True:
        with transaction.atomic():
            rows = _due_rows(now, batch_size)
            events: list[OrderEvent] = []
            checked: list[OrderDeadline] = []
            for row in rows:
                row_events: list[OrderEvent] = []
                try:
                    if _needs_savepoint(row, now):
                        with transaction.atomic():  # escalation notifications are written
                            _check(row, now, calendars, row_events)
                    else:
                        _check(row, now, calendars, row_events)
                except Exception:
                    log.exception("SLA sweep: deadline %s failed; retried later", row.pk)
                    OrderDeadline.objects.filter(pk=row.pk).update(next_check_at=now + RETRY_AFTER)
                    continue
                events.extend(row_events)
                checked.append(row)
            # One insert of the batch's timeline events; the rows one plain UPDATE each
            # (bulk_update's CASE per field grows with the square of the batch: slower here).
            if events:
                OrderEvent.objects.bulk_create(events)
            for row in checked:
                OrderDeadline.objects.filter(pk=row.pk).update(
                    **{field: getattr(row, field) for field in CHECK_FIELDS}
                )
            handled += len(rows)
        if len(rows) < batch_size:
            return handled


def _due_rows(now: datetime.datetime, limit: int) -> list[OrderDeadline]:
    qs = (
        OrderDeadline.objects.filter(next_check_at__lte=now)
        .select_related(
            "target",
            "order__owner__staff__supervisor__user",
            "order__owner__staff__department__head__user",
            "order__assignee",
            "order__department__head__user",
        )
        .order_by("next_check_at", "id")
    )
    if connection.features.has_select_for_update_skip_locked:
        qs = qs.select_for_update(skip_locked=True, of=("self",))
    return list(qs[:limit])


CHECK_FIELDS = [
    "met_at",
    "breached",
    "paused_at",
    "remaining_seconds",
    "escalation_level",
    "next_check_at",
]


def _needs_savepoint(row: OrderDeadline, now: datetime.datetime) -> bool:
    """Whether ``_check`` may write before it returns (notifications of an escalation step):
    a row with escalation steps and a started clock. Others only change fields of the row."""
    return bool(row.target_id and row.target and row.target.escalation and row.due_at)


def _check(row: OrderDeadline, now: datetime.datetime, calendars: dict, events: list) -> None:
    """Bring ``row`` up to ``now``: its fields change in memory (the caller saves them) and
    its timeline events are appended to ``events``; escalation notifications are written."""
    order = row.order
    if order.status in TERMINAL or row.met_at or row.paused_at or row.due_at is None:
        row.next_check_at = None
        return
    cal = _calendar(order.project_id, calendars)
    steps = _steps(row.target)
    marks = sla.thresholds(row.started_at, row.due_at, steps, _unit(row), cal) if steps else []
    level = min(row.escalation_level, len(marks))
    for index, moment in marks[level:]:
        if moment > now:
            break
        _escalate(row, order, steps[index], index, moment, now, events)
        level += 1
        if steps[index].get("handover"):
            _meet(row, now)  # the notification is the hand-over the target asks for
            break
    row.escalation_level = level
    if row.met_at is None and not row.breached and row.due_at <= now:
        row.breached = True
        _record(
            order,
            "deadline_breached",
            now,
            note=_("“%(metric)s”已超时（截止 %(due)s）。")
            % {"metric": Metric(row.metric).label, "due": _local(row.due_at)},
            metric=row.metric,
            due_at=row.due_at,
            into=events,
        )
    row.next_check_at = _next_check(row, cal)
    if row.next_check_at is not None and row.next_check_at <= now:  # never loop on a row
        log.error("deadline %s would be checked again at once; stopped", row.pk)
        row.next_check_at = None


def _iso(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).isoformat()


def _local(moment: datetime.datetime) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"


def _user_of(staff) -> Any:
    if staff is None or not staff.is_active:
        return None
    user = staff.user if staff.user_id else None
    return user if user is not None and user.is_active else None


def _staff_of(user):
    if user is None:
        return None
    try:
        return user.staff
    except ObjectDoesNotExist:
        return None


def _recipient(order: WorkOrder, role: str):
    """The user an escalation step for ``role`` reaches, falling back up the line when that
    person is missing (no supervisor on file, no department head): supervisor → manager →
    general manager → owner. Never ``None`` (the owner always exists)."""
    owner = order.owner
    staff = _staff_of(owner)

    def supervisor():
        return _user_of(staff.supervisor) if staff and staff.supervisor_id else None

    def manager():
        if order.department_id and order.department.head_id:
            user = _user_of(order.department.head)
            if user is not None:
                return user
        if staff is not None and staff.department.head_id:
            return _user_of(staff.department.head)
        return None

    def general_manager():
        if staff is None:
            return None
        node, seen, top = staff, {staff.pk}, None
        while node.supervisor_id and node.supervisor_id not in seen and len(seen) < 50:
            node = node.supervisor
            seen.add(node.pk)
            top = node
        return _user_of(top)

    def assignee():
        return order.assignee if order.assignee_id else None

    chains = {
        "owner": [],
        "assignee": [assignee],
        "supervisor": [supervisor, manager, general_manager],
        "manager": [manager, general_manager],
        "general_manager": [general_manager, manager],
    }
    for find in chains.get(role, []):
        user = find()
        if user is not None and (role == "assignee" or user.pk != owner.pk):
            return user
    return owner


def _escalate(row, order, step, index, moment, now, events: list | None = None) -> None:
    from kefu.notifications.services import notify

    role = step["notify"]
    recipient = _recipient(order, role)
    metric = Metric(row.metric).label
    overdue = now >= row.due_at
    subject = (
        _("工单 %(number)s “%(metric)s”已超时")
        if overdue
        else _("工单 %(number)s “%(metric)s”即将到期")
    ) % {"number": order.number, "metric": metric}
    if step.get("label"):
        subject = f"{subject}：{step['label']}"
    body = _("%(title)s\n截止时间：%(due)s") % {"title": order.title, "due": _local(row.due_at)}
    notify(recipient, subject, body, link=f"/servicedesk/orders/{order.pk}/")
    _record(
        order,
        "escalated",
        now,
        note=subject,
        metric=row.metric,
        step=index + 1,
        notify=role,
        label=step.get("label", ""),
        recipient=recipient,
        threshold=moment,
        due_at=row.due_at,
        into=events,
    )


# -- presets ----------------------------------------------------------------------------------


POLICY_FIELDS = ("order_type", "severity", "channel", "customer_grade", "category_flag", "priority")
TARGET_FIELDS = (
    "amount",
    "unit",
    "start_event",
    "use_appointment",
    "use_requested_by",
    "repeat_every_days",
    "escalation",
)


@transaction.atomic
def install(preset_code: str, project=None, *, reset: bool = False) -> list[SlaPolicy]:
    """Install the preset ``preset_code`` for ``project`` (``None``: organisation-wide) and
    return its policies. Idempotent: policies and targets that exist (same preset, project and
    name; same metric) are kept as the project adjusted them, missing ones are added. With
    ``reset=True`` they are put back to the preset's values (and targets the preset lacks are
    removed)."""
    preset = PRESETS.get(preset_code)
    if preset is None:
        raise ValidationError(
            _("未知的时限预设“%(code)s”，可选：%(codes)s。")
            % {"code": preset_code, "codes": "、".join(PRESETS)}
        )
    policies = []
    for spec in preset["policies"]:
        values = {f: spec[f] for f in POLICY_FIELDS}
        policy, created = SlaPolicy.objects.get_or_create(
            preset=preset_code, project=project, name=spec["name"], defaults=values
        )
        if reset and not created:
            for field, value in values.items():
                setattr(policy, field, value)
            policy.is_active = True
            policy.save()
        wanted = set()
        for t in spec["targets"]:
            t_values = {f: t[f] for f in TARGET_FIELDS}
            t_values["escalation"] = sla.validate_steps(t["escalation"])
            wanted.add(t["metric"])
            target, t_created = SlaTarget.objects.get_or_create(
                policy=policy, metric=t["metric"], defaults=t_values
            )
            if reset and not t_created:
                for field, value in t_values.items():
                    setattr(target, field, value)
                target.save()
        if reset:
            for extra in policy.targets.exclude(metric__in=wanted):
                extra.delete()
        policies.append(policy)
    return policies
