"""Each role's permissions, checked in the UI and the API against the role catalog (item 7)."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from rest_framework.test import APIClient

from kefu.core.roles import ROLE_BY_CODE, ROLES, sync_roles

pytestmark = pytest.mark.django_db

ROLE_CODES = [role.code for role in ROLES]


def test_every_role_exists_as_a_group_with_exactly_its_permissions():
    for role in ROLES:
        group = Group.objects.get(name=role.name)
        held = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
        assert held == set(role.permissions), role.name


def test_sync_is_idempotent_and_repairs_drift():
    group = Group.objects.get(name="客服专员")
    group.permissions.clear()
    sync_roles()
    sync_roles()
    assert group.permissions.count() == len(set(ROLE_BY_CODE["cs_agent"].permissions))
    assert Group.objects.filter(name="客服专员").count() == 1


def test_role_names_are_the_regulation_titles():
    assert [r.name for r in ROLES] == [
        "客服专员",
        "前台",
        "客服主管",
        "客服经理",
        "维修工程师",
        "部门员工",
        "钥匙保管员",
        "档案管理员",
        "系统管理员",
        "副总经理",
        "总经理",
    ]


PAGES = [
    ("customers:lookup", "customers.view_customer"),
    ("customers:customer_list", "customers.view_customer"),
    ("customers:customer_create", "customers.add_customer"),
    ("customers:unit_list", "customers.view_unit"),
    ("customers:unit_create", "customers.add_unit"),
    ("customers:import", "customers.import_customers"),
    ("org:staff_list", "org.view_staff"),
    ("calendars:calendar", "calendars.view_calendarday"),
    ("system_status", "core.view_jobrecord"),
]


@pytest.mark.parametrize("role_code", ROLE_CODES)
def test_ui_pages_follow_the_catalog(role_code, make_user, client):
    client.force_login(make_user(role_code))
    granted = set(ROLE_BY_CODE[role_code].permissions)
    for url_name, perm in PAGES:
        status = client.get(reverse(url_name)).status_code
        assert status == (200 if perm in granted else 403), (role_code, url_name, status)


API = [
    ("get", "/api/customers/customers/", "customers.view_customer"),
    ("get", "/api/customers/units/", "customers.view_unit"),
    ("get", "/api/org/staff/", "org.view_staff"),
    ("get", "/api/audit/entries/", "auditlog.view_logentry"),
    ("post", "/api/customers/buildings/", "customers.add_building"),
]


@pytest.mark.parametrize("role_code", ROLE_CODES)
def test_api_follows_the_catalog(role_code, make_user, org):
    client = APIClient()
    client.force_authenticate(make_user(role_code))
    granted = set(ROLE_BY_CODE[role_code].permissions)
    for method, url, perm in API:
        data = {"project": org["p1"].pk, "code": f"Z{role_code[:5]}", "name": "测试楼"}
        r = (
            getattr(client, method)(url, data, format="json")
            if method == "post"
            else client.get(url)
        )
        allowed = r.status_code in (200, 201)
        assert allowed == (perm in granted), (role_code, url, r.status_code)
        if not allowed:
            assert r.json()["code"] == "permission_denied"


def test_concrete_facts():
    agent = set(ROLE_BY_CODE["cs_agent"].permissions)
    tech = set(ROLE_BY_CODE["technician"].permissions)
    assert "customers.reveal_personal_data" in agent
    assert "customers.reveal_personal_data" not in tech
    assert "org.access_all_projects" in ROLE_BY_CODE["cs_manager"].permissions
    assert "org.access_all_projects" not in ROLE_BY_CODE["cs_supervisor"].permissions
