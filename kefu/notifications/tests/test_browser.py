"""Headless browser: marking a notification read swaps its row and clears the bell's badge."""

import os

import pytest

from kefu.notifications.services import notify

CHROMIUM = "/usr/bin/chromium"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI") == "true":
            pytest.fail("CI needs Debian's chromium at /usr/bin/chromium for the browser test")
        pytest.skip("Debian's chromium is not installed")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--disable-sync",
            ],
        )
        yield browser.new_page(viewport={"width": 390, "height": 844})
        browser.close()


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
