"""Model rules: reporting lines form a tree inside one organisation; dates and phones."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from kefu.org.choices import DepartmentKind
from kefu.org.models import Department, Organisation, Project, Staff

pytestmark = pytest.mark.django_db


def errors_of(obj) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as exc:
        obj.full_clean()
    return exc.value.message_dict


def test_supervisor_cycle_is_refused(make_staff):
    director = make_staff("周总监")
    manager = make_staff("吴经理", supervisor=director)
    agent = make_staff("郑专员", supervisor=manager)

    director.supervisor = agent  # 周 → 郑 → 吴 → 周
    assert errors_of(director) == {"supervisor": ["上下级关系不能形成循环。"]}

    director.supervisor = manager  # two-step cycle
    assert errors_of(director) == {"supervisor": ["上下级关系不能形成循环。"]}


def test_supervisor_cannot_be_oneself(make_staff):
    agent = make_staff("王芳")
    agent.supervisor = agent
    assert errors_of(agent) == {"supervisor": ["直接上级不能是本人。"]}


def test_supervisor_must_be_in_the_same_organisation(org, make_staff):
    other = Organisation.objects.create(name="另一家物业公司")
    other_project = Project.objects.create(organisation=other, code="X1", name="外部项目")
    other_dept = Department.objects.create(
        organisation=other,
        project=other_project,
        name="客服部",
        kind=DepartmentKind.CUSTOMER_SERVICE,
    )
    outsider = make_staff("外部主管", department=other_dept)
    agent = make_staff("李娜")
    agent.supervisor = outsider
    assert errors_of(agent) == {"supervisor": ["直接上级必须是同一公司的员工。"]}

    colleague_in_p2 = make_staff("跨项目主管", project="P2")
    agent.supervisor = colleague_in_p2
    agent.full_clean()  # another project of the same company is fine


def test_leave_date_not_before_hire_date(make_staff):
    agent = make_staff("刘洋", hire_date=datetime.date(2025, 3, 1))
    agent.leave_date = datetime.date(2025, 2, 28)
    assert errors_of(agent) == {"leave_date": ["离职日期不能早于入职日期。"]}
    agent.leave_date = datetime.date(2025, 3, 1)
    agent.full_clean()


def test_phone_is_validated_and_normalised(make_staff):
    agent = make_staff("陈静")
    agent.phone = "+86 138-0013-8000"
    agent.full_clean()
    assert agent.phone == "13800138000"
    agent.phone = "1380013800"  # ten digits
    assert "phone" in errors_of(agent)


def test_supervisor_chain_walks_up_to_the_top(make_staff):
    director = make_staff("周总监")
    manager = make_staff("吴经理", supervisor=director)
    supervisor = make_staff("孙主管", supervisor=manager)
    agent = make_staff("郑专员", supervisor=supervisor)
    assert [s.name for s in agent.supervisor_chain()] == ["孙主管", "吴经理", "周总监"]
    assert director.supervisor_chain() == []


def test_department_project_and_head_belong_to_its_organisation(org, make_staff):
    other = Organisation.objects.create(name="另一家物业公司")
    dept = Department(
        organisation=other,
        project=org["p1"],
        name="保洁部",
        kind=DepartmentKind.CLEANING,
        head=make_staff("赵主管"),
    )
    assert errors_of(dept) == {
        "project": ["项目不属于该公司。"],
        "head": ["负责人必须是本公司的员工。"],
    }


def test_department_names_are_unique_per_project_and_at_headquarters(org):
    company = org["organisation"]
    dup = Department(
        organisation=company, project=org["p1"], name="客服部", kind=DepartmentKind.CUSTOMER_SERVICE
    )
    assert "__all__" in errors_of(dup)
    Department.objects.create(organisation=company, name="财务部", kind=DepartmentKind.FINANCE)
    hq_dup = Department(organisation=company, name="财务部", kind=DepartmentKind.FINANCE)
    assert errors_of(hq_dup) == {"__all__": ["公司总部已有同名部门。"]}


def test_project_ids_are_department_project_plus_covered_projects(org, make_staff):
    agent = make_staff("钱主管")
    assert agent.project_ids() == {org["p1"].pk}
    agent.extra_projects.add(org["p2"])
    assert agent.project_ids() == {org["p1"].pk, org["p2"].pk}
    hq = Department.objects.create(
        organisation=org["organisation"], name="法务部", kind=DepartmentKind.LEGAL
    )
    lawyer = make_staff("冯律师", department=hq)
    assert lawyer.project_ids() == set()
    assert str(lawyer) == f"冯律师（{lawyer.employee_no}）"
    assert Staff.objects.get(pk=lawyer.pk).organisation == org["organisation"]
