"""Item 7 of issue 2 for the organisation: every role, in the UI and the API.

The expectations are read from the role catalog (``kefu.core.roles.ROLES``), so this test
says "each role can do in the UI and the API exactly what its permission tuple says"; a few
concrete facts are pinned as well so a catalog change that removes them is noticed.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from kefu.core.roles import ROLE_BY_CODE, ROLES
from kefu.org.choices import DepartmentKind

pytestmark = pytest.mark.django_db

ROLE_CODES = [role.code for role in ROLES]
MODELS = ("organisation", "project", "department", "staff")


def granted(code: str, perm: str) -> bool:
    return perm in ROLE_BY_CODE[code].permissions


@pytest.mark.parametrize("code", ROLE_CODES)
def test_role_holds_exactly_the_catalog_org_permissions(code, make_user):
    user = make_user(code)
    for model in MODELS:
        for action in ("view", "add", "change", "delete"):
            perm = f"org.{action}_{model}"
            assert user.has_perm(perm) is granted(code, perm), perm
    assert user.has_perm("org.access_all_projects") is granted(code, "org.access_all_projects")


@pytest.mark.parametrize("code", ROLE_CODES)
def test_role_staff_pages(code, client, make_user, make_staff):
    colleague = make_staff("同事甲")  # same project (P1) as the user
    client.force_login(make_user(code))
    view, add, change = (granted(code, f"org.{a}_staff") for a in ("view", "add", "change"))

    assert client.get(reverse("org:staff_list")).status_code == (200 if view else 403)
    detail = client.get(reverse("org:staff_detail", args=[colleague.pk]))
    assert detail.status_code == (200 if view else 403)
    assert client.get(reverse("org:staff_add")).status_code == (200 if add else 403)
    edit = client.get(reverse("org:staff_edit", args=[colleague.pk]))
    assert edit.status_code == (200 if change else 403)
    if view:
        assert ("编辑" in detail.content.decode()) is change


@pytest.mark.parametrize("code", ROLE_CODES)
def test_role_project_and_department_pages(code, client, org, make_user):
    client.force_login(make_user(code))
    p1 = org["p1"]
    dept = org["departments"][("P1", DepartmentKind.CUSTOMER_SERVICE)]
    cases = [
        ("org.view_project", reverse("org:project_list")),
        ("org.view_project", reverse("org:project_detail", args=[p1.pk])),
        ("org.add_project", reverse("org:project_add")),
        ("org.change_project", reverse("org:project_edit", args=[p1.pk])),
        ("org.view_department", reverse("org:department_list")),
        ("org.view_department", reverse("org:department_detail", args=[dept.pk])),
        ("org.add_department", reverse("org:department_add")),
        ("org.change_department", reverse("org:department_edit", args=[dept.pk])),
    ]
    for perm, path in cases:
        expected = 200 if granted(code, perm) else 403
        assert client.get(path).status_code == expected, (perm, path)


@pytest.mark.parametrize("code", ROLE_CODES)
def test_role_staff_api(code, api, org, make_user, make_staff):
    colleague = make_staff("同事乙")
    client = api(make_user(code))
    view, add, change, delete = (
        granted(code, f"org.{a}_staff") for a in ("view", "add", "change", "delete")
    )
    assert client.get("/api/org/staff/").status_code == (200 if view else 403)
    assert client.get(f"/api/org/staff/{colleague.pk}/").status_code == (200 if view else 403)

    dept = org["departments"][("P1", DepartmentKind.CUSTOMER_SERVICE)]
    res = client.post(
        "/api/org/staff/",
        {
            "employee_no": f"N-{code}",
            "name": "新同事",
            "department": dept.pk,
            "position": "客服专员",
        },
        format="json",
    )
    assert res.status_code == (201 if add else 403), res.json()
    if not add:
        assert res.json()["code"] == "permission_denied"

    res = client.patch(f"/api/org/staff/{colleague.pk}/", {"position": "客服主管"}, format="json")
    assert res.status_code == (200 if change else 403)

    res = client.delete(f"/api/org/staff/{colleague.pk}/")
    assert res.status_code == (204 if delete else 403)


@pytest.mark.parametrize("code", ROLE_CODES)
def test_role_project_and_department_api(code, api, org, make_user):
    client = api(make_user(code))
    for model, path in (
        ("project", "/api/org/projects/"),
        ("department", "/api/org/departments/"),
        ("organisation", "/api/org/organisations/"),
    ):
        expected = 200 if granted(code, f"org.view_{model}") else 403
        assert client.get(path).status_code == expected, path
    res = client.post(
        "/api/org/departments/",
        {
            "project": org["p1"].pk,
            "name": "绿化部",
            "kind": "greening",
        },
        format="json",
    )
    assert res.status_code == (201 if granted(code, "org.add_department") else 403)


def test_cs_agent_cannot_add_staff_but_administrator_can(client, api, org, make_user):
    dept = org["departments"][("P1", DepartmentKind.CUSTOMER_SERVICE)]
    payload = {
        "employee_no": "KF2001",
        "name": "新人",
        "department": dept.pk,
        "position": "客服专员",
        "hire_date": "2026-03-02",
    }

    agent = make_user("cs_agent")
    client.force_login(agent)
    assert client.get(reverse("org:staff_add")).status_code == 403
    assert client.post(reverse("org:staff_add"), payload).status_code == 403
    assert api(agent).post("/api/org/staff/", payload, format="json").status_code == 403

    admin = make_user("administrator")
    client.force_login(admin)
    res = client.post(reverse("org:staff_add"), {**payload, "is_active": "on"})
    assert res.status_code == 302
    res = api(admin).post("/api/org/staff/", {**payload, "employee_no": "KF2002"}, format="json")
    assert res.status_code == 201


def test_every_role_sees_the_staff_directory_and_only_administrators_edit_it():
    viewers = {r.code for r in ROLES if "org.view_staff" in r.permissions}
    editors = {r.code for r in ROLES if "org.change_staff" in r.permissions}
    assert viewers == set(ROLE_CODES)
    assert editors == {"administrator"}


def test_signed_out_visitors_are_sent_to_log_in(client, org, make_staff):
    staff = make_staff("某人")
    res = client.get(reverse("org:staff_detail", args=[staff.pk]))
    assert res.status_code == 302
    assert res["Location"].startswith(reverse("login"))
    assert client.get("/api/org/staff/").json()["code"] == "not_authenticated"
