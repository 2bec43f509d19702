"""Web pages of the organisation: lists, details, forms and their Chinese error messages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kefu.org.choices import DepartmentKind
from kefu.org.models import Department, Project, Staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, admin_user_kefu):
    client.force_login(admin_user_kefu)
    return client


@pytest.fixture
def team(make_staff):
    director = make_staff("周总监", position="客服经理", phone="13800000001")
    supervisor = make_staff("孙主管", position="客服主管", supervisor=director, level="senior")
    agents = [make_staff(f"专员{i}", supervisor=supervisor, level="junior") for i in range(3)]
    return {"director": director, "supervisor": supervisor, "agents": agents}


def test_navigation_link_exists():
    assert reverse("org:staff_list") == "/org/"


def test_staff_list_shows_department_position_level_supervisor(admin_client, team):
    res = admin_client.get(reverse("org:staff_list"))
    assert res.status_code == 200
    page = res.content.decode()
    for text in ("孙主管", "客服主管", "高级", "初级", "周总监", "客服部", "翠湖花园"):
        assert text in page
    assert "13800000001" in page  # administrator may change staff: full number
    assert 'class="table-container table-responsive"' in page


def test_staff_list_masks_phones_for_viewers(client, make_user, team):
    client.force_login(make_user("cs_agent"))
    page = client.get(reverse("org:staff_list")).content.decode()
    assert "138****0001" in page and "13800000001" not in page


def test_staff_list_filters_by_position_level_and_activity(admin_client, team, make_staff):
    make_staff("已离职员工", is_active=False, position="客服专员")

    def names(**params) -> set[str]:
        res = admin_client.get(reverse("org:staff_list"), params)
        return {row.record.name for row in res.context["table"].paginated_rows}

    assert names(position="主管") == {"孙主管"}
    assert names(level="junior") == {"专员0", "专员1", "专员2"}
    assert names(is_active="false") == {"已离职员工"}
    assert names(supervisor=team["supervisor"].pk) == {"专员0", "专员1", "专员2"}
    assert names(q="周") == {"周总监"}


def test_staff_list_has_no_n_plus_1(admin_client, org, make_staff, django_assert_max_num_queries):
    boss = make_staff("总监")
    for i in range(60):  # more than one page, every row with department, project, supervisor
        make_staff(
            f"员工{i:02d}",
            project="P1" if i % 2 else "P2",
            supervisor=boss,
            kind=DepartmentKind.ENGINEERING if i % 3 else DepartmentKind.CUSTOMER_SERVICE,
        )
    admin_client.get(reverse("org:staff_list"))  # warm the session and permission caches
    with django_assert_max_num_queries(14):
        res = admin_client.get(reverse("org:staff_list"))
    assert len(res.context["table"].paginated_rows) == 50


def test_staff_detail_shows_chain_and_reports(admin_client, team):
    res = admin_client.get(reverse("org:staff_detail", args=[team["supervisor"].pk]))
    page = res.content.decode()
    chain = page.split('id="supervisor-chain"')[1].split("</ol>")[0]
    assert "周总监" in chain
    reports = page.split('id="direct-reports"')[1].split("</ul>")[0]
    assert [f"专员{i}" in reports for i in range(3)] == [True, True, True]
    assert reverse("org:staff_edit", args=[team["supervisor"].pk]) in page

    res = admin_client.get(reverse("org:staff_detail", args=[team["agents"][0].pk]))
    chain = res.content.decode().split('id="supervisor-chain"')[1].split("</ol>")[0]
    assert chain.index("孙主管") < chain.index("周总监")


def test_staff_form_refuses_a_cycle_in_chinese(admin_client, team):
    director = team["director"]
    res = admin_client.post(
        reverse("org:staff_edit", args=[director.pk]),
        {
            "employee_no": director.employee_no,
            "name": director.name,
            "department": director.department_id,
            "position": director.position,
            "supervisor": team["agents"][0].pk,
            "hire_date": "2024-03-01",
            "is_active": "on",
        },
    )
    assert res.status_code == 200
    assert res.context["form"].errors == {"supervisor": ["上下级关系不能形成循环。"]}
    assert "上下级关系不能形成循环。" in res.content.decode()
    director.refresh_from_db()
    assert director.supervisor_id is None


def test_staff_form_does_not_offer_oneself_as_supervisor(admin_client, team):
    res = admin_client.get(reverse("org:staff_edit", args=[team["director"].pk]))
    choices = res.context["form"].fields["supervisor"].queryset
    assert team["director"] not in choices
    assert team["supervisor"] in choices


def test_staff_form_messages_are_chinese(admin_client, org):
    res = admin_client.post(
        reverse("org:staff_add"),
        {
            "employee_no": "",
            "name": "钱七",
            "phone": "12345",
            "hire_date": "2025-13-01",
        },
    )
    assert res.status_code == 200
    errors = res.context["form"].errors
    assert errors["employee_no"] == ["该字段是必填项。"]
    assert errors["department"] == ["该字段是必填项。"]
    assert errors["phone"] == ["电话号码格式不正确：手机号为 11 位数字，座机为“区号-号码”。"]
    assert errors["hire_date"] == ["输入一个有效的日期。"]
    assert "提交的数据有误" in res.content.decode()
    assert not Staff.objects.filter(name="钱七").exists()


def test_staff_add_prefills_department(admin_client, org):
    dept = org["departments"][("P2", DepartmentKind.ENGINEERING)]
    res = admin_client.get(reverse("org:staff_add"), {"department": dept.pk})
    assert res.context["form"].initial["department"] == dept.pk


def test_project_pages_and_forms(admin_client, org, make_staff):
    head = make_staff("何经理")
    dept = org["departments"][("P1", DepartmentKind.CUSTOMER_SERVICE)]
    dept.head = head
    dept.save()
    page = admin_client.get(reverse("org:project_detail", args=[org["p1"].pk])).content.decode()
    table = page.split('id="departments"')[1].split("</table>")[0]
    assert "客服部" in table and "工程部" in table and "何经理" in table
    assert "金融中心" not in table

    res = admin_client.post(
        reverse("org:project_add"),
        {
            "organisation": org["organisation"].pk,
            "code": "p3",
            "name": "滨江壹号",
            "kind": "residential",
            "service_phone": "400-820-8820",
            "is_active": "on",
        },
    )
    project = Project.objects.get(code="P3")
    assert res["Location"] == project.get_absolute_url()
    assert project.service_phone == "400-820-8820"

    res = admin_client.post(
        reverse("org:project_add"),
        {
            "organisation": org["organisation"].pk,
            "code": "P1",
            "name": "重复",
            "kind": "residential",
            "service_phone": "12",
        },
    )
    errors = res.context["form"].errors
    assert errors["code"] == ["具有 项目编码 的 项目 已存在。"]
    assert errors["service_phone"] == [
        "电话号码格式不正确：手机号为 11 位数字，座机为“区号-号码”。"
    ]

    assert admin_client.get(reverse("org:project_list")).status_code == 200
    res = admin_client.get(reverse("org:project_edit", args=[project.pk]))
    assert res.status_code == 200


def test_department_pages_and_forms(admin_client, org, make_staff):
    agent = make_staff("王芳", phone="13912345678")
    dept = agent.department
    page = admin_client.get(reverse("org:department_detail", args=[dept.pk])).content.decode()
    assert "王芳" in page and "13912345678" in page

    res = admin_client.post(
        reverse("org:department_add"),
        {
            "project": org["p1"].pk,
            "name": "保洁部",
            "kind": "cleaning",
        },
    )
    created = Department.objects.get(name="保洁部")
    assert res["Location"] == created.get_absolute_url()
    assert created.organisation == org["organisation"]

    res = admin_client.post(
        reverse("org:department_add"),
        {
            "project": org["p1"].pk,
            "name": "保洁部",
            "kind": "cleaning",
        },
    )
    assert res.context["form"].non_field_errors() == ["该项目下已有同名部门。"]

    res = admin_client.post(reverse("org:department_add"), {"name": "法务部", "kind": "legal"})
    assert res.context["form"].errors == {"organisation": ["请选择公司或项目。"]}

    listing = admin_client.get(reverse("org:department_list"), {"kind": "cleaning"})
    assert [r.record.name for r in listing.context["table"].paginated_rows] == ["保洁部"]


def test_admin_pages_search_and_filter(client, django_user_model, team):
    root = django_user_model.objects.create_superuser("root", password="pass-Kefu-2026")
    client.force_login(root)
    res = client.get("/admin/org/staff/", {"q": "孙主管", "is_active__exact": "1"})
    assert res.status_code == 200
    assert [s.name for s in res.context["cl"].result_list] == ["孙主管"]
    for path in (
        "/admin/org/department/",
        "/admin/org/project/",
        "/admin/org/organisation/",
        f"/admin/org/staff/{team['supervisor'].pk}/change/",
    ):
        assert client.get(path).status_code == 200, path
