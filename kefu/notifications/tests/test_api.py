"""/api/notifications/inbox/: the caller's own notifications only."""

import pytest
from django.urls import include, path, reverse
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from kefu.notifications import services
from kefu.notifications.models import Notification
from kefu.notifications.services import notify

URL = "/api/notifications/inbox/"


@pytest.fixture
def api(agent):
    client = APIClient()
    client.force_authenticate(agent)
    return client


@pytest.fixture
def rows(agent, other_agent):
    first = notify(agent, "甲：第一条", "内容一", link="/customers/")[0]
    second = notify(agent, "甲：第二条")[0]
    notify(agent, "甲：邮件不进收件箱", channels=("email",))
    theirs = notify(other_agent, "乙：私人通知")[0]
    return {"first": first, "second": second, "theirs": theirs}


def test_api_root_lists_inbox():
    assert reverse("notifications-api:api-root") == "/api/notifications/"
    assert reverse("notifications-api:inbox-list") == URL


def test_list_is_own_inapp_newest_first(api, rows):
    response = api.get(URL)
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["id"] for r in results] == [rows["second"].pk, rows["first"].pk]
    assert results[1] == {
        "id": rows["first"].pk,
        "subject": "甲：第一条",
        "body": "内容一",
        "link": "/customers/",
        "created": results[1]["created"],
        "read_at": None,
        "is_read": False,
    }


def test_keyset_pagination(api, rows):
    page1 = api.get(URL, {"page_size": 1}).json()
    assert [r["subject"] for r in page1["results"]] == ["甲：第二条"]
    assert "cursor=" in page1["next"]
    page2 = api.get(page1["next"]).json()
    assert [r["subject"] for r in page2["results"]] == ["甲：第一条"]
    assert page2["next"] is None


def test_unread_filter(api, agent, rows):
    services.mark_read(agent, [rows["first"].pk])
    unread = api.get(URL, {"unread": "true"}).json()["results"]
    read = api.get(URL, {"unread": "false"}).json()["results"]
    assert [r["id"] for r in unread] == [rows["second"].pk]
    assert [r["id"] for r in read] == [rows["first"].pk]


def test_other_users_notification_is_not_found(api, rows):
    theirs = rows["theirs"].pk
    response = api.get(f"{URL}{theirs}/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    response = api.post(f"{URL}{theirs}/read/")
    assert response.status_code == 404
    assert Notification.objects.get(pk=theirs).read_at is None


def test_mark_one_read(api, agent, rows):
    response = api.post(f"{URL}{rows['first'].pk}/read/")
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == rows["first"].pk
    assert body["is_read"] is True
    assert body["read_at"] is not None
    assert services.unread_count(agent) == 1
    again = api.post(f"{URL}{rows['first'].pk}/read/").json()
    assert again["read_at"] == body["read_at"]  # idempotent: first reading time kept


def test_mark_all_read(api, agent, other_agent, rows):
    response = api.post(f"{URL}read-all/")
    assert response.status_code == 200
    assert response.json() == {"marked": 2, "unread": 0}
    assert services.unread_count(other_agent) == 1
    assert api.post(f"{URL}read-all/").json() == {"marked": 0, "unread": 0}


def test_anonymous_is_refused(rows):
    response = APIClient().get(URL)
    assert response.status_code in (401, 403)
    assert response.json()["code"] == "not_authenticated"


def test_writes_other_than_read_are_not_allowed(api, rows):
    assert api.delete(f"{URL}{rows['first'].pk}/").status_code == 405
    assert api.post(URL, {"subject": "伪造"}).status_code == 405


def test_schema_documents_inbox_endpoints():
    generator = SchemaGenerator(
        patterns=[path("api/notifications/", include("kefu.notifications.api.urls"))]
    )
    schema = generator.get_schema(request=None, public=True)
    paths = schema["paths"]
    assert set(paths) >= {
        "/api/notifications/inbox/",
        "/api/notifications/inbox/{id}/",
        "/api/notifications/inbox/{id}/read/",
        "/api/notifications/inbox/read-all/",
    }
    assert "post" in paths["/api/notifications/inbox/read-all/"]
