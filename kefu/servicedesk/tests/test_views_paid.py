"""Order-page sections for paid service (R-TKT-08), compensation (R-TKT-10) and incidents
(R-TKT-14), and the new-incident form."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from kefu.servicedesk import compensation, incidents, paid
from kefu.servicedesk.models import Compensation, IncidentReport, OrderEvent, Quote, WorkOrder

pytestmark = pytest.mark.django_db


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _detail(client, order) -> str:
    response = client.get(reverse("servicedesk:order_detail", args=[order.pk]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def prices(sd):
    return {
        "tap": paid.save_price_item(
            sd["agent"], sd["project"], code="W01", name="更换水龙头", price="45"
        ),
        "pipe": paid.save_price_item(
            sd["agent"], sd["project"], code="W02", name="疏通下水", price="80"
        ),
    }


@pytest.fixture
def paid_order(sd, open_order):
    return open_order("paid_service", title="厨房水龙头更换", service_category="paid")


# --- paid service ------------------------------------------------------------------------------


def test_quote_from_price_list_and_free_text_then_customer_accepts(client, sd, prices, paid_order):
    client.force_login(sd["agent"])
    html = _detail(client, paid_order)
    assert "有偿服务报价" in html and "W01 更换水龙头" in html and 'id="quote-form"' in html
    url = reverse("servicedesk:order_quote", args=[paid_order.pk])
    response = client.post(
        url,
        {
            "price_item": [str(prices["tap"].pk), "", ""],
            "description": ["", "密封胶", ""],
            "quantity": ["2", "1.5", ""],
            "unit_price": ["", "12.40", ""],
        },
    )
    assert response.status_code == 302 and response["Location"].endswith("#paid")
    assert "报价合计 108.60 元。" in _messages(response)
    quote = paid_order.quote
    assert quote.total == Decimal("108.60")  # 2 × 45 + 1.5 × 12.40
    assert [(x.description, x.quantity) for x in quote.lines.all()] == [
        ("更换水龙头", Decimal("2.00")),
        ("密封胶", Decimal("1.50")),
    ]
    html = _detail(client, paid_order)
    assert "待客户确认" in html and 'id="quote-accept-form"' in html
    response = client.post(
        reverse("servicedesk:order_quote_accept", args=[paid_order.pk]),
        {"accepted_by": "林晓峰", "method": "signature"},
    )
    assert "客户确认报价：已完成。" in _messages(response)
    quote.refresh_from_db()
    assert (quote.accepted_by, quote.acceptance_method) == ("林晓峰", "signature")
    html = _detail(client, paid_order)
    assert "客户已确认" in html and 'id="quote-form"' not in html


def test_negative_unit_price_is_refused_in_chinese(client, sd, prices, paid_order):
    client.force_login(sd["agent"])
    response = client.post(
        reverse("servicedesk:order_quote", args=[paid_order.pk]),
        {"price_item": [""], "description": ["拆装"], "quantity": ["1"], "unit_price": ["-20"]},
    )
    assert _messages(response) == ["报价未完成：第 1 行：单价不能为负数。"]
    assert not Quote.objects.filter(order=paid_order).exists()


def test_accept_needs_who_and_how(client, sd, prices, paid_order):
    paid.quote(sd["agent"], paid_order, [(prices["pipe"], "", 1, None)])
    client.force_login(sd["agent"])
    response = client.post(
        reverse("servicedesk:order_quote_accept", args=[paid_order.pk]),
        {"accepted_by": "", "method": "signature"},
    )
    (message,) = _messages(response)
    assert message.startswith("客户确认报价未完成：确认报价的客户：")
    assert paid_order.quote.accepted_at is None


def test_finance_and_materials(client, sd, paid_order):
    client.force_login(sd["agent"])
    response = client.post(
        reverse("servicedesk:order_finance", args=[paid_order.pk]), {"amount": "-5"}
    )
    assert _messages(response) == ["登记交财务金额未完成：交财务金额不能为负数。"]
    client.post(reverse("servicedesk:order_finance", args=[paid_order.pk]), {"amount": "108.60"})
    client.post(
        reverse("servicedesk:order_materials", args=[paid_order.pk]), {"text": "客户自备水龙头一个"}
    )
    order = WorkOrder.objects.get(pk=paid_order.pk)
    assert order.amount_to_finance == Decimal("108.60")
    assert order.customer_materials == "客户自备水龙头一个"
    html = _detail(client, order)
    assert "108.60 元" in html and "客户自备水龙头一个" in html


def test_no_paid_section_on_a_free_repair(client, sd, open_order):
    client.force_login(sd["agent"])
    assert "有偿服务报价" not in _detail(client, open_order("repair"))


# --- compensation ------------------------------------------------------------------------------


@pytest.fixture
def complaint(sd, open_order):
    return open_order("complaint", category=sd["cat_complaint"], title="装修损坏地板")


def test_compensation_of_3000_goes_to_the_vice_president(client, sd, complaint, make_user):
    client.force_login(sd["agent"])
    html = _detail(client, complaint)
    assert "≤ 1,000 元：部门经理；≤ 5,000 元：副总经理；超过 5,000 元：总经理" in html
    response = client.post(
        reverse("servicedesk:compensation_request", args=[complaint.pk]),
        {"amount": "3000", "reason": "装修损坏地板，协商赔偿"},
    )
    assert "赔偿金额 3,000 元，须由副总经理审批。" in _messages(response)
    comp = Compensation.objects.get(order=complaint)
    assert (comp.approver_level, comp.status) == ("vp", "pending")

    manager = make_user("cs_manager")  # 客服经理: department level, ≤ 1,000 元
    client.force_login(manager)
    html = _detail(client, complaint)
    assert "须由副总经理审批" in html and "decide-form" not in html
    response = client.post(
        reverse("servicedesk:compensation_decide", args=[comp.pk]),
        {"decision": "approve", "note": "同意"},
    )
    assert _messages(response) == [
        "审批赔偿未完成：赔偿金额 3,000 元须由副总经理审批，超出您的审批权限（R-TKT-10）。"
    ]
    comp.refresh_from_db()
    assert comp.status == "pending" and comp.decided_by is None

    vp = make_user("vice_president")
    client.force_login(vp)
    assert "decide-form" in _detail(client, complaint)
    client.post(
        reverse("servicedesk:compensation_decide", args=[comp.pk]),
        {"decision": "approve", "note": "同意按 3000 元赔偿"},
    )
    comp.refresh_from_db()
    assert (comp.status, comp.decided_by) == ("approved", vp)


def test_negative_or_missing_compensation_is_refused(client, sd, complaint):
    client.force_login(sd["agent"])
    url = reverse("servicedesk:compensation_request", args=[complaint.pk])
    response = client.post(url, {"amount": "-100", "reason": "x"})
    assert _messages(response) == ["申请赔偿未完成：赔偿金额不能为负数。"]
    response = client.post(url, {"amount": "0", "reason": "x"})
    assert _messages(response)[-1] == "申请赔偿未完成：赔偿金额必须大于 0。"
    assert not Compensation.objects.exists()


def test_reject_needs_a_note(client, sd, complaint, make_user):
    comp = compensation.request(sd["agent"], complaint, "800", "误工补偿")
    client.force_login(make_user("cs_manager"))
    response = client.post(
        reverse("servicedesk:compensation_decide", args=[comp.pk]), {"decision": "reject"}
    )
    assert _messages(response) == ["审批赔偿未完成：驳回须填写意见。"]


def test_customer_rejects_opens_a_linked_complaint(client, sd, complaint, make_user):
    comp = compensation.request(sd["agent"], complaint, "800", "误工补偿")
    compensation.decide(make_user("cs_manager"), comp, True, "同意")
    client.force_login(sd["agent"])
    response = client.post(
        reverse("servicedesk:compensation_customer_rejects", args=[comp.pk]),
        {"note": "客户要求赔偿 2000 元"},
    )
    comp.refresh_from_db()
    new = comp.follow_up
    assert comp.status == "customer_rejected" and new.parent_id == complaint.pk
    assert f"已生成关联的新投诉 {new.number}。" in _messages(response)
    html = _detail(client, complaint)
    assert reverse("servicedesk:order_detail", args=[new.pk]) in html


# --- incidents ---------------------------------------------------------------------------------


def test_new_incident_from_the_order_list(client, sd):
    client.force_login(sd["agent"])
    html = client.get(reverse("servicedesk:order_list")).content.decode()
    assert reverse("servicedesk:incident_create") in html
    url = reverse("servicedesk:incident_create")
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "project": sd["project"].pk,
            "title": "电梯困人",
            "description": "8号楼2号梯困1人",
            "location": "8号楼2号电梯",
            "caller_phone": "13900001111",
            "elevator_entrapment": "on",
            "elevator_no": "",
            "floor": "",
        },
    )
    assert response.status_code == 200
    assert "电梯困人须记录电梯编号（R-TKT-14）。" in response.content.decode()
    before = timezone.now()
    response = client.post(
        url,
        {
            "project": sd["project"].pk,
            "title": "电梯困人",
            "description": "8号楼2号梯困1人",
            "location": "8号楼2号电梯",
            "caller_phone": "13900001111",
            "elevator_entrapment": "on",
            "elevator_no": "2",
            "floor": "12",
        },
    )
    order = WorkOrder.objects.get(order_type="incident")
    assert response["Location"] == reverse("servicedesk:order_detail", args=[order.pk])
    assert order.is_emergency
    report = order.incident
    # R-TKT-14: the report is due 24 hours after the incident was received.
    assert report.report_due_at - order.received_at == datetime.timedelta(hours=24)
    assert report.report_due_at >= before + datetime.timedelta(hours=24)
    html = _detail(client, order)
    assert "突发事件" in html and "报告待提交" in html and "报告已逾期" not in html


def test_incident_report_overdue_badge_and_late_submission(client, sd):
    received = timezone.now() - datetime.timedelta(hours=25)
    order = incidents.open_incident(
        sd["agent"],
        project=sd["project"],
        title="水管爆裂",
        description="地下车库水管爆裂",
        location="地下车库B区",
        caller_phone="13900001111",
        received_at=received,
    )
    assert list(incidents.overdue_reports()) == [order.incident]
    client.force_login(sd["agent"])
    html = _detail(client, order)
    assert 'id="incident-overdue"' in html and "报告已逾期" in html
    url = reverse("servicedesk:incident_report", args=[order.pk])
    response = client.post(url, {"report": ""})
    assert _messages(response)[0].startswith("提交事件报告未完成：事件报告：")
    response = client.post(url, {"report": "车库B区水管爆裂，已关阀抢修，无人员伤亡。"})
    assert "事件报告超过 24 小时才提交，已记为逾期（R-TKT-14）。" in _messages(response)
    report = IncidentReport.objects.get(order=order)
    assert report.report_submitted_at > report.report_due_at
    event = OrderEvent.objects.filter(order=order, kind="incident_report").get()
    assert event.data["late"] is True
    html = _detail(client, order)
    assert "报告逾期提交" in html and "incident-report-form" not in html


def test_incident_checklist_update(client, sd):
    order = incidents.open_incident(
        sd["agent"],
        project=sd["project"],
        title="电梯困人",
        description="困1人",
        location="8号楼2号电梯",
        caller_phone="13900001111",
        elevator_entrapment=True,
        elevator_no="2",
        floor="12",
    )
    client.force_login(sd["agent"])
    response = client.post(
        reverse("servicedesk:incident_checklist", args=[order.pk]),
        {
            "losses": "无人员伤亡",
            "elevator_no": "2",
            "floor": "",
            "technician_notified_at": "2026-11-23T10:05",
            "fire_service_called": "",
        },
    )
    assert _messages(response) == ["更新突发事件记录未完成：电梯困人须记录所在楼层（R-TKT-14）。"]
    client.post(
        reverse("servicedesk:incident_checklist", args=[order.pk]),
        {
            "losses": "无人员伤亡",
            "elevator_no": "2",
            "floor": "12",
            "technician_notified_at": "2026-11-23T10:05",
            "fire_service_called": "on",
        },
    )
    report = IncidentReport.objects.get(order=order)
    assert report.losses == "无人员伤亡" and report.fire_service_called
    assert timezone.localtime(report.technician_notified_at).strftime("%H:%M") == "10:05"
