"""Delivery backends: one class per channel, chosen in settings.

``settings.KEFU_NOTIFICATION_BACKENDS`` maps each channel (``inapp``, ``email``, ``sms``,
``wecom``) to the dotted path of a :class:`NotificationBackend` subclass. The defaults work
offline: the in-app inbox is the database row itself, e-mail goes through Django's
``EMAIL_BACKEND`` (console by default), SMS and WeChat Work messages are written to the
``kefu.notifications`` logger.

Plugging in a real gateway
--------------------------
Write a subclass in your own module and point the channel at it, either in settings or, for
the two gateway channels, with an environment variable::

    # myco/kefu_gateways.py
    from kefu.notifications.backends import DeliveryError, NotificationBackend

    class AliyunSmsBackend(NotificationBackend):
        channel = "sms"

        def send(self, notification):
            phone = self.require_address(notification)
            ok = aliyun_client.send(phone, notification.message_text())
            if not ok:
                raise DeliveryError("短信网关拒绝了请求")  # retried by the worker

    # environment of `kefu serve` / `kefu worker`
    KEFU_SMS_BACKEND=myco.kefu_gateways.AliyunSmsBackend
    KEFU_WECOM_BACKEND=myco.kefu_gateways.WeComAppBackend

``send(notification)`` returns nothing on success and raises on failure: a
:class:`DeliveryError` with ``permanent=True`` (e.g. no address) is recorded and not retried;
any other exception is recorded and retried by the worker a few times. Backends never change
the notification's status themselves — :func:`kefu.notifications.services.deliver_now` does.

Addresses are resolved when the notification is created (``Notification.address``): staff
e-mail from ``User.email``, staff phone from ``Staff.phone``, staff WeChat Work id = login name;
customer e-mail and phone from the customer record, customer WeChat Work = mobile number
(the gateway maps it to the external contact).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import send_mail
from django.utils.module_loading import import_string

from kefu.core.validators import mask_phone

if TYPE_CHECKING:
    from kefu.notifications.models import Notification

__all__ = [
    "DeliveryError",
    "EmailBackend",
    "InAppBackend",
    "LogSmsBackend",
    "LogWeComBackend",
    "NotificationBackend",
    "get_backend",
]

log = logging.getLogger("kefu.notifications")

ADDRESS_LABELS = {"email": "电子邮箱", "sms": "手机号码", "wecom": "企业微信账号"}


class DeliveryError(Exception):
    """A delivery failed. ``permanent`` failures (nothing to retry) are not retried."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class NotificationBackend:
    """Base of every channel backend: ``send`` delivers one notification or raises."""

    channel: str = ""

    def send(self, notification: Notification) -> None:
        raise NotImplementedError

    def require_address(self, notification: Notification) -> str:
        """The notification's address, or a permanent :class:`DeliveryError` naming who lacks it."""
        if notification.address:
            return notification.address
        who = "客户" if notification.customer_id else "员工"
        label = ADDRESS_LABELS.get(notification.channel, "地址")
        raise DeliveryError(
            f"{who}“{recipient_name(notification)}”未登记{label}，无法发送。", permanent=True
        )


def recipient_name(notification: Notification) -> str:
    if notification.customer_id:
        return notification.customer.name
    user = notification.user
    staff = getattr(user, "staff", None) if user is not None else None
    return staff.name if staff is not None else user.get_username()


def absolute_link(link: str) -> str:
    """Relative links get ``settings.KEFU_BASE_URL`` (e.g. https://kefu.example.com) if set."""
    base = settings.KEFU_BASE_URL
    if link.startswith("/") and base:
        return base.rstrip("/") + link
    return link


class InAppBackend(NotificationBackend):
    """The row is the inbox: nothing to send, delivery just marks it sent."""

    channel = "inapp"

    def send(self, notification: Notification) -> None:
        if notification.user_id is None:
            raise DeliveryError("客户没有站内信箱。", permanent=True)


class EmailBackend(NotificationBackend):
    """E-mail through Django's ``send_mail`` and the configured ``EMAIL_BACKEND``."""

    channel = "email"

    def send(self, notification: Notification) -> None:
        address = self.require_address(notification)
        body = notification.body or notification.subject
        if notification.link:
            body = f"{body}\n\n{absolute_link(notification.link)}"
        send_mail(notification.subject, body, None, [address], fail_silently=False)


class LogSmsBackend(NotificationBackend):
    """Offline SMS: the message goes to the ``kefu.notifications`` log, phone masked (R-SEC-01)."""

    channel = "sms"

    def send(self, notification: Notification) -> None:
        phone = self.require_address(notification)
        log.info("SMS to %s: %s", mask_phone(phone), notification.message_text())


class LogWeComBackend(NotificationBackend):
    """Offline WeChat Work: writes the message to the ``kefu.notifications`` log."""

    channel = "wecom"

    def send(self, notification: Notification) -> None:
        account = self.require_address(notification)
        if notification.customer_id:
            account = mask_phone(account)
        log.info("WeCom to %s: %s", account, notification.message_text())


def get_backend(channel: str) -> NotificationBackend:
    """Instantiate the backend configured for ``channel`` (read on each call, so settings
    overrides take effect at once)."""
    paths = getattr(settings, "KEFU_NOTIFICATION_BACKENDS", {})
    try:
        path = paths[channel]
    except KeyError:
        raise ImproperlyConfigured(
            f"KEFU_NOTIFICATION_BACKENDS has no backend for channel {channel!r}."
        ) from None
    backend_class = import_string(path)
    return backend_class()
