"""The organisation API: CRUD, brief nested representations, validation errors, masking, /me."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kefu.org.choices import DepartmentKind
from kefu.org.models import Department, Organisation, Project, Staff

pytestmark = pytest.mark.django_db

VALIDATION_MESSAGE = "提交的数据有误，请检查标出的字段。"


def url(name: str, *args) -> str:
    return reverse(f"org-api:{name}", args=args)


@pytest.fixture
def admin_api(api, admin_user_kefu):
    return api(admin_user_kefu)


def test_routes_are_kebab_case_plurals_under_api_org():
    assert url("organisation-list") == "/api/org/organisations/"
    assert url("project-list") == "/api/org/projects/"
    assert url("department-list") == "/api/org/departments/"
    assert url("staff-list") == "/api/org/staff/"
    assert url("me") == "/api/org/me/"
    assert url("api-root") == "/api/org/"


def test_project_crud(admin_api, org):
    company = org["organisation"]
    res = admin_api.post(
        url("project-list"),
        {
            "organisation": company.pk,
            "code": "P3",
            "name": "滨江壹号",
            "kind": "commercial",
            "service_phone": "021-6888 1234",
        },
        format="json",
    )
    assert res.status_code == 201, res.json()
    body = res.json()
    assert body["organisation"] == {"id": company.pk, "name": "测试物业服务有限公司"}
    assert body["kind_display"] == "商业/写字楼"
    pk = body["id"]

    res = admin_api.patch(url("project-detail", pk), {"name": "滨江壹号广场"}, format="json")
    assert res.status_code == 200
    assert Project.objects.get(pk=pk).name == "滨江壹号广场"

    res = admin_api.get(url("project-list"))
    assert [p["code"] for p in res.json()["results"]] == ["P1", "P2", "P3"]

    assert admin_api.delete(url("project-detail", pk)).status_code == 204
    assert not Project.objects.filter(pk=pk).exists()


def test_department_crud_takes_organisation_from_project(admin_api, org, make_staff):
    head = make_staff("何经理")
    res = admin_api.post(
        url("department-list"),
        {
            "project": org["p1"].pk,
            "name": "保洁部",
            "kind": "cleaning",
            "head": head.pk,
        },
        format="json",
    )
    assert res.status_code == 201, res.json()
    body = res.json()
    assert body["organisation"] == {"id": org["organisation"].pk, "name": "测试物业服务有限公司"}
    assert body["project"] == {"id": org["p1"].pk, "code": "P1", "name": "翠湖花园"}
    assert body["head"] == {"id": head.pk, "employee_no": head.employee_no, "name": "何经理"}
    assert body["kind_display"] == "保洁部"

    res = admin_api.put(
        url("department-detail", body["id"]),
        {
            "organisation": org["organisation"].pk,
            "project": None,
            "name": "财务部",
            "kind": "finance",
            "head": None,
        },
        format="json",
    )
    assert res.status_code == 200, res.json()
    assert res.json()["project"] is None
    dept = Department.objects.get(pk=body["id"])
    assert (dept.project_id, dept.name, dept.head_id) == (None, "财务部", None)

    assert admin_api.delete(url("department-detail", dept.pk)).status_code == 204


def test_department_without_organisation_or_project_is_refused(admin_api, org):
    res = admin_api.post(
        url("department-list"), {"name": "绿化部", "kind": "greening"}, format="json"
    )
    assert res.status_code == 400
    assert res.json() == {
        "code": "validation_error",
        "message": VALIDATION_MESSAGE,
        "errors": {"organisation": ["请选择公司或项目。"]},
    }


def test_duplicate_department_name_answers_in_chinese(admin_api, org):
    res = admin_api.post(
        url("department-list"),
        {
            "project": org["p1"].pk,
            "name": "客服部",
            "kind": "cs",
        },
        format="json",
    )
    assert res.status_code == 400
    body = res.json()
    assert body["code"] == "validation_error"
    assert body["errors"] == {"non_field_errors": ["该项目下已有同名部门。"]}


def test_staff_crud_with_brief_nested_output(admin_api, org, make_staff):
    boss = make_staff("孙主管", position="客服主管")
    dept = org["departments"][("P1", DepartmentKind.CUSTOMER_SERVICE)]
    res = admin_api.post(
        url("staff-list"),
        {
            "employee_no": "KF0101",
            "name": "王芳",
            "department": dept.pk,
            "position": "客服专员",
            "level": "junior",
            "supervisor": boss.pk,
            "phone": "+86 139 1234 5678",
            "hire_date": "2025-07-01",
            "extra_projects": [org["p2"].pk],
        },
        format="json",
    )
    assert res.status_code == 201, res.json()
    body = res.json()
    assert body["department"] == {"id": dept.pk, "name": "客服部"}
    assert body["project"] == {"id": org["p1"].pk, "code": "P1", "name": "翠湖花园"}
    assert body["supervisor"] == {"id": boss.pk, "employee_no": boss.employee_no, "name": "孙主管"}
    assert body["extra_projects"] == [{"id": org["p2"].pk, "code": "P2", "name": "金融中心"}]
    assert body["phone"] == "13912345678"  # normalised by Staff.clean
    assert body["level_display"] == "初级"
    assert body["user"] is None
    staff = Staff.objects.get(pk=body["id"])
    assert staff.phone == "13912345678"
    assert staff.project_ids() == {org["p1"].pk, org["p2"].pk}

    # a brief object with an id is accepted back as a reference
    res = admin_api.patch(
        url("staff-detail", staff.pk),
        {
            "supervisor": None,
            "department": {"id": dept.pk},
            "is_active": False,
            "leave_date": "2026-01-31",
        },
        format="json",
    )
    assert res.status_code == 200, res.json()
    staff.refresh_from_db()
    assert (staff.supervisor_id, staff.is_active, str(staff.leave_date)) == (
        None,
        False,
        "2026-01-31",
    )

    res = admin_api.get(url("staff-detail", staff.pk))
    assert res.json()["employee_no"] == "KF0101"
    assert admin_api.delete(url("staff-detail", staff.pk)).status_code == 204
    assert not Staff.objects.filter(pk=staff.pk).exists()


def test_staff_validation_errors_use_the_shared_format(admin_api, org):
    dept = org["departments"][("P1", DepartmentKind.CUSTOMER_SERVICE)]
    res = admin_api.post(
        url("staff-list"),
        {
            "employee_no": "KF0102",
            "department": dept.pk,
            "position": "客服专员",
            "phone": "12345",
            "hire_date": "2025-07-01",
            "leave_date": "2025-06-30",
        },
        format="json",
    )
    assert res.status_code == 400
    body = res.json()
    assert body["code"] == "validation_error"
    assert body["message"] == VALIDATION_MESSAGE
    assert body["errors"] == {  # field-level errors; the model rules wait until these pass
        "name": ["该字段是必填项。"],
        "phone": ["电话号码格式不正确：手机号为 11 位数字，座机为“区号-号码”。"],
    }

    res = admin_api.post(
        url("staff-list"),
        {
            "employee_no": "KF0102",
            "name": "赵磊",
            "department": dept.pk,
            "position": "客服专员",
            "phone": "13912345678",
            "hire_date": "2025-07-01",
            "leave_date": "2025-06-30",
            "level": "expert",
        },
        format="json",
    )
    assert res.status_code == 400
    assert res.json()["errors"] == {"level": ["“expert” 不是合法选项。"]}

    res = admin_api.post(
        url("staff-list"),
        {
            "employee_no": "KF0102",
            "name": "赵磊",
            "department": dept.pk,
            "position": "客服专员",
            "phone": "13912345678",
            "hire_date": "2025-07-01",
            "leave_date": "2025-06-30",
        },
        format="json",
    )
    assert res.status_code == 400
    assert res.json()["errors"] == {"leave_date": ["离职日期不能早于入职日期。"]}
    assert not Staff.objects.filter(employee_no="KF0102").exists()


def test_duplicate_employee_number_is_refused(admin_api, org, make_staff):
    existing = make_staff("钱伟")
    dept = org["departments"][("P1", DepartmentKind.CUSTOMER_SERVICE)]
    res = admin_api.post(
        url("staff-list"),
        {
            "employee_no": existing.employee_no,
            "name": "钱伟二",
            "department": dept.pk,
            "position": "客服专员",
        },
        format="json",
    )
    assert res.status_code == 400
    assert list(res.json()["errors"]) == ["employee_no"]


def test_supervisor_cycle_is_refused_by_the_api(admin_api, make_staff):
    director = make_staff("周总监")
    manager = make_staff("吴经理", supervisor=director)
    res = admin_api.patch(
        url("staff-detail", director.pk), {"supervisor": manager.pk}, format="json"
    )
    assert res.status_code == 400
    assert res.json()["errors"] == {"supervisor": ["上下级关系不能形成循环。"]}
    director.refresh_from_db()
    assert director.supervisor_id is None


def test_supervisor_from_another_organisation_is_refused(admin_api, make_staff):
    other = Organisation.objects.create(name="另一家物业公司")
    project = Project.objects.create(organisation=other, code="X1", name="外部项目")
    dept = Department.objects.create(
        organisation=other, project=project, name="客服部", kind=DepartmentKind.CUSTOMER_SERVICE
    )
    outsider = make_staff("外部主管", department=dept)
    agent = make_staff("李娜")
    res = admin_api.patch(url("staff-detail", agent.pk), {"supervisor": outsider.pk}, format="json")
    assert res.status_code == 400
    assert res.json()["errors"] == {"supervisor": ["直接上级必须是同一公司的员工。"]}


def test_deleting_a_department_with_staff_is_a_conflict(admin_api, org, make_staff):
    make_staff("郑专员")
    dept = org["departments"][("P1", DepartmentKind.CUSTOMER_SERVICE)]
    res = admin_api.delete(url("department-detail", dept.pk))
    assert res.status_code == 409
    body = res.json()
    assert body["code"] == "conflict"
    assert "员工" in body["message"] and "不能删除" in body["message"]
    assert Department.objects.filter(pk=dept.pk).exists()


def test_staff_phone_is_masked_in_lists_for_viewers(api, make_user, make_staff):
    make_staff("王芳", phone="13912345678")
    supervisor = make_user("cs_supervisor")
    client = api(supervisor)
    listed = {s["name"]: s["phone"] for s in client.get(url("staff-list")).json()["results"]}
    assert listed["王芳"] == "139****5678"
    pk = Staff.objects.get(name="王芳").pk
    assert client.get(url("staff-detail", pk)).json()["phone"] == "13912345678"


def test_staff_phone_is_whole_in_lists_for_staff_editors(admin_api, make_staff):
    make_staff("王芳", phone="13912345678")
    listed = {s["name"]: s["phone"] for s in admin_api.get(url("staff-list")).json()["results"]}
    assert listed["王芳"] == "13912345678"


def test_staff_list_filters(admin_api, org, make_staff):
    make_staff("王芳", phone="13912345678", level="senior")
    make_staff("王强", project="P2", kind=DepartmentKind.ENGINEERING, position="维修工程师")
    make_staff("李静", is_active=False)

    def names(**params):
        res = admin_api.get(url("staff-list"), params)
        assert res.status_code == 200, res.json()
        return sorted(s["name"] for s in res.json()["results"])

    assert names(q="王") == ["王强", "王芳"]
    assert names(q="5678") == ["王芳"]
    assert names(project=org["p2"].pk) == ["王强"]
    assert names(kind="engineering") == ["王强"]
    assert names(level="senior") == ["王芳"]
    assert names(is_active="false") == ["李静"]
    assert names(position="工程师") == ["王强"]
    assert "员工" not in str(names(q="不存在的人"))


def test_list_is_keyset_paginated(admin_api, make_staff):
    for i in range(5):
        make_staff(f"员工{i}", employee_no=f"K{i:03d}")
    res = admin_api.get(url("staff-list"), {"page_size": 2, "q": "K"})
    body = res.json()
    assert [s["employee_no"] for s in body["results"]] == ["K000", "K001"]
    assert "cursor=" in body["next"]
    second = admin_api.get(body["next"]).json()
    assert [s["employee_no"] for s in second["results"]] == ["K002", "K003"]
    third = admin_api.get(second["next"]).json()
    assert [s["employee_no"] for s in third["results"]] == ["K004"]
    assert third["next"] is None


def test_me_returns_staff_roles_and_projects(api, org, make_user):
    supervisor = make_user("cs_supervisor")
    res = api(supervisor).get(url("me"))
    assert res.status_code == 200
    body = res.json()
    assert body["username"] == supervisor.username
    assert body["roles"] == [{"code": "cs_supervisor", "name": "客服主管"}]
    assert body["all_projects"] is False
    assert body["project_ids"] == [org["p1"].pk]
    assert body["staff"]["department"]["name"] == "客服部"
    assert body["staff"]["project"]["code"] == "P1"
    assert "org.view_staff" in body["permissions"]
    assert "org.add_staff" not in body["permissions"]


def test_me_for_an_administrator_covers_every_project(api, admin_user_kefu):
    body = api(admin_user_kefu).get(url("me")).json()
    assert body["roles"] == [{"code": "administrator", "name": "系统管理员"}]
    assert (body["all_projects"], body["project_ids"]) == (True, None)


def test_me_requires_authentication(api, db):
    res = api().get(url("me"))
    assert res.status_code in (401, 403)
    assert res.json()["code"] == "not_authenticated"


def test_openapi_schema_describes_brief_fields(admin_api):
    from django.urls import include, path
    from drf_spectacular.generators import SchemaGenerator

    generator = SchemaGenerator(patterns=[path("api/org/", include("kefu.org.api.urls"))])
    schema = generator.get_schema(request=None, public=True)
    paths = schema["paths"]
    assert {"/api/org/staff/", "/api/org/staff/{id}/", "/api/org/me/"} <= set(paths)
    staff = schema["components"]["schemas"]["Staff"]["properties"]
    assert staff["department"]["type"] == "object"
    assert set(staff["department"]["properties"]) == {"id", "name"}
    request = schema["components"]["schemas"]["StaffRequest"]["properties"]
    assert request["department"]["type"] == "integer"
    params = {p["name"] for p in paths["/api/org/staff/"]["get"]["parameters"]}
    assert {"q", "project", "department", "level", "is_active", "cursor"} <= params
