"""Shared service-desk fixtures: premises, a customer, staff with reporting lines, categories,
and helpers to open and finish orders through ``actions``."""

from __future__ import annotations

import pytest

from kefu.customers.models import Building, Customer, Floor, Unit
from kefu.org.choices import DepartmentKind
from kefu.servicedesk import actions
from kefu.servicedesk.models import Category


@pytest.fixture
def sd(org, make_user):
    """A P1 desk: agent (owner of new orders) reporting to a supervisor, a technician in
    engineering, a unit with its customer and a repair / complaint category tree."""
    building = Building.objects.create(project=org["p1"], code="8", name="8号楼")
    floor = Floor.objects.create(building=building, number=3)
    unit = Unit.objects.create(building=building, floor=floor, number="0301")
    customer = Customer.objects.create(
        project=org["p1"], kind="owner", name="林晓峰", phone="13855556666"
    )
    supervisor = make_user("cs_supervisor")
    agent = make_user("cs_agent")
    agent.staff.supervisor = supervisor.staff
    agent.staff.save()
    tech_boss = make_user("cs_supervisor", kind=DepartmentKind.ENGINEERING)
    tech = make_user("technician", kind=DepartmentKind.ENGINEERING)
    tech.staff.supervisor = tech_boss.staff
    tech.staff.save()
    repair = Category.objects.create(name="报修", order_type="repair")
    water = Category.objects.create(name="水电", order_type="repair", parent=repair)
    return {
        "project": org["p1"],
        "unit": unit,
        "customer": customer,
        "agent": agent,
        "supervisor": supervisor,
        "tech": tech,
        "tech_boss": tech_boss,
        "engineering": org["departments"][("P1", DepartmentKind.ENGINEERING)],
        "cat_repair": water,
        "cat_leak": Category.objects.create(
            name="漏水", order_type="repair", parent=water, is_leak=True
        ),
        "cat_safety": Category.objects.create(
            name="消防设施", order_type="repair", parent=repair, is_safety=True
        ),
        "cat_complaint": Category.objects.create(name="服务投诉", order_type="complaint"),
    }


@pytest.fixture
def open_order(sd):
    """``open_order(order_type="repair", **fields)`` → a new order received by the agent."""

    def make(order_type: str = "repair", actor=None, **fields):
        values = {
            "project": sd["project"],
            "order_type": order_type,
            "channel": "phone",
            "customer": sd["customer"],
            "unit": sd["unit"],
            "title": "卫生间漏水" if order_type == "repair" else "物业服务投诉",
            "description": "楼上渗水到卫生间吊顶",
        }
        values.update(fields)
        return actions.create_order(actor or sd["agent"], **values)

    return make


@pytest.fixture
def finish_order(sd):
    """``finish_order(order, at=None)`` → accept, dispatch (to the technician) and complete."""

    def finish(order, at=None, **complete_data):
        boss = sd["supervisor"]
        order = actions.transition(boss, order, "accept", at=at)
        order = actions.transition(
            boss, order, "dispatch", at=at, department=sd["engineering"], assignee=sd["tech"]
        )
        complete_data.setdefault("resolution", "已处理完毕")
        return actions.transition(boss, order, "complete", at=at, **complete_data)

    return finish
