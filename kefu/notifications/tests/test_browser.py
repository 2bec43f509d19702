"""Headless browser: marking a notification read swaps its row and clears the bell's badge."""

import pytest

from kefu.notifications.services import notify

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(chromium):
    return chromium.new_page(viewport={"width": 390, "height": 844})


def test_mark_read_in_inbox(page, live_server, make_user):
    agent = make_user("cs_agent", username="agent_inbox")
    (row,) = notify(agent, "工单 WO-7 超时预警", "请在 10 分钟内处理。")
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "agent_inbox")
    page.fill("#id_password", "pass-Kefu-2026")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/notifications/")
    assert page.inner_text("#unread-badge") == "1"
    item = f"#notification-{row.pk}"
    assert page.get_attribute(item, "data-read") == "0"
    page.click(f"{item} button[type=submit]")
    page.wait_for_selector(f"{item}[data-read='1']")
    assert page.inner_text("#unread-badge") == ""
    assert page.url == f"{live_server.url}/notifications/"  # swapped in place, no reload
