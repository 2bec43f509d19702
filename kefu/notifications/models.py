"""One notification = one message to one recipient over one channel."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kefu.core.querysets import RestrictedQuerySet

__all__ = ["Channel", "Notification", "Status"]


class Channel(models.TextChoices):
    INAPP = "inapp", _("站内信")
    EMAIL = "email", _("电子邮件")
    SMS = "sms", _("短信")
    WECOM = "wecom", _("企业微信")


class Status(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("员工"),
    )
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("客户"),
    )
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices)
    address = models.CharField(_("发送地址"), max_length=200, blank=True)
    subject = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    link = models.CharField(_("链接"), max_length=300, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("发送次数"), default=0)
    error = models.TextField(_("错误信息"), blank=True)
    created = models.DateTimeField(_("创建时间"), auto_now_add=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()
    project_scope = None

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = pgettext_lazy("plural", "通知")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["user", "channel", "read_at"], name="notif_user_inbox"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(user__isnull=False) & Q(customer__isnull=True))
                | (Q(user__isnull=True) & Q(customer__isnull=False)),
                name="notifications_one_recipient",
                violation_error_message=_("通知必须且只能有一个接收人（员工或客户）。"),
            )
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def recipient(self):
        """The staff user or the customer this notification is for."""
        return self.user if self.user_id else self.customer

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    def message_text(self) -> str:
        """The plain-text message the short channels (SMS, WeChat Work) carry."""
        text = self.subject
        if self.body:
            text = f"{text}：{self.body}"
        return text
