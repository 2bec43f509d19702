"""FilterSets shared by the web UI and the API (one per model, NetBox style).

Choice querysets are callables of the request, so a person limited to their own projects is
offered only those projects and departments in a filter, in the UI and in the API alike.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from kefu.core.validators import normalize_phone
from kefu.org.choices import CareerLevel, DepartmentKind, ProjectKind
from kefu.org.models import Department, Organisation, Project, Staff

__all__ = ["DepartmentFilterSet", "OrganisationFilterSet", "ProjectFilterSet", "StaffFilterSet"]

ACTIVE_CHOICES = (("true", _("是")), ("false", _("否")))


def _user(request):
    return getattr(request, "user", None)


def organisations(request) -> QuerySet[Organisation]:
    user = _user(request)
    return Organisation.objects.restrict(user) if user else Organisation.objects.none()


def projects(request) -> QuerySet[Project]:
    user = _user(request)
    return Project.objects.restrict(user) if user else Project.objects.none()


def departments(request) -> QuerySet[Department]:
    user = _user(request)
    if not user:
        return Department.objects.none()
    return Department.objects.restrict(user).select_related("project")


def staff(request) -> QuerySet[Staff]:
    user = _user(request)
    return Staff.objects.restrict(user) if user else Staff.objects.none()


class BootstrapFilterForm(forms.Form):
    """Filter forms render as compact Bootstrap controls."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            css = (
                "form-select form-select-sm"
                if isinstance(widget, forms.Select)
                else ("form-control form-control-sm")
            )
            widget.attrs.setdefault("class", css)


class KefuFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("搜索"))

    search_fields: tuple[str, ...] = ()
    search_placeholder = _("搜索")

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        condition = Q()
        for field in self.search_fields:
            condition |= Q(**{f"{field}__icontains": value})
        return queryset.filter(condition)


class OrganisationFilterSet(KefuFilterSet):
    search_fields = ("name", "short_name")

    class Meta:
        model = Organisation
        fields = ["q"]
        form = BootstrapFilterForm


class ProjectFilterSet(KefuFilterSet):
    organisation = django_filters.ModelChoiceFilter(queryset=organisations, label=_("公司"))
    kind = django_filters.ChoiceFilter(choices=ProjectKind.choices, label=_("类型"))
    is_active = django_filters.BooleanFilter(
        label=_("启用"), widget=forms.Select(choices=(("", "---------"), *ACTIVE_CHOICES))
    )

    search_fields = ("code", "name", "address")
    search_placeholder = _("项目编码、名称或地址")

    class Meta:
        model = Project
        fields = ["q", "organisation", "kind", "is_active"]
        form = BootstrapFilterForm


class DepartmentFilterSet(KefuFilterSet):
    organisation = django_filters.ModelChoiceFilter(queryset=organisations, label=_("公司"))
    project = django_filters.ModelChoiceFilter(queryset=projects, label=_("项目"))
    headquarters = django_filters.BooleanFilter(
        field_name="project",
        lookup_expr="isnull",
        label=_("总部部门"),
        widget=forms.Select(choices=(("", "---------"), *ACTIVE_CHOICES)),
    )
    kind = django_filters.ChoiceFilter(choices=DepartmentKind.choices, label=_("类别"))

    search_fields = ("name",)
    search_placeholder = _("部门名称")

    class Meta:
        model = Department
        fields = ["q", "organisation", "project", "headquarters", "kind"]
        form = BootstrapFilterForm


class StaffFilterSet(KefuFilterSet):
    """Search ``q`` matches name, employee number or phone (digits as typed, ``+86`` ignored)."""

    project = django_filters.ModelChoiceFilter(
        queryset=projects, field_name="department__project", label=_("项目")
    )
    department = django_filters.ModelChoiceFilter(queryset=departments, label=_("部门"))
    kind = django_filters.ChoiceFilter(
        choices=DepartmentKind.choices, field_name="department__kind", label=_("部门类别")
    )
    position = django_filters.CharFilter(lookup_expr="icontains", label=_("岗位"))
    level = django_filters.ChoiceFilter(choices=CareerLevel.choices, label=_("职级"))
    supervisor = django_filters.NumberFilter(
        field_name="supervisor_id", label=_("直接上级"), widget=forms.HiddenInput
    )
    is_active = django_filters.BooleanFilter(
        label=_("在职"), widget=forms.Select(choices=(("", "---------"), *ACTIVE_CHOICES))
    )

    search_fields = ("name", "employee_no")
    search_placeholder = _("姓名、工号或手机号")

    class Meta:
        model = Staff
        fields = [
            "q",
            "project",
            "department",
            "kind",
            "position",
            "level",
            "is_active",
            "supervisor",
        ]
        form = BootstrapFilterForm

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        condition = Q(name__icontains=value) | Q(employee_no__icontains=value)
        phone = normalize_phone(value)
        if phone and any(ch.isdigit() for ch in phone):
            condition |= Q(phone__contains=phone)
        return queryset.filter(condition)
