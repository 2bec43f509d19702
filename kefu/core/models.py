"""Framework models shared by every domain app: the audited base model and job records."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kefu.core.querysets import RestrictedQuerySet

__all__ = ["JobRecord", "KefuModel"]


class KefuModel(models.Model):
    """Base of every domain record: creation/update stamps and a permission-aware manager.

    Subclasses set ``project_scope`` to the lookup path of the project that owns the record
    (``"project"``, ``"building__project"`` …) so ``objects.restrict(user)`` can scope it;
    ``None`` means the record is organisation-wide. Register subclasses with
    ``kefu.core.audit.register`` so every change lands in the audit trail (R-SEC-02).
    """

    created = models.DateTimeField(_("创建时间"), auto_now_add=True)
    last_updated = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = RestrictedQuerySet.as_manager()

    project_scope: str | None = None

    class Meta:
        abstract = True


class JobRecord(models.Model):
    """The last outcome of each named background job, shown on the system status page."""

    class Status(models.TextChoices):
        RUNNING = "running", _("运行中")
        OK = "ok", _("成功")
        FAILED = "failed", _("失败")

    name = models.CharField(_("任务"), max_length=100, unique=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices)
    started = models.DateTimeField(_("开始时间"))
    finished = models.DateTimeField(_("结束时间"), null=True, blank=True)
    runs = models.PositiveIntegerField(_("运行次数"), default=0)
    detail = models.TextField(_("结果"), blank=True)

    class Meta:
        verbose_name = _("后台任务记录")
        verbose_name_plural = pgettext_lazy("plural", "后台任务记录")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
