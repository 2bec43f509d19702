"""Headless browser: a phone call from lookup to callback, through every role's screen."""

from __future__ import annotations

import datetime
import re

import pytest

from kefu.customers.models import Building, Customer, CustomerUnit, Floor, Unit
from kefu.org.choices import DepartmentKind
from kefu.servicedesk.models import Category, WorkOrder

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pass-Kefu-2026"


def _login(chromium, live_server, username):
    page = chromium.new_context(viewport={"width": 390, "height": 844}).new_page()
    page.set_default_timeout(60_000)  # generous on a loaded 2-core CI machine
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    return page


def test_phone_call_to_callback(chromium, live_server, org, make_user):
    agent = make_user("cs_agent", username="agent_call")
    make_user("cs_supervisor", username="boss_call")
    tech = make_user("technician", kind=DepartmentKind.ENGINEERING, username="tech_call")
    building = Building.objects.create(project=org["p1"], code="8", name="8号楼")
    floor = Floor.objects.create(building=building, number=3)
    unit = Unit.objects.create(building=building, floor=floor, number="0301")
    customer = Customer.objects.create(
        project=org["p1"], kind="owner", name="林晓峰", phone="13855556666"
    )
    CustomerUnit.objects.create(
        customer=customer, unit=unit, role="owner", start_date=datetime.date(2024, 1, 1)
    )
    parent = Category.objects.create(name="水电", order_type="repair")
    leak = Category.objects.create(
        name="漏水",
        order_type="repair",
        parent=parent,
        description_template="渗漏位置：\n是否影响邻居：",
    )
    Category.objects.create(name="服务态度", order_type="complaint")

    # The agent takes the call: lookup by the last digits, Enter picks the caller.
    desk = _login(chromium, live_server, "agent_call")
    desk.goto(f"{live_server.url}/servicedesk/orders/new/")
    assert desk.evaluate("document.activeElement.id") == "caller-lookup"
    desk.keyboard.type("13855556666")
    desk.wait_for_selector(".caller-pick[data-unit]")
    desk.keyboard.press("Enter")
    assert desk.input_value("#id_customer") == str(customer.pk)
    assert desk.input_value("#id_unit") == str(unit.pk)
    assert desk.input_value("#id_caller_phone") == "13855556666"
    assert desk.evaluate("document.activeElement.id") == "id_order_type"
    assert desk.is_hidden("#wrap-severity")  # complaint-only fields stay hidden for a repair
    desk.select_option("#id_category", str(leak.pk))
    assert desk.input_value("#id_description") == "渗漏位置：\n是否影响邻居："
    assert desk.input_value("#id_title") == "漏水"
    desk.fill("#id_title", "卫生间吊顶漏水")
    desk.press("#id_title", "Enter")  # Enter submits
    desk.wait_for_url(re.compile(r"/servicedesk/orders/\d+/$"))
    order = WorkOrder.objects.get()
    assert (order.customer_id, order.unit_id, order.category_id) == (customer.pk, unit.pk, leak.pk)
    desk.click("button[data-action=accept]")
    desk.wait_for_selector("[data-status=accepted]")

    # A second call about the same leak warns with the open order's number.
    desk.goto(f"{live_server.url}/servicedesk/orders/new/")
    desk.keyboard.type("0301")
    desk.wait_for_selector(".caller-pick[data-unit]")
    desk.keyboard.press("Enter")
    desk.select_option("#id_category", str(leak.pk))
    assert order.number in desk.inner_text("#duplicate-alert")

    # The supervisor dispatches to the engineering technician.
    boss = _login(chromium, live_server, "boss_call")
    boss.goto(f"{live_server.url}/servicedesk/orders/{order.pk}/")
    boss.click("button[data-action=dispatch]")
    engineering = org["departments"][("P1", DepartmentKind.ENGINEERING)]
    boss.select_option("#form-dispatch [name=department]", str(engineering.pk))
    boss.select_option("#form-dispatch [name=assignee]", str(tech.pk))
    boss.click("#form-dispatch button[type=submit]")
    boss.wait_for_selector("[data-status=dispatched]")

    # The technician works from the phone cards.
    field = _login(chromium, live_server, "tech_call")
    field.goto(f"{live_server.url}/servicedesk/tasks/")
    for action, status in (
        ("acknowledge", "acknowledged"),
        ("depart", "departed"),
        ("arrive", "on_site"),
        ("start", "in_progress"),
    ):
        field.click(f"#task-{order.pk} button[data-action={action}]")
        field.wait_for_selector(f"#task-{order.pk} [data-status={status}]")
    field.click(f"#task-{order.pk} button[data-action=complete]")
    field.fill(f"#complete-{order.pk} [name=resolution]", "更换角阀，试水无渗漏")
    field.fill(f"#complete-{order.pk} [name=confirmed_by]", "林晓峰")
    field.select_option(f"#complete-{order.pk} [name=confirmation_method]", "signature")
    field.click(f"#complete-{order.pk} button[type=submit]")
    field.wait_for_selector("text=完成：已完成。")
    order.refresh_from_db()
    assert order.status == "completed" and order.assignee_id == tech.pk

    # The owner (the agent) makes the callback with a rating.
    desk.goto(f"{live_server.url}/servicedesk/callbacks/")
    desk.click(".callback-row a.btn")
    desk.select_option("#id_result", "satisfied")
    desk.fill("#id_customer_words", "已经不漏了，师傅很细心")
    for name, level in (
        ("attitude", "4"),
        ("technique", "4"),
        ("timeliness", "3"),
        ("promise", "4"),
    ):
        desk.select_option(f"#id_{name}", level)
    desk.click("#callback-form button[type=submit]")
    desk.wait_for_url(f"{live_server.url}/servicedesk/orders/{order.pk}/")
    assert desk.get_attribute(".status-badge", "data-status") == "callback_done"
    kinds = desk.eval_on_selector_all(
        "#timeline [data-kind]", "els => els.map(e => e.dataset.kind)"
    )
    for kind in (
        "created",
        "accept",
        "dispatch",
        "acknowledge",
        "depart",
        "arrive",
        "start",
        "complete",
        "callback_recorded",
        "callback",
    ):
        assert kind in kinds, kind
    assert kinds.index("created") < kinds.index("dispatch") < kinds.index("complete")
    assert "已经不漏了" in desk.inner_text("#callbacks")
    assert "非常满意" in desk.inner_text("#ratings")
    assert agent.pk == order.owner_id
