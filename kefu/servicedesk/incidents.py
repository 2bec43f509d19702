"""Incidents (突发事件, R-TKT-14): emergency order, scene, losses, the 24-hour report and the
elevator-entrapment checklist.

``open_incident`` creates an incident order (``order_type=incident``, ``is_emergency``) with its
``IncidentReport``, whose report is due 24 hours after the incident was received;
``overdue_reports(now)`` lists the reports still missing after that.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.servicedesk.choices import Channel, OrderType
from kefu.servicedesk.models import IncidentReport, WorkOrder

__all__ = ["REPORT_WITHIN", "open_incident", "overdue_reports", "submit_report", "update_checklist"]

# R-TKT-14: a detailed incident report to leadership within 24 hours.
REPORT_WITHIN = datetime.timedelta(hours=24)
CHECKLIST_FIELDS = (
    "losses",
    "elevator_no",
    "floor",
    "technician_notified_at",
    "fire_service_called",
)


def _elevator_errors(report: IncidentReport, entrapment: bool) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if entrapment or report.elevator_no or report.floor:
        if not report.elevator_no.strip():
            errors["elevator_no"] = [_("电梯困人须记录电梯编号（R-TKT-14）。")]
        if not report.floor.strip():
            errors["floor"] = [_("电梯困人须记录所在楼层（R-TKT-14）。")]
    return errors


@transaction.atomic
def open_incident(
    actor,
    *,
    location: str,
    losses: str = "",
    elevator_entrapment: bool = False,
    elevator_no: str = "",
    floor: str = "",
    technician_notified_at: datetime.datetime | None = None,
    fire_service_called: bool = False,
    received_at: datetime.datetime | None = None,
    **order_fields: Any,
) -> WorkOrder:
    """Open an incident order (emergency) and its report, due 24 hours later (R-TKT-14).

    ``order_fields`` go to ``actions.create_order`` (project, title, description, customer,
    caller_phone, unit, channel…). Without a customer or phone, the reporting staff member's
    phone is used (an incident found on patrol has no caller). An elevator entrapment needs
    the elevator number and floor.
    """
    from kefu.servicedesk.actions import create_order, record_event

    if not (location or "").strip():
        raise ValidationError({"location": [_("请填写事件地点（R-TKT-14）。")]})
    order_fields.setdefault("channel", Channel.PATROL)
    if order_fields.get("customer") is None and not order_fields.get("caller_phone"):
        staff = getattr(actor, "staff", None)
        order_fields["caller_phone"] = getattr(staff, "phone", "") or ""
    received_at = received_at or timezone.now()
    report = IncidentReport(
        location=location.strip(),
        losses=losses,
        elevator_no=elevator_no.strip(),
        floor=floor.strip(),
        technician_notified_at=technician_notified_at,
        fire_service_called=fire_service_called,
        report_due_at=received_at + REPORT_WITHIN,
    )
    errors = _elevator_errors(report, elevator_entrapment)
    if errors:
        raise ValidationError(errors)
    order = create_order(
        actor,
        received_at=received_at,
        order_type=OrderType.INCIDENT,
        is_emergency=True,
        **order_fields,
    )
    report.order = order
    report.full_clean()
    report.save()
    record_event(
        order,
        "incident_opened",
        actor,
        received_at,
        location=report.location,
        report_due_at=report.report_due_at,
        elevator_entrapment=elevator_entrapment,
    )
    return order


@transaction.atomic
def update_checklist(actor, incident: IncidentReport, **fields: Any) -> IncidentReport:
    """Update losses and the elevator-entrapment checklist (technician notified at, fire
    service called…); each change is recorded on the timeline."""
    from kefu.servicedesk.actions import record_event

    unknown = set(fields) - set(CHECKLIST_FIELDS)
    if unknown:
        raise TypeError(f"unknown incident fields: {sorted(unknown)}")
    incident = IncidentReport.objects.select_for_update().get(pk=incident.pk)
    for name, value in fields.items():
        setattr(incident, name, value.strip() if isinstance(value, str) else value)
    errors = _elevator_errors(incident, False)
    if errors:
        raise ValidationError(errors)
    incident.full_clean()
    incident.save()
    record_event(incident.order, "incident_updated", actor, timezone.now(), **fields)
    return incident


@transaction.atomic
def submit_report(
    actor, incident: IncidentReport, text: str, *, at: datetime.datetime | None = None
) -> IncidentReport:
    """File the incident report (R-TKT-14: within 24 hours); late reports are marked late."""
    from kefu.servicedesk.actions import record_event

    incident = IncidentReport.objects.select_for_update().get(pk=incident.pk)
    if incident.report_submitted_at is not None:
        raise ValidationError(
            _("事件报告已于 %(at)s 提交。") % {"at": incident.report_submitted_at}
        )
    if not (text or "").strip():
        raise ValidationError({"report": [_("事件报告内容不能为空。")]})
    at = at or timezone.now()
    incident.report, incident.report_submitted_at = text.strip(), at
    incident.save(update_fields=["report", "report_submitted_at", "last_updated"])
    record_event(
        incident.order,
        "incident_report",
        actor,
        at,
        note=incident.report[:200],
        late=at > incident.report_due_at,
    )
    return incident


def overdue_reports(now: datetime.datetime | None = None) -> QuerySet[IncidentReport]:
    """Incident reports not filed within their 24 hours (R-TKT-14), oldest first."""
    now = now or timezone.now()
    return (
        IncidentReport.objects.filter(report_submitted_at__isnull=True, report_due_at__lt=now)
        .select_related("order")
        .order_by("report_due_at")
    )
