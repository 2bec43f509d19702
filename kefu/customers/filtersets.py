"""FilterSets shared by the web UI and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kefu.customers.choices import CustomerGrade, CustomerKind, UnitKind, UnitStatus
from kefu.customers.lookup import match_query
from kefu.customers.models import Building, Customer, Unit
from kefu.org.models import Project


def _projects(request):
    if request is None:
        return Project.objects.none()
    return Project.objects.restrict(request.user)


def _buildings(request):
    if request is None:
        return Building.objects.none()
    return Building.objects.restrict(request.user).select_related("project")


class CustomerFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("电话/姓名/房号"))
    project = django_filters.ModelChoiceFilter(queryset=_projects, label=_("项目"))
    kind = django_filters.ChoiceFilter(choices=CustomerKind.choices, label=_("客户类型"))
    grade = django_filters.ChoiceFilter(choices=CustomerGrade.choices, label=_("等级"))
    is_key_account = django_filters.BooleanFilter(label=_("大客户"))
    unit = django_filters.NumberFilter(
        field_name="unit_links__unit", distinct=True, label=_("房屋 ID")
    )

    class Meta:
        model = Customer
        fields = ["q", "project", "kind", "grade", "is_key_account", "is_active"]

    def search(self, queryset, name, value):
        match = match_query(value)
        return queryset.filter(match) if match is not None else queryset


class UnitFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("房号"))
    project = django_filters.ModelChoiceFilter(queryset=_projects, label=_("项目"))
    building = django_filters.ModelChoiceFilter(queryset=_buildings, label=_("楼栋"))
    status = django_filters.ChoiceFilter(choices=UnitStatus.choices, label=_("状态"))
    kind = django_filters.ChoiceFilter(choices=UnitKind.choices, label=_("类型"))

    class Meta:
        model = Unit
        fields = ["q", "project", "building", "status", "kind"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(code__icontains=value.strip()) | Q(number=value.strip()))


class BuildingFilterSet(django_filters.FilterSet):
    project = django_filters.ModelChoiceFilter(queryset=_projects, label=_("项目"))

    class Meta:
        model = Building
        fields = ["project", "code"]
