"""Audit trail of staff records (R-SEC-02): who, from where, which fields before/after."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from kefu.org.choices import DepartmentKind
from kefu.org.models import Staff

pytestmark = pytest.mark.django_db


def entries_for(pk: int) -> list[LogEntry]:
    ct = ContentType.objects.get_for_model(Staff)
    return list(LogEntry.objects.filter(content_type=ct, object_pk=str(pk)).order_by("id"))


def test_api_create_update_delete_are_logged_with_actor_and_source(
    api, org, admin_user_kefu, make_staff
):
    boss = make_staff("孙主管")
    client = api(admin_user_kefu)
    dept = org["departments"][("P1", DepartmentKind.CUSTOMER_SERVICE)]
    res = client.post(
        "/api/org/staff/",
        {
            "employee_no": "KF3001",
            "name": "王芳",
            "department": dept.pk,
            "position": "客服专员",
            "phone": "13912345678",
        },
        format="json",
    )
    pk = res.json()["id"]
    client.patch(
        f"/api/org/staff/{pk}/", {"position": "客服主管", "supervisor": boss.pk}, format="json"
    )
    client.delete(f"/api/org/staff/{pk}/")

    created, updated, deleted = entries_for(pk)
    assert [e.action for e in (created, updated, deleted)] == [
        LogEntry.Action.CREATE,
        LogEntry.Action.UPDATE,
        LogEntry.Action.DELETE,
    ]
    for entry in (created, updated, deleted):
        assert entry.actor == admin_user_kefu
        assert entry.additional_data["source"] == "api"
    assert created.changes_dict["name"] == [None, "王芳"]
    assert created.changes_dict["phone"] == [None, "13912345678"]
    assert updated.changes_dict["position"] == ["客服专员", "客服主管"]
    assert updated.changes_dict["supervisor"] == [None, boss.pk]
    assert set(updated.changes_dict) == {"position", "supervisor"}
    assert deleted.changes_dict["employee_no"] == ["KF3001", None]


def test_ui_create_and_update_are_logged_with_source_ui(client, org, admin_user_kefu):
    client.force_login(admin_user_kefu)
    dept = org["departments"][("P1", DepartmentKind.ENGINEERING)]
    form = {
        "employee_no": "GC0001",
        "name": "张工",
        "department": dept.pk,
        "position": "维修工程师",
        "hire_date": "2025-09-01",
        "is_active": "on",
    }
    res = client.post(reverse("org:staff_add"), form)
    staff = Staff.objects.get(employee_no="GC0001")
    assert res.status_code == 302 and res["Location"] == staff.get_absolute_url()
    client.post(reverse("org:staff_edit", args=[staff.pk]), {**form, "phone": "13700001111"})

    created, updated = entries_for(staff.pk)
    assert created.action == LogEntry.Action.CREATE
    assert updated.changes_dict == {"phone": ["", "13700001111"]}
    for entry in (created, updated):
        assert entry.actor == admin_user_kefu
        assert entry.additional_data["source"] == "ui"


def test_covered_projects_changes_are_logged(api, org, admin_user_kefu, make_staff):
    staff = make_staff("钱主管")
    api(admin_user_kefu).patch(
        f"/api/org/staff/{staff.pk}/", {"extra_projects": [org["p2"].pk]}, format="json"
    )
    m2m = [e for e in entries_for(staff.pk) if "extra_projects" in (e.changes_dict or {})]
    assert len(m2m) == 1
    change = m2m[0].changes["extra_projects"]
    assert change["operation"] == "add"
    assert change["objects"] == ["金融中心"]


def test_history_page_is_linked_only_for_auditors(client, make_user, make_staff):
    staff = make_staff("审计对象")
    history = reverse("audit_history", args=["org", "staff", staff.pk])

    client.force_login(make_user("cs_agent"))
    page = client.get(reverse("org:staff_detail", args=[staff.pk])).content.decode()
    assert history not in page

    client.force_login(make_user("cs_supervisor"))
    page = client.get(reverse("org:staff_detail", args=[staff.pk])).content.decode()
    assert history in page
    assert client.get(history).status_code == 200
