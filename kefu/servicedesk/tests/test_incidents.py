"""Incidents: emergency order, 24-hour report, elevator-entrapment checklist (R-TKT-14)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kefu.servicedesk import incidents
from kefu.servicedesk.models import IncidentReport, OrderEvent, WorkOrder

pytestmark = pytest.mark.django_db


def _open(sd, **kw):
    values = {
        "project": sd["project"],
        "title": "电梯困人",
        "description": "8号楼2号梯困1人",
        "location": "8号楼2号电梯",
        "caller_phone": "13900001111",
    }
    values.update(kw)
    return incidents.open_incident(sd["agent"], **values)


def test_incident_report_is_due_24_hours_after_receipt(sd):
    received = timezone.now().replace(microsecond=0)
    order = _open(
        sd,
        received_at=received,
        elevator_entrapment=True,
        elevator_no="2",
        floor="12",
        technician_notified_at=received,
    )
    assert (order.order_type, order.is_emergency) == ("incident", True)
    report = order.incident
    assert report.report_due_at == received + datetime.timedelta(hours=24)
    assert (report.elevator_no, report.floor) == ("2", "12")
    assert OrderEvent.objects.filter(order=order, kind="incident_opened").exists()


def test_elevator_entrapment_needs_number_and_floor(sd):
    with pytest.raises(ValidationError) as exc:
        _open(sd, elevator_entrapment=True, elevator_no="2")
    assert exc.value.message_dict["floor"] == ["电梯困人须记录所在楼层（R-TKT-14）。"]
    assert not WorkOrder.objects.exists() and not IncidentReport.objects.exists()


def test_location_is_required(sd):
    with pytest.raises(ValidationError) as exc:
        _open(sd, location=" ")
    assert "location" in exc.value.message_dict


def test_overdue_reports_and_submission(sd):
    now = timezone.now().replace(microsecond=0)
    late = _open(sd, received_at=now - datetime.timedelta(hours=25)).incident
    fresh = _open(sd, received_at=now - datetime.timedelta(hours=2), title="水管爆裂").incident
    assert list(incidents.overdue_reports(now)) == [late]
    with pytest.raises(ValidationError):
        incidents.submit_report(sd["agent"], late, "  ")
    incidents.submit_report(sd["agent"], late, "已解困，原因：门锁故障。", at=now)
    incidents.submit_report(sd["agent"], fresh, "已关阀抢修。", at=now)
    assert list(incidents.overdue_reports(now + datetime.timedelta(days=2))) == []
    events = OrderEvent.objects.filter(kind="incident_report").order_by("id")
    assert [e.data["late"] for e in events] == [True, False]
    with pytest.raises(ValidationError):
        incidents.submit_report(sd["agent"], late, "再交一次")


def test_checklist_updates_are_recorded(sd):
    report = _open(sd, elevator_entrapment=True, elevator_no="2", floor="12").incident
    called = timezone.now()
    report = incidents.update_checklist(
        sd["agent"], report, technician_notified_at=called, fire_service_called=True
    )
    assert report.fire_service_called is True
    assert OrderEvent.objects.filter(order=report.order, kind="incident_updated").exists()
    with pytest.raises(ValidationError):
        incidents.update_checklist(sd["agent"], report, floor="")
