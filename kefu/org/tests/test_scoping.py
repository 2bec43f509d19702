"""Object-level scope: a person limited to project P1 neither sees nor touches P2's records."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from kefu.org.choices import DepartmentKind
from kefu.org.models import Department, Project, Staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(make_staff):
    return {
        "p1": make_staff("翠湖专员", phone="13900000001"),
        "p2": make_staff("金融中心专员", project="P2", phone="13900000002"),
    }


@pytest.fixture
def p1_supervisor(make_user):
    return make_user("cs_supervisor", project="P1")


def test_p1_supervisor_lists_only_p1_staff_in_the_ui(client, p1_supervisor, people):
    client.force_login(p1_supervisor)
    page = client.get(reverse("org:staff_list")).content.decode()
    assert "翠湖专员" in page
    assert "金融中心专员" not in page
    assert "139****0001" in page  # masked for a viewer (R-SEC-01)
    assert "13900000001" not in page


def test_p1_supervisor_gets_404_for_p2_staff_in_the_ui(client, p1_supervisor, people):
    client.force_login(p1_supervisor)
    assert client.get(reverse("org:staff_detail", args=[people["p1"].pk])).status_code == 200
    assert client.get(reverse("org:staff_detail", args=[people["p2"].pk])).status_code == 404


def test_p1_supervisor_does_not_see_p2_in_the_api(api, p1_supervisor, people):
    client = api(p1_supervisor)
    names = {s["name"] for s in client.get("/api/org/staff/").json()["results"]}
    assert "翠湖专员" in names
    assert "金融中心专员" not in names
    res = client.get(f"/api/org/staff/{people['p2'].pk}/")
    assert res.status_code == 404
    assert res.json()["code"] == "not_found"
    projects = [p["code"] for p in client.get("/api/org/projects/").json()["results"]]
    assert projects == ["P1"]


def test_p1_supervisor_project_and_department_pages(client, org, p1_supervisor):
    client.force_login(p1_supervisor)
    assert client.get(reverse("org:project_detail", args=[org["p2"].pk])).status_code == 404
    p2_dept = org["departments"][("P2", DepartmentKind.ENGINEERING)]
    assert client.get(reverse("org:department_detail", args=[p2_dept.pk])).status_code == 404
    listing = client.get(reverse("org:project_list")).content.decode()
    assert "翠湖花园" in listing and "金融中心" not in listing


def test_filter_choices_offer_only_the_visible_projects(client, org, p1_supervisor):
    client.force_login(p1_supervisor)
    form = client.get(reverse("org:staff_list")).context["filter"].form
    assert list(form.fields["project"].queryset) == [org["p1"]]
    assert {d.project_id for d in form.fields["department"].queryset} == {org["p1"].pk}


def test_covered_projects_widen_the_scope(client, org, make_user, people):
    supervisor = make_user("cs_supervisor", project="P1")
    supervisor.staff.extra_projects.add(org["p2"])
    client.force_login(supervisor)
    assert client.get(reverse("org:staff_detail", args=[people["p2"].pk])).status_code == 200


def test_cs_manager_sees_every_project(client, make_user, people):
    client.force_login(make_user("cs_manager"))
    page = client.get(reverse("org:staff_list")).content.decode()
    assert "翠湖专员" in page and "金融中心专员" in page


@pytest.fixture
def p1_staff_editor(make_user):
    """A custom group (an administrator may add one) that edits staff but only in P1."""
    user = make_user("cs_supervisor", project="P1")
    group = Group.objects.create(name="项目人事")
    group.permissions.set(
        Permission.objects.filter(
            content_type__app_label="org", codename__in=["add_staff", "change_staff"]
        )
    )
    user.groups.add(group)
    from django.contrib.auth.models import User

    return User.objects.get(pk=user.pk)


def test_scoped_editor_cannot_edit_or_move_staff_out_of_scope(
    client, api, org, people, p1_staff_editor
):
    client.force_login(p1_staff_editor)
    assert client.get(reverse("org:staff_edit", args=[people["p2"].pk])).status_code == 404
    assert client.get(reverse("org:staff_edit", args=[people["p1"].pk])).status_code == 200

    rest = api(p1_staff_editor)
    res = rest.patch(f"/api/org/staff/{people['p2'].pk}/", {"position": "x"}, format="json")
    assert res.status_code == 404

    p2_dept = org["departments"][("P2", DepartmentKind.CUSTOMER_SERVICE)]
    res = rest.patch(
        f"/api/org/staff/{people['p1'].pk}/", {"department": p2_dept.pk}, format="json"
    )
    assert res.status_code == 400
    assert list(res.json()["errors"]) == ["department"]
    res = rest.post(
        "/api/org/staff/",
        {
            "employee_no": "X1",
            "name": "越权",
            "department": p2_dept.pk,
            "position": "客服专员",
        },
        format="json",
    )
    assert res.status_code == 400
    assert not Staff.objects.filter(employee_no="X1").exists()

    res = client.post(
        reverse("org:staff_edit", args=[people["p1"].pk]),
        {
            "employee_no": people["p1"].employee_no,
            "name": "翠湖专员",
            "department": p2_dept.pk,
            "position": "客服专员",
            "hire_date": "2024-03-01",
            "is_active": "on",
        },
    )
    assert res.status_code == 200
    assert "department" in res.context["form"].errors
    people["p1"].refresh_from_db()
    assert people["p1"].department.project == org["p1"]


def test_a_write_that_leaves_the_scope_is_rolled_back(client, org, make_user):
    """NetBox's re-check after write: a P1-only person may not create a project they could not
    see afterwards (it would belong to no project of theirs)."""
    user = make_user("cs_supervisor", project="P1")
    group = Group.objects.create(name="项目登记")
    group.permissions.set(
        Permission.objects.filter(content_type__app_label="org", codename="add_project")
    )
    user.groups.add(group)
    client.force_login(user)
    res = client.post(
        reverse("org:project_add"),
        {
            "organisation": org["organisation"].pk,
            "code": "P9",
            "name": "越权项目",
            "kind": "residential",
            "is_active": "on",
        },
    )
    assert res.status_code == 200
    assert res.context["form"].non_field_errors() == ["保存后的记录将不在您的权限范围内，未保存。"]
    assert res.context.get("object") is None
    assert not Project.objects.filter(code="P9").exists()


@pytest.fixture
def head_office(org):
    return {
        "finance": Department.objects.create(
            organisation=org["organisation"], name="财务部", kind=DepartmentKind.FINANCE
        ),
        "cs": Department.objects.create(
            organisation=org["organisation"], name="客服中心", kind=DepartmentKind.CUSTOMER_SERVICE
        ),
    }


def test_head_office_departments_and_their_uncommitted_staff_are_visible_to_all(
    p1_supervisor, head_office
):
    accountant = Staff.objects.create(
        employee_no="HQ01", name="总部会计", department=head_office["finance"], position="会计"
    )
    assert set(Staff.objects.restrict(p1_supervisor)) >= {accountant}
    assert head_office["finance"] in set(Department.objects.restrict(p1_supervisor))


def test_head_office_staff_covering_a_project_are_seen_only_there(org, make_user, head_office):
    covering_p2 = Staff.objects.create(
        employee_no="HQ02", name="金融中心主管", department=head_office["cs"], position="客服主管"
    )
    covering_p2.extra_projects.add(org["p2"])
    p1_view = Staff.objects.restrict(make_user("cs_supervisor", project="P1"))
    p2_view = Staff.objects.restrict(make_user("cs_supervisor", project="P2"))
    assert covering_p2 not in p1_view
    assert covering_p2 in p2_view
    assert p2_view.filter(pk=covering_p2.pk).count() == 1  # no duplicate rows from the join
