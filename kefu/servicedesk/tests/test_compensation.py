"""Compensation routed by amount to its approver (R-TKT-10)."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings

from kefu.servicedesk import compensation
from kefu.servicedesk.models import Compensation, OrderEvent, WorkOrder

pytestmark = pytest.mark.django_db


@pytest.fixture
def complaint(sd, open_order):
    return open_order("complaint", category=sd["cat_complaint"], title="装修损坏地板")


@pytest.fixture
def approvers(make_user):
    return {
        "department": make_user("cs_manager"),
        "vp": make_user("vice_president"),
        "gm": make_user("general_manager"),
    }


@pytest.mark.parametrize(
    ("amount", "level"),
    [(1, "department"), (1000, "department"), ("1000.01", "vp"), (5000, "vp"), (5001, "gm")],
)
def test_approver_level_by_threshold(amount, level):
    assert compensation.approver_level(amount) == level


@override_settings(KEFU_COMPENSATION_LIMITS={"department": 500, "vp": 2000})
def test_thresholds_are_settings():
    assert compensation.approver_level(800) == "vp"
    assert compensation.approver_level(3000) == "gm"


def test_compensation_of_3000_needs_the_vice_president(sd, complaint, approvers):
    comp = compensation.request(sd["agent"], complaint, "3000", "装修损坏地板，协商赔偿")
    assert (comp.approver_level, comp.amount) == ("vp", Decimal("3000.00"))
    with pytest.raises(PermissionDenied) as exc:
        compensation.decide(approvers["department"], comp, True, "同意")
    assert str(exc.value) == "赔偿金额 3,000 元须由副总经理审批，超出您的审批权限（R-TKT-10）。"
    with pytest.raises(PermissionDenied):
        compensation.decide(sd["agent"], comp, True, "同意")
    comp.refresh_from_db()
    assert comp.status == "pending" and comp.decided_by is None
    comp = compensation.decide(approvers["vp"], comp, True, "同意按 3000 元赔偿")
    assert (comp.status, comp.decided_by) == ("approved", approvers["vp"])
    kinds = list(OrderEvent.objects.filter(order=complaint).values_list("kind", flat=True))
    assert kinds[-2:] == ["compensation_requested", "compensation_approved"]


def test_a_higher_approver_may_approve_a_smaller_amount(sd, complaint, approvers):
    comp = compensation.request(sd["agent"], complaint, 800, "误工补偿")
    assert comp.approver_level == "department"
    comp = compensation.decide(approvers["gm"], comp, False, "先核实损失")
    assert comp.status == "rejected"
    with pytest.raises(ValidationError):
        compensation.decide(approvers["gm"], comp, True, "")  # already decided


def test_rejection_needs_a_note(sd, complaint, approvers):
    comp = compensation.request(sd["agent"], complaint, 200, "误工补偿")
    with pytest.raises(ValidationError) as exc:
        compensation.decide(approvers["department"], comp, False, "")
    assert exc.value.message_dict["note"] == ["驳回须填写意见。"]


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("-100", "赔偿金额不能为负数。"),
        ("abc", "赔偿金额必须是数字：“abc”。"),
        (0, "赔偿金额必须大于 0。"),
    ],
)
def test_bad_amounts_are_refused(sd, complaint, amount, message):
    with pytest.raises(ValidationError) as exc:
        compensation.request(sd["agent"], complaint, amount, "事由")
    assert exc.value.message_dict["amount"] == [message]
    assert not Compensation.objects.exists()


def test_customer_rejection_opens_a_linked_complaint(sd, complaint, approvers):
    comp = compensation.request(sd["agent"], complaint, 6000, "漏水浸泡家具")
    assert comp.approver_level == "gm"
    compensation.decide(approvers["gm"], comp, True, "同意")
    new = compensation.customer_rejects(sd["agent"], comp, "金额太低，要求 1 万元")
    comp.refresh_from_db()
    assert comp.status == "customer_rejected" and comp.follow_up == new
    assert (new.order_type, new.parent, new.customer) == ("complaint", complaint, sd["customer"])
    assert "6,000" in new.description and "金额太低" in new.description
    assert WorkOrder.objects.filter(parent=complaint).count() == 1
    assert OrderEvent.objects.filter(
        order=complaint, kind="compensation_customer_rejected"
    ).exists()
    with pytest.raises(ValidationError):
        compensation.customer_rejects(sd["agent"], comp, "再次")
