"""Web shell: log-in, role home pages, language switch, audit history, jobs (items 5, 11, 12)."""

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from kefu.core.jobs import heartbeat
from kefu.core.models import JobRecord
from kefu.customers.models import Customer

pytestmark = pytest.mark.django_db


def test_login_page_is_chinese_and_redirects_anonymous(client):
    r = client.get("/")
    assert r.status_code == 302 and r.url.startswith(reverse("login"))
    html = client.get(reverse("login")).content.decode()
    assert "客服中心管理系统" in html and 'lang="zh-hans"' in html


def test_login_with_wrong_password_shows_chinese_error(client, make_user):
    make_user("cs_agent", username="agent1")
    r = client.post(reverse("login"), {"username": "agent1", "password": "nope"})
    assert "用户名或密码不正确" in r.content.decode()


def test_login_then_home(client, make_user):
    make_user("cs_agent", username="agent1")
    r = client.post(
        reverse("login"), {"username": "agent1", "password": "pass-Kefu-2026"}, follow=True
    )
    html = r.content.decode()
    assert "来电/来访查询" in html and "客服专员" in html


@pytest.mark.parametrize(
    ("role", "present", "absent"),
    [
        ("cs_agent", ["来电/来访查询", "项目概况"], ["最近变更（审计）", "后台任务"]),
        ("cs_supervisor", ["来电/来访查询", "最近变更（审计）", "个人信息查看记录"], ["后台任务"]),
        ("technician", ["项目概况", "来电/来访查询"], ["最近变更（审计）", "个人信息查看记录"]),
        ("administrator", ["后台任务", "最近变更（审计）"], []),
    ],
)
def test_home_page_per_role(client, make_user, role, present, absent):
    client.force_login(make_user(role))
    html = client.get("/").content.decode()
    for text in present:
        assert text in html, text
    for text in absent:
        assert text not in html, text


def test_navigation_shows_areas_by_permission(client, make_user):
    client.force_login(make_user("department_staff", kind="engineering"))
    html = client.get("/").content.decode()
    assert "房屋资料" in html and "客户档案" not in html
    assert "筹备中" in html  # later capability areas are on the map, not links


def test_chinese_even_for_an_english_browser(client, make_user):
    client.force_login(make_user("cs_agent"))
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="zh-hans"' in html


def test_english_is_switchable(client, make_user):
    client.force_login(make_user("cs_agent"))
    r = client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)
    assert 'lang="en"' in r.content.decode()


def test_audit_history_page_shows_who_and_what(client, make_user, org):
    supervisor = make_user("cs_supervisor")
    client.force_login(supervisor)
    r = client.post(
        reverse("customers:customer_create"),
        {
            "project": org["p1"].pk,
            "kind": "owner",
            "name": "周芷若",
            "phone": "13911112222",
            "grade": "C",
        },
    )
    customer = Customer.objects.get(name="周芷若")
    client.post(
        reverse("customers:customer_edit", args=[customer.pk]),
        {
            "project": org["p1"].pk,
            "kind": "owner",
            "name": "周芷若",
            "phone": "13911113333",
            "grade": "A",
        },
    )
    assert r.status_code == 302
    html = client.get(
        reverse("audit_history", args=["customers", "customer", customer.pk])
    ).content.decode()
    assert supervisor.staff.name in html and "网页" in html
    assert "C 级 → A 级" in html
    assert "139****2222 → 139****3333" in html  # phones stay masked in the trail (R-SEC-01)
    assert "13911113333" not in html


def test_audit_entries_are_read_only_in_admin(admin_client, org):
    Customer.objects.create(project=org["p1"], kind="owner", name="甲", phone="13911112222")
    entry = LogEntry.objects.first()
    assert (
        admin_client.post(
            reverse("admin:auditlog_logentry_delete", args=[entry.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert LogEntry.objects.filter(pk=entry.pk).exists()


def test_audit_api_is_read_only(make_user, org):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(make_user("administrator"))
    Customer.objects.create(project=org["p1"], kind="owner", name="甲", phone="13911112222")
    entry = LogEntry.objects.first()
    assert client.delete(f"/api/audit/entries/{entry.pk}/").status_code in (403, 405)
    assert client.patch(f"/api/audit/entries/{entry.pk}/", {}).status_code in (403, 405)
    assert LogEntry.objects.filter(pk=entry.pk).exists()
    r = client.get("/api/audit/entries/", {"object_type": "customers.customer"})
    assert r.json()["results"][0]["object_repr"] == "甲"


def test_heartbeat_job_records_its_run(client, make_user):
    heartbeat()
    heartbeat()
    record = JobRecord.objects.get(name="heartbeat")
    assert record.status == JobRecord.Status.OK and record.runs == 2
    client.force_login(make_user("administrator"))
    html = client.get(reverse("system_status")).content.decode()
    assert "后台任务进程运行正常" in html


def test_status_page_warns_without_heartbeat(client, make_user):
    client.force_login(make_user("administrator"))
    assert "没有心跳" in client.get(reverse("system_status")).content.decode()


def test_heartbeat_is_a_periodic_job_every_minute():
    import datetime

    from huey.api import PeriodicTask

    from kefu.core.jobs import heartbeat_task

    assert isinstance(heartbeat_task.s(), PeriodicTask)
    assert heartbeat_task.s().validate_datetime(datetime.datetime(2026, 10, 1, 8, 17))
