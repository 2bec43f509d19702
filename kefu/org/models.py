"""Organisation → projects (项目) → departments → staff."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kefu.core.audit import register
from kefu.core.models import KefuModel
from kefu.core.validators import django_phone_validator, normalize_phone
from kefu.org.choices import CareerLevel, DepartmentKind, ProjectKind

__all__ = ["Department", "Organisation", "Project", "Staff"]


@register
class Organisation(KefuModel):
    name = models.CharField(_("名称"), max_length=100, unique=True)
    short_name = models.CharField(_("简称"), max_length=30, blank=True)
    hotline = models.CharField(_("服务热线"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("公司")
        verbose_name_plural = pgettext_lazy("plural", "公司")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


@register
class Project(KefuModel):
    """A site with its own service centre: an estate, a building complex, a service station."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="projects", verbose_name=_("公司")
    )
    code = models.CharField(_("项目编码"), max_length=20, unique=True)
    name = models.CharField(_("项目名称"), max_length=100)
    kind = models.CharField(
        _("类型"), max_length=20, choices=ProjectKind.choices, default=ProjectKind.RESIDENTIAL
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    service_phone = models.CharField(_("服务中心电话"), max_length=30, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    project_scope = "pk"

    class Meta:
        verbose_name = _("项目")
        verbose_name_plural = pgettext_lazy("plural", "项目")
        ordering = ["code"]
        permissions = [("access_all_projects", _("可访问全部项目"))]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("org:project_detail", args=[self.pk])


@register
class Department(KefuModel):
    project = models.ForeignKey(
        Project,
        on_delete=models.PROTECT,
        related_name="departments",
        null=True,
        blank=True,
        verbose_name=_("项目"),
        help_text=_("留空表示公司总部的部门（如财务、法务）。"),
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="departments", verbose_name=_("公司")
    )
    name = models.CharField(_("部门名称"), max_length=50)
    kind = models.CharField(_("类别"), max_length=20, choices=DepartmentKind.choices)
    head = models.ForeignKey(
        "Staff",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="heads",
        verbose_name=_("负责人"),
    )

    project_scope = "project"

    @classmethod
    def scope_filter(cls, allowed: list[int]) -> Q:
        """A project's departments, plus head-office departments (no project), which every
        project works with."""
        return Q(project__in=allowed) | Q(project__isnull=True)

    class Meta:
        verbose_name = _("部门")
        verbose_name_plural = pgettext_lazy("plural", "部门")
        ordering = ["project__code", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "project", "name"],
                name="org_department_unique_name",
                violation_error_message=_("该项目下已有同名部门。"),
            ),
            models.UniqueConstraint(
                fields=["organisation", "name"],
                condition=Q(project__isnull=True),
                name="org_department_unique_hq_name",
                violation_error_message=_("公司总部已有同名部门。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project.name} · {self.name}" if self.project_id else self.name

    def clean(self) -> None:
        errors = {}
        if (
            self.project_id
            and self.organisation_id
            and (self.project.organisation_id != self.organisation_id)
        ):
            errors["project"] = _("项目不属于该公司。")
        if (
            self.head_id
            and self.organisation_id
            and (self.head.department.organisation_id != self.organisation_id)
        ):
            errors["head"] = _("负责人必须是本公司的员工。")
        if errors:
            raise ValidationError(errors)

    def get_absolute_url(self) -> str:
        return reverse("org:department_detail", args=[self.pk])


@register(m2m_fields={"extra_projects"})
class Staff(KefuModel):
    """A staff member; every staff member who uses Kefu has a user account."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="staff",
        null=True,
        blank=True,
        verbose_name=_("登录账号"),
    )
    employee_no = models.CharField(_("工号"), max_length=20, unique=True)
    name = models.CharField(_("姓名"), max_length=30)
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="staff", verbose_name=_("部门")
    )
    position = models.CharField(_("岗位"), max_length=30)
    level = models.CharField(
        _("职级"),
        max_length=20,
        choices=CareerLevel.choices,
        blank=True,
        help_text=_("客服人员的职业通道等级（R-WF-10）。"),
    )
    supervisor = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("直接上级"),
    )
    extra_projects = models.ManyToManyField(
        Project,
        blank=True,
        related_name="covering_staff",
        verbose_name=_("兼管项目"),
        help_text=_("除本部门所属项目外，此人还负责的项目。"),
    )
    phone = models.CharField(
        _("手机"), max_length=20, blank=True, validators=[django_phone_validator]
    )
    hire_date = models.DateField(_("入职日期"), default=datetime.date.today)
    leave_date = models.DateField(_("离职日期"), null=True, blank=True)
    is_active = models.BooleanField(_("在职"), default=True)

    project_scope = "department__project"

    @classmethod
    def scope_filter(cls, allowed: list[int]) -> Q:
        """Staff of a project's departments, staff assigned to cover the project, and
        head-office staff who cover no particular project."""
        covering = cls.extra_projects.through.objects
        return (
            Q(department__project__in=allowed)
            | Q(pk__in=covering.filter(project_id__in=allowed).values("staff_id"))
            | (Q(department__project__isnull=True) & ~Q(pk__in=covering.values("staff_id")))
        )

    class Meta:
        verbose_name = _("员工")
        verbose_name_plural = pgettext_lazy("plural", "员工")
        ordering = ["employee_no"]

    def __str__(self) -> str:
        return f"{self.name}（{self.employee_no}）"

    def clean(self) -> None:
        errors = {}
        if self.phone:
            self.phone = normalize_phone(self.phone)
        if self.leave_date and self.hire_date and self.leave_date < self.hire_date:
            errors["leave_date"] = _("离职日期不能早于入职日期。")
        supervisor_error = self._supervisor_error()
        if supervisor_error:
            errors["supervisor"] = supervisor_error
        if errors:
            raise ValidationError(errors)

    def _supervisor_error(self) -> str | None:
        """The direct supervisor is a colleague of the same organisation and the reporting
        lines form a tree: escalation and joint liability walk up them."""
        if not self.supervisor_id:
            return None
        if self.pk and self.supervisor_id == self.pk:
            return _("直接上级不能是本人。")
        if self.department_id and (
            self.supervisor.department.organisation_id != self.department.organisation_id
        ):
            return _("直接上级必须是同一公司的员工。")
        if self.pk:
            seen, boss = {self.pk}, self.supervisor
            while boss is not None:
                if boss.pk in seen:
                    return _("上下级关系不能形成循环。")
                seen.add(boss.pk)
                boss = boss.supervisor
        return None

    def get_absolute_url(self) -> str:
        return reverse("org:staff_detail", args=[self.pk])

    @property
    def organisation(self) -> Organisation:
        return self.department.organisation

    def supervisor_chain(self, limit: int = 20) -> list[Staff]:
        """Direct supervisor first, up to the top of the reporting line."""
        chain: list[Staff] = []
        seen = {self.pk}
        boss = self.supervisor
        while boss is not None and boss.pk not in seen and len(chain) < limit:
            chain.append(boss)
            seen.add(boss.pk)
            boss = boss.supervisor
        return chain

    def project_ids(self) -> set[int]:
        ids = set(self.extra_projects.values_list("pk", flat=True))
        if self.department.project_id:
            ids.add(self.department.project_id)
        return ids
