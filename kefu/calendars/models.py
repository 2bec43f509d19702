"""The business calendar: days that differ from the Monday–Friday rule, and business hours.

Only exceptions are stored: public holidays and official make-up working days (调休) seeded
from the ``chinesecalendar`` package, plus an administrator's own entries for years the package
does not know yet or for company rest days. Manual entries win over seeded ones.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kefu.core.audit import register
from kefu.core.models import KefuModel

__all__ = ["BusinessHours", "CalendarDay"]


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("法定节假日（休息）")
    MAKEUP_WORKDAY = "makeup_workday", _("调休上班")
    COMPANY_REST = "company_rest", _("公司休息日")


class DaySource(models.TextChoices):
    PACKAGE = "package", _("国务院安排（自动同步）")
    MANUAL = "manual", _("管理员设置")


WORKING_KINDS = {DayKind.MAKEUP_WORKDAY}


@register
class CalendarDay(KefuModel):
    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=20, choices=DayKind.choices)
    name = models.CharField(_("名称"), max_length=50, blank=True, help_text=_("如 国庆节"))
    source = models.CharField(
        _("来源"), max_length=10, choices=DaySource.choices, default=DaySource.MANUAL
    )

    class Meta:
        verbose_name = _("日历例外日")
        verbose_name_plural = pgettext_lazy("plural", "日历例外日")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"

    @property
    def is_working(self) -> bool:
        return self.kind in WORKING_KINDS

    def clean(self) -> None:
        if self.date and self.kind == DayKind.MAKEUP_WORKDAY and self.date.weekday() < 5:
            raise ValidationError(
                {
                    "kind": _("%(date)s 是周一至周五，本来就是工作日，不能设为调休上班。")
                    % {"date": self.date}
                }
            )


@register
class BusinessHours(KefuModel):
    """One opening interval on working days; several rows give a lunch break.

    Rows without a project are the organisation's default; a project with rows of its own
    uses only those.
    """

    project = models.ForeignKey(
        "org.Project",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="business_hours",
        verbose_name=_("项目"),
    )
    start = models.TimeField(_("开始"))
    end = models.TimeField(_("结束"))

    project_scope = None

    class Meta:
        verbose_name = _("营业时间")
        verbose_name_plural = pgettext_lazy("plural", "营业时间")
        ordering = ["project_id", "start"]

    def __str__(self) -> str:
        return f"{self.start:%H:%M}–{self.end:%H:%M}"

    def clean(self) -> None:
        if self.start is None or self.end is None:
            return
        if self.start >= self.end:
            raise ValidationError({"end": _("结束时间必须晚于开始时间。")})
        others = BusinessHours.objects.filter(project_id=self.project_id).exclude(pk=self.pk)
        for other in others:
            if self.start < other.end and other.start < self.end:
                raise ValidationError(_("与已有营业时间 %(other)s 重叠。") % {"other": other})
