"""The FilterSets shared by UI and API, exercised directly."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from kefu.org.choices import DepartmentKind
from kefu.org.filtersets import DepartmentFilterSet, ProjectFilterSet, StaffFilterSet
from kefu.org.models import Department, Project, Staff

pytestmark = pytest.mark.django_db


def run(filterset_class, user, **params):
    request = RequestFactory().get("/", params)
    request.user = user
    model = filterset_class._meta.model
    fs = filterset_class(params, queryset=model.objects.restrict(user), request=request)
    assert fs.is_valid(), fs.errors
    return fs.qs


def test_staff_search_by_name_number_and_phone(admin_user_kefu, make_staff):
    make_staff("王芳", employee_no="KF0007", phone="13912345678")
    make_staff("李强", employee_no="GC0100", phone="021-62345678")

    def names(q):
        return sorted(run(StaffFilterSet, admin_user_kefu, q=q).values_list("name", flat=True))

    assert names("王") == ["王芳"]
    assert names("kf0007") == ["王芳"]
    assert names("139 1234") == ["王芳"]  # spaces as people type them
    assert names("+86 13912345678") == ["王芳"]
    assert names("5678") == ["李强", "王芳"]
    assert names("   ") == sorted(Staff.objects.values_list("name", flat=True))


def test_staff_filters_by_project_department_and_kind(org, admin_user_kefu, make_staff):
    make_staff("翠湖客服")
    make_staff("翠湖工程", kind=DepartmentKind.ENGINEERING)
    make_staff("金融工程", project="P2", kind=DepartmentKind.ENGINEERING)
    engineering_p2 = org["departments"][("P2", DepartmentKind.ENGINEERING)]

    by_name = run(StaffFilterSet, admin_user_kefu, q="翠湖")
    assert set(by_name.values_list("name", flat=True)) == {"翠湖客服", "翠湖工程"}
    both = run(StaffFilterSet, admin_user_kefu, kind="engineering")
    assert set(both.values_list("name", flat=True)) == {"翠湖工程", "金融工程"}
    only_p2 = run(StaffFilterSet, admin_user_kefu, department=engineering_p2.pk)
    assert list(only_p2.values_list("name", flat=True)) == ["金融工程"]
    p1 = run(StaffFilterSet, admin_user_kefu, project=org["p1"].pk, kind="engineering")
    assert list(p1.values_list("name", flat=True)) == ["翠湖工程"]


def test_a_scoped_person_cannot_filter_for_another_project(org, make_user):
    supervisor = make_user("cs_supervisor", project="P1")
    request = RequestFactory().get("/", {"project": org["p2"].pk})
    request.user = supervisor
    fs = StaffFilterSet(
        {"project": org["p2"].pk}, queryset=Staff.objects.restrict(supervisor), request=request
    )
    assert not fs.is_valid()
    assert "project" in fs.errors


def test_department_filters(org, admin_user_kefu):
    Department.objects.create(
        organisation=org["organisation"], name="财务部", kind=DepartmentKind.FINANCE
    )
    hq = run(DepartmentFilterSet, admin_user_kefu, headquarters="true")
    assert list(hq.values_list("name", flat=True)) == ["财务部"]
    p2 = run(DepartmentFilterSet, admin_user_kefu, project=org["p2"].pk)
    assert sorted(p2.values_list("name", flat=True)) == ["客服部", "工程部"]
    assert run(DepartmentFilterSet, admin_user_kefu, q="工程").count() == 2


def test_project_filters(org, admin_user_kefu):
    Project.objects.create(
        organisation=org["organisation"],
        code="P3",
        name="旧项目",
        kind="commercial",
        is_active=False,
    )

    def codes(**params) -> list[str]:
        qs = run(ProjectFilterSet, admin_user_kefu, **params)
        return list(qs.order_by("code").values_list("code", flat=True))

    assert codes(is_active="false") == ["P3"]
    assert codes(kind="commercial") == ["P3"]
    assert codes(q="翠湖") == ["P1"]
    assert codes(q="p2") == ["P2"]
