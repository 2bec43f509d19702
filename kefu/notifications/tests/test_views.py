"""The web inbox shows only the reader's own in-app notifications."""

import pytest
from django.urls import reverse

from kefu.notifications import services
from kefu.notifications.models import Notification
from kefu.notifications.services import notify

INBOX = "/notifications/"


@pytest.fixture
def two_inboxes(agent, other_agent):
    mine = notify(agent, "甲：工单 WO-101 待响应", "业主报修厨房漏水。", link="/customers/")[0]
    read = notify(agent, "甲：已读的旧通知")[0]
    services.mark_read(agent, [read.pk])
    theirs = notify(other_agent, "乙：私人通知")[0]
    return {"mine": mine, "read": read, "theirs": theirs}


def test_inbox_url_is_the_navbar_link():
    assert reverse("notifications:inbox") == INBOX


def test_inbox_requires_login(client):
    response = client.get(INBOX)
    assert response.status_code == 302
    assert response.url.startswith("/login/")


def test_inbox_lists_only_own_notifications(client, agent, two_inboxes):
    client.force_login(agent)
    response = client.get(INBOX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "甲：工单 WO-101 待响应" in html
    assert "业主报修厨房漏水。" in html
    assert "甲：已读的旧通知" in html
    assert "乙：私人通知" not in html
    assert list(response.context["page_obj"]) == [two_inboxes["read"], two_inboxes["mine"]]
    assert response.context["unread_total"] == 1
    assert response.context["unread_notifications"] == 1  # the navbar badge
    assert 'id="unread-badge">1<' in html


def test_unread_tab(client, agent, two_inboxes):
    client.force_login(agent)
    response = client.get(INBOX, {"show": "unread"})
    assert list(response.context["page_obj"]) == [two_inboxes["mine"]]


def test_inbox_is_paginated_newest_first(client, agent):
    rows = [notify(agent, f"通知{i:02d}")[0] for i in range(25)]
    client.force_login(agent)
    first = client.get(INBOX).context["page_obj"]
    assert [n.subject for n in first][:2] == ["通知24", "通知23"]
    assert len(first) == 20
    second = client.get(INBOX, {"page": 2}).context["page_obj"]
    assert list(second) == rows[4::-1]


def test_mark_read_htmx_swaps_row_and_badge(client, agent, two_inboxes):
    mine = two_inboxes["mine"]
    client.force_login(agent)
    response = client.post(f"/notifications/{mine.pk}/read/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="notification-{mine.pk}"' in html
    assert 'data-read="1"' in html
    assert "标为已读" not in html
    assert '<span id="unread-badge" hx-swap-oob="true"></span>' in html  # 0 unread: badge empty
    assert Notification.objects.get(pk=mine.pk).read_at is not None


def test_mark_read_without_htmx_redirects(client, agent, two_inboxes):
    client.force_login(agent)
    response = client.post(f"/notifications/{two_inboxes['mine'].pk}/read/")
    assert response.status_code == 302
    assert response.url == INBOX
    assert services.unread_count(agent) == 0


def test_cannot_mark_someone_elses_notification(client, agent, two_inboxes):
    theirs = two_inboxes["theirs"]
    client.force_login(agent)
    response = client.post(f"/notifications/{theirs.pk}/read/", HTTP_HX_REQUEST="true")
    assert response.status_code == 404
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_mark_read_needs_post(client, agent, two_inboxes):
    client.force_login(agent)
    assert client.get(f"/notifications/{two_inboxes['mine'].pk}/read/").status_code == 405


def test_mark_all_read_only_own(client, agent, other_agent, two_inboxes):
    notify(agent, "甲：第二条未读")
    client.force_login(agent)
    response = client.post("/notifications/read-all/", follow=True)
    assert response.redirect_chain == [(INBOX, 302)]
    assert "已将 2 条通知标为已读。" in response.content.decode()
    assert services.unread_count(agent) == 0
    assert services.unread_count(other_agent) == 1


def test_open_marks_read_and_follows_link(client, agent, two_inboxes):
    mine = two_inboxes["mine"]
    client.force_login(agent)
    response = client.get(f"/notifications/{mine.pk}/open/")
    assert response.status_code == 302
    assert response.url == "/customers/"
    assert Notification.objects.get(pk=mine.pk).read_at is not None


def test_open_never_redirects_to_a_script_url(client, agent):
    # written into the table directly (notify() would refuse this link)
    bad = Notification.objects.create(
        user=agent, channel="inapp", subject="x", link="javascript:alert(1)"
    )
    client.force_login(agent)
    response = client.get(f"/notifications/{bad.pk}/open/")
    assert response.url == INBOX


def test_open_someone_elses_is_404(client, agent, two_inboxes):
    client.force_login(agent)
    assert client.get(f"/notifications/{two_inboxes['theirs'].pk}/open/").status_code == 404
