"""API for paid service (R-TKT-08, R-PROP-05), compensation approval limits (R-TKT-10) and
incidents with their 24-hour report (R-TKT-14)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from kefu.servicedesk import incidents, paid
from kefu.servicedesk.models import Compensation, IncidentReport, WorkOrder

pytestmark = pytest.mark.django_db

ORDERS = "/api/servicedesk/orders/"
INCIDENTS = "/api/servicedesk/incidents/"


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def prices(sd):
    return {
        "tap": paid.save_price_item(
            sd["agent"], sd["project"], code="W01", name="更换水龙头", price="45"
        ),
    }


@pytest.fixture
def paid_order(sd, open_order):
    return open_order("paid_service", title="厨房水龙头更换", service_category="paid")


def test_quote_accept_and_finance(sd, prices, paid_order):
    client = api(sd["agent"])
    r = client.post(
        f"{ORDERS}{paid_order.pk}/quote/",
        {
            "lines": [
                {"price_item": prices["tap"].pk, "quantity": "2"},
                {"description": "密封胶", "quantity": "1.5", "unit_price": "12.40"},
            ]
        },
        format="json",
    )
    assert r.status_code == 200, r.json()
    body = r.json()
    assert body["total"] == "108.60"  # 2 × 45 + 1.5 × 12.40
    assert [(x["description"], x["amount"]) for x in body["lines"]] == [
        ("更换水龙头", "90.00"),
        ("密封胶", "18.60"),
    ]
    assert body["accepted_at"] is None

    r = client.post(
        f"{ORDERS}{paid_order.pk}/quote/accept/",
        {"accepted_by": "林晓峰", "method": "phone"},
        format="json",
    )
    assert r.status_code == 200, r.json()
    assert (r.json()["accepted_by"], r.json()["acceptance_method"]) == ("林晓峰", "phone")
    r = client.post(
        f"{ORDERS}{paid_order.pk}/quote/accept/",
        {"accepted_by": "林晓峰", "method": "phone"},
        format="json",
    )
    assert r.status_code == 400 and r.json()["code"] == "validation_error"

    r = client.post(
        f"{ORDERS}{paid_order.pk}/finance/",
        {"amount": "108.60", "customer_materials": "客户自备水龙头一个"},
        format="json",
    )
    assert r.status_code == 200, r.json()
    order = WorkOrder.objects.get(pk=paid_order.pk)
    assert order.amount_to_finance == Decimal("108.60")
    assert order.customer_materials == "客户自备水龙头一个"


def test_negative_amounts_are_refused(sd, paid_order):
    client = api(sd["agent"])
    r = client.post(
        f"{ORDERS}{paid_order.pk}/quote/",
        {"lines": [{"description": "拆装", "quantity": "1", "unit_price": "-20"}]},
        format="json",
    )
    assert r.status_code == 400
    assert r.json()["errors"]["lines"] == ["第 1 行：单价不能为负数。"]
    r = client.post(f"{ORDERS}{paid_order.pk}/finance/", {"amount": "-1"}, format="json")
    assert r.status_code == 400
    assert r.json()["errors"]["amount_to_finance"] == ["交财务金额不能为负数。"]
    assert WorkOrder.objects.get(pk=paid_order.pk).amount_to_finance is None


def test_quote_of_a_free_repair_is_refused(sd, open_order):
    order = open_order("repair")
    r = api(sd["agent"]).post(
        f"{ORDERS}{order.pk}/quote/",
        {"lines": [{"description": "更换", "quantity": "1", "unit_price": "10"}]},
        format="json",
    )
    assert r.status_code == 400
    assert "只有有偿服务工单需要报价（R-TKT-12）。" in str(r.json()["errors"])


def test_3000_by_a_customer_service_manager_is_refused(sd, open_order, make_user):
    complaint = open_order("complaint", category=sd["cat_complaint"], title="装修损坏地板")
    r = api(sd["agent"]).post(
        "/api/servicedesk/compensations/",
        {"order": complaint.pk, "amount": "3000", "reason": "装修损坏地板"},
        format="json",
    )
    assert r.status_code == 201 and r.json()["approver_level"] == "vp"
    comp_id = r.json()["id"]
    r = api(make_user("cs_manager")).post(
        f"/api/servicedesk/compensations/{comp_id}/decide/",
        {"decision": "approved", "note": "同意"},
        format="json",
    )
    assert r.status_code == 403
    assert r.json()["message"] == (
        "赔偿金额 3,000 元须由副总经理审批，超出您的审批权限（R-TKT-10）。"
    )
    assert Compensation.objects.get(pk=comp_id).status == "pending"
    r = api(make_user("vice_president")).post(
        f"/api/servicedesk/compensations/{comp_id}/decide/",
        {"decision": "approved", "note": "同意"},
        format="json",
    )
    assert r.status_code == 200 and r.json()["status"] == "approved"


def test_create_incident_and_list(sd):
    client = api(sd["agent"])
    r = client.post(
        INCIDENTS,
        {
            "project": sd["project"].pk,
            "title": "电梯困人",
            "description": "8号楼2号梯困1人",
            "location": "8号楼2号电梯",
            "caller_phone": "13900001111",
            "elevator_entrapment": True,
        },
        format="json",
    )
    assert r.status_code == 400
    assert r.json()["errors"]["elevator_no"] == ["电梯困人须记录电梯编号（R-TKT-14）。"]
    r = client.post(
        INCIDENTS,
        {
            "project": sd["project"].pk,
            "title": "电梯困人",
            "description": "8号楼2号梯困1人",
            "location": "8号楼2号电梯",
            "caller_phone": "13900001111",
            "elevator_entrapment": True,
            "elevator_no": "2",
            "floor": "12",
        },
        format="json",
    )
    assert r.status_code == 201, r.json()
    body = r.json()
    order = WorkOrder.objects.get(pk=body["order"]["id"])
    assert order.order_type == "incident" and order.is_emergency
    report = IncidentReport.objects.get(pk=body["id"])
    assert report.report_due_at - order.received_at == datetime.timedelta(hours=24)
    assert body["overdue"] is False
    r = client.get(INCIDENTS)
    assert [x["id"] for x in r.json()["results"]] == [report.pk]
    r = client.post(f"{INCIDENTS}{report.pk}/checklist/", {"losses": "无"}, format="json")
    assert r.status_code == 200 and r.json()["losses"] == "无"


def test_incident_report_overdue(sd):
    order = incidents.open_incident(
        sd["agent"],
        project=sd["project"],
        title="水管爆裂",
        description="地下车库水管爆裂",
        location="地下车库B区",
        caller_phone="13900001111",
        received_at=timezone.now() - datetime.timedelta(hours=25),
    )
    on_time = incidents.open_incident(
        sd["agent"],
        project=sd["project"],
        title="路灯损坏",
        description="东门路灯倒伏",
        location="东门",
        caller_phone="13900001111",
    )
    client = api(sd["agent"])
    r = client.get(INCIDENTS, {"overdue": "true"})
    assert [(x["id"], x["overdue"]) for x in r.json()["results"]] == [(order.incident.pk, True)]
    r = client.get(INCIDENTS, {"overdue": "false"})
    assert [x["id"] for x in r.json()["results"]] == [on_time.incident.pk]
    url = f"{INCIDENTS}{order.incident.pk}/report/"
    assert client.post(url, {"report": ""}, format="json").status_code == 400
    r = client.post(url, {"report": "已关阀抢修，无人员伤亡。"}, format="json")
    assert r.status_code == 200
    assert r.json()["overdue"] is False and r.json()["report_submitted_at"] is not None
    submitted = IncidentReport.objects.get(pk=order.incident.pk)
    assert submitted.report_submitted_at > submitted.report_due_at
    assert client.post(url, {"report": "再报"}, format="json").status_code == 400


def test_incident_needs_permission(sd):
    r = api(sd["tech"]).post(
        INCIDENTS,
        {"project": sd["project"].pk, "title": "x", "description": "x", "location": "x"},
        format="json",
    )
    assert r.status_code == 403
