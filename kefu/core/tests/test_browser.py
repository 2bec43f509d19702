"""Headless-browser check: log in and find a customer by phone through the UI (issue 2).

Drives Debian's Chromium (/usr/bin/chromium) with Playwright; never downloads a browser. Skipped
locally when Chromium is not installed; under CI (CI=true) a missing browser fails.
"""

from pathlib import Path

import pytest

from kefu.customers.models import Building, Customer, CustomerUnit, Floor, Unit

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_agent_logs_in_and_finds_customer_by_phone(chromium, live_server, make_user, org):
    make_user("cs_agent", username="agent1")
    building = Building.objects.create(project=org["p1"], code="3", name="3号楼")
    floor = Floor.objects.create(building=building, number=12)
    unit = Unit.objects.create(building=building, floor=floor, number="1202")
    customer = Customer.objects.create(
        project=org["p1"], kind="owner", name="欧阳明月", phone="13698765432"
    )
    CustomerUnit.objects.create(customer=customer, unit=unit, role="owner")

    page = chromium.new_page(viewport={"width": 390, "height": 844})  # a phone screen
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "agent1")
    page.fill("#id_password", "pass-Kefu-2026")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/customers/lookup/")
    page.fill("input[name=q]", "8765")  # typing part of the number, as on a call
    page.wait_for_selector("#lookup-list .customer-name")
    assert page.inner_text("#lookup-list .customer-name") == "欧阳明月"
    assert "3-1202" in page.inner_text("#lookup-list")
    assert "136****5432" in page.inner_text("#lookup-list")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "lookup-phone.png"), full_page=True)
    page.click("#lookup-list a")
    page.wait_for_selector("#phone-slot")
    assert "136****5432" in page.inner_text("#phone-slot")
