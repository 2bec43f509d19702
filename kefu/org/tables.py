"""django-tables2 tables of the organisation pages (sortable, paginated, responsive)."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from kefu.core.validators import mask_phone
from kefu.org.models import Department, Project, Staff

__all__ = ["DepartmentTable", "ProjectTable", "StaffTable"]

TABLE_ATTRS = {"class": "table table-sm table-hover table-tight align-middle text-nowrap"}
# Columns a phone screen can do without (they stay one tap away on the detail page).
WIDE_ONLY = {"th": {"class": "d-none d-md-table-cell"}, "td": {"class": "d-none d-md-table-cell"}}


class StaffTable(tables.Table):
    """Phones are masked (R-SEC-01) unless the table is built with ``show_full_phone=True``."""

    employee_no = tables.Column(linkify=True, order_by=("employee_no",), attrs=WIDE_ONLY)
    name = tables.Column(linkify=True, order_by=("name", "employee_no"))
    project = tables.Column(
        _("项目"),
        accessor="department__project__name",
        default=_("总部"),
        order_by=("department__project__code", "department__name", "employee_no"),
        attrs=WIDE_ONLY,
    )
    department = tables.Column(
        _("部门"),
        accessor="department__name",
        linkify=lambda record: record.department.get_absolute_url(),
        order_by=("department__name", "employee_no"),
    )
    position = tables.Column(order_by=("position", "employee_no"))
    level = tables.Column(order_by=("level", "employee_no"), attrs=WIDE_ONLY)
    supervisor = tables.Column(
        accessor="supervisor__name",
        verbose_name=_("直接上级"),
        order_by=("supervisor__name", "employee_no"),
        attrs=WIDE_ONLY,
    )
    phone = tables.Column(orderable=False, attrs={"td": {"class": "masked text-nowrap"}})
    is_active = tables.BooleanColumn(order_by=("is_active", "employee_no"))

    class Meta:
        model = Staff
        fields = (
            "employee_no",
            "name",
            "project",
            "department",
            "position",
            "level",
            "supervisor",
            "phone",
            "is_active",
        )
        attrs = TABLE_ATTRS
        empty_text = _("没有符合条件的员工。")
        order_by = ("employee_no",)

    def __init__(self, *args, show_full_phone: bool = False, **kwargs):
        self.show_full_phone = show_full_phone
        super().__init__(*args, **kwargs)

    def render_phone(self, value: str) -> str:
        return value if self.show_full_phone else mask_phone(value)

    def render_level(self, record: Staff) -> str:
        return record.get_level_display()

    def render_is_active(self, value: bool) -> str:
        badge = ("success", _("在职")) if value else ("secondary", _("离职"))
        return format_html('<span class="badge text-bg-{}">{}</span>', *badge)


class ProjectTable(tables.Table):
    code = tables.Column(linkify=True)
    name = tables.Column(linkify=True, order_by=("name", "code"))
    kind = tables.Column(order_by=("kind", "code"))
    address = tables.Column(orderable=False, attrs=WIDE_ONLY)
    service_phone = tables.Column(orderable=False)
    department_count = tables.Column(_("部门数"), orderable=False)
    is_active = tables.BooleanColumn(order_by=("is_active", "code"))

    class Meta:
        model = Project
        fields = (
            "code",
            "name",
            "kind",
            "address",
            "service_phone",
            "department_count",
            "is_active",
        )
        attrs = TABLE_ATTRS
        empty_text = _("暂无项目。")
        order_by = ("code",)


class DepartmentTable(tables.Table):
    name = tables.Column(linkify=True, order_by=("name", "id"))
    project = tables.Column(
        accessor="project__name",
        default=_("总部"),
        verbose_name=_("项目"),
        order_by=("project__code", "name", "id"),
    )
    kind = tables.Column(order_by=("kind", "name", "id"))
    head = tables.Column(accessor="head__name", verbose_name=_("负责人"), orderable=False)
    staff_count = tables.Column(_("在职人数"), orderable=False)

    class Meta:
        model = Department
        fields = ("name", "project", "kind", "head", "staff_count")
        attrs = TABLE_ATTRS
        empty_text = _("暂无部门。")
        order_by = ("project", "name")
