"""Search and filters for work orders (issue 3 item 12), shared by the web UI and the API."""

from __future__ import annotations

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from kefu.customers.models import Building
from kefu.org.models import Department, Project
from kefu.servicedesk.choices import OrderType, Severity, Status
from kefu.servicedesk.models import Category, OrderDeadline, WorkOrder

DATE_WIDGET = django_filters.widgets.RangeWidget(attrs={"type": "date", "class": "form-control"})


def _projects(request):
    return Project.objects.restrict(request.user) if request else Project.objects.none()


def _departments(request):
    if request is None:
        return Department.objects.none()
    return Department.objects.restrict(request.user).select_related("project")


def _buildings(request):
    if request is None:
        return Building.objects.none()
    return Building.objects.restrict(request.user).select_related("project")


def _staff_users(request):
    if request is None:
        return get_user_model().objects.none()
    return (
        get_user_model()
        .objects.filter(staff__isnull=False, staff__department__in=_departments(request))
        .select_related("staff")
        .order_by("staff__name")
    )


class StaffChoiceFilter(django_filters.ModelChoiceFilter):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, queryset=_staff_users, **kwargs)

    @property
    def field(self):
        field = super().field
        field.label_from_instance = lambda u: getattr(getattr(u, "staff", None), "name", u.username)
        return field


class WorkOrderFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("工单号/摘要/电话"))
    project = django_filters.ModelChoiceFilter(queryset=_projects, label=_("项目"))
    status = django_filters.MultipleChoiceFilter(
        choices=Status.choices,
        label=_("状态"),
        widget=forms.SelectMultiple(attrs={"size": 1}),
    )
    open = django_filters.BooleanFilter(method="filter_open", label=_("未结"))
    order_type = django_filters.ChoiceFilter(choices=OrderType.choices, label=_("类型"))
    category = django_filters.ModelChoiceFilter(
        queryset=Category.objects.all(), method="filter_category", label=_("分类（含下级）")
    )
    severity = django_filters.ChoiceFilter(choices=Severity.choices, label=_("严重程度"))
    department = django_filters.ModelChoiceFilter(queryset=_departments, label=_("责任部门"))
    assignee = StaffChoiceFilter(label=_("处理人"))
    owner = StaffChoiceFilter(label=_("首问负责人"))
    building = django_filters.ModelChoiceFilter(
        field_name="unit__building", queryset=_buildings, label=_("楼栋")
    )
    unit = django_filters.CharFilter(
        field_name="unit__code", lookup_expr="icontains", label=_("房号")
    )
    received = django_filters.DateFromToRangeFilter(
        field_name="received_at", label=_("受理日期"), widget=DATE_WIDGET
    )
    breached = django_filters.BooleanFilter(method="filter_breached", label=_("已超时"))

    class Meta:
        model = WorkOrder
        fields = ["q", "project", "status", "order_type", "category", "severity", "department"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(number__icontains=value)
            | Q(title__icontains=value)
            | Q(caller_phone__contains=value)
            | Q(customer__phone__contains=value)
            | Q(customer__name__icontains=value)
        )

    def filter_open(self, queryset, name, value):
        from kefu.servicedesk.workflow import ACTIVE

        if value is None:
            return queryset
        return queryset.filter(status__in=ACTIVE) if value else queryset.exclude(status__in=ACTIVE)

    def filter_category(self, queryset, name, value):
        # The category and up to three levels below it (the tree is shallow: type › area › item).
        return queryset.filter(
            Q(category=value)
            | Q(category__parent=value)
            | Q(category__parent__parent=value)
            | Q(category__parent__parent__parent=value)
        )

    def filter_breached(self, queryset, name, value):
        if value is None:
            return queryset
        breached = Exists(OrderDeadline.objects.filter(order=OuterRef("pk"), breached=True))
        return queryset.filter(breached) if value else queryset.exclude(breached)

    @property
    def form(self):
        form = super().form
        for field in form.fields.values():
            if isinstance(field.widget, django_filters.widgets.RangeWidget):
                continue
            select = isinstance(field.widget, forms.Select | forms.SelectMultiple)
            css = "form-select form-select-sm" if select else "form-control form-control-sm"
            field.widget.attrs.setdefault("class", css)
        return form
