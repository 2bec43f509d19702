"""The one way to notify someone: ``notify(recipient, subject, ...)``.

Later capabilities call :func:`notify` inside their own transaction; it writes one
``Notification`` row per channel and, only once that transaction commits, hands each row to the
background worker (:func:`kefu.notifications.tasks.deliver`), so a rolled-back change never
sends a message and a slow gateway never slows a request (the Zulip/Saleor "send after commit"
rule). The row is the record of the message: status, attempts and the last error.

The in-app inbox is the set of a staff user's ``inapp`` rows; customers have no inbox.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from functools import partial
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.notifications.backends import DeliveryError, get_backend
from kefu.notifications.models import Channel, Notification, Status

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
    from django.db.models import QuerySet

    from kefu.customers.models import Customer

__all__ = [
    "deliver_now",
    "inbox",
    "mark_all_read",
    "mark_read",
    "notify",
    "resolve_address",
    "unread_count",
]

log = logging.getLogger("kefu.notifications")

SUBJECT_MAX = Notification._meta.get_field("subject").max_length
LINK_MAX = Notification._meta.get_field("link").max_length
ERROR_MAX = 2000


def _is_customer(recipient: object) -> bool:
    from kefu.customers.models import Customer

    return isinstance(recipient, Customer)


def resolve_address(recipient: AbstractBaseUser | Customer, channel: str) -> str:
    """Where ``channel`` reaches ``recipient`` ("" when nothing is on file; delivery then
    fails with a clear message rather than the whole notify call)."""
    if _is_customer(recipient):
        if channel == Channel.EMAIL:
            return recipient.email or ""
        if channel in (Channel.SMS, Channel.WECOM):
            return recipient.phone or ""
        return ""
    if channel == Channel.EMAIL:
        return recipient.email or ""
    if channel == Channel.SMS:
        try:
            return recipient.staff.phone or ""
        except ObjectDoesNotExist:
            return ""
    if channel == Channel.WECOM:
        return recipient.get_username()
    return ""


def _clean_link(link: str) -> str:
    """Only links into Kefu ("/…") or to http(s) pages: a ``javascript:`` link rendered in the
    inbox would run in the reader's session."""
    link = (link or "").strip()
    if not link:
        return ""
    if len(link) > LINK_MAX:
        raise ValidationError({"link": _("链接不能超过 %(n)s 个字符。") % {"n": LINK_MAX}})
    internal = link.startswith("/") and not link.startswith(("//", "/\\"))
    if not internal and not link.lower().startswith(("https://", "http://")):
        raise ValidationError({"link": _("链接必须是站内路径（以 / 开头）或 http(s) 地址。")})
    return link


def _clean_channels(channels: Iterable[str] | str, *, customer: bool) -> list[str]:
    if isinstance(channels, str):
        channels = (channels,)
    wanted = list(dict.fromkeys(channels))
    if not wanted:
        raise ValidationError({"channels": _("至少选择一个通知渠道。")})
    unknown = [c for c in wanted if c not in Channel.values]
    if unknown:
        listed = _("、").join(map(str, unknown))
        raise ValidationError(
            {"channels": _("未知的通知渠道：%(channels)s。") % {"channels": listed}}
        )
    if customer and Channel.INAPP in wanted:
        raise ValidationError(
            {"channels": _("客户没有站内信箱，不能发送站内信；请选择短信、邮件或企业微信。")}
        )
    return wanted


def notify(
    recipient: AbstractBaseUser | Customer,
    subject: str,
    body: str = "",
    *,
    channels: Sequence[str] = (Channel.INAPP,),
    link: str = "",
) -> list[Notification]:
    """Notify a staff user or a customer over each channel; returns the rows created.

    Rows are written in the caller's transaction; delivery starts after it commits. Raises
    ``ValidationError`` (Chinese message) for a bad recipient, subject, link or channel — e.g.
    a customer cannot receive ``inapp`` notifications.
    """
    is_customer = _is_customer(recipient)
    if not is_customer and not isinstance(recipient, get_user_model()):
        raise ValidationError({"recipient": _("通知接收人必须是员工账号或客户。")})
    if recipient.pk is None:
        raise ValidationError({"recipient": _("通知接收人尚未保存。")})
    subject = (subject or "").strip()
    if not subject:
        raise ValidationError({"subject": _("通知标题不能为空。")})
    if len(subject) > SUBJECT_MAX:
        raise ValidationError(
            {"subject": _("通知标题不能超过 %(n)s 个字符。") % {"n": SUBJECT_MAX}}
        )
    wanted = _clean_channels(channels, customer=is_customer)
    link = _clean_link(link)
    who = {"customer": recipient} if is_customer else {"user": recipient}

    created: list[Notification] = []
    with transaction.atomic():
        for channel in wanted:
            notification = Notification.objects.create(
                **who,
                channel=channel,
                address=resolve_address(recipient, channel),
                subject=subject,
                body=body or "",
                link=link,
            )
            created.append(notification)
            # robust: a broker hiccup after commit is logged, never turns a saved change into
            # an error page; the row stays "pending" and can be delivered again.
            transaction.on_commit(partial(_enqueue, notification.pk), robust=True)
    return created


def _enqueue(notification_id: int) -> None:
    from kefu.notifications.tasks import deliver

    deliver(notification_id)


def deliver_now(notification_id: int) -> str | None:
    """Send one notification through its channel's backend; the worker's job.

    Idempotent: a notification already sent is not sent again, and the row is locked
    (``SELECT … FOR UPDATE`` on PostgreSQL) while sending so two workers cannot both send it;
    the lock is held for the length of one gateway call, which backends keep short. Returns
    the resulting status (``None`` if the row is gone). A failure is recorded (status
    ``failed``, ``error``, ``attempts``); a temporary one is then re-raised as
    :class:`DeliveryError` so the worker retries it.
    """
    failure: Exception | None = None
    with transaction.atomic():
        try:
            notification = (
                Notification.objects.select_for_update(of=("self",))
                .select_related("user", "customer")
                .get(pk=notification_id)
            )
        except Notification.DoesNotExist:
            log.warning("notification %s no longer exists; nothing to deliver", notification_id)
            return None
        if notification.status == Status.SENT:
            return Status.SENT
        notification.attempts += 1
        try:
            with transaction.atomic():  # a backend's own DB error must not poison this one
                get_backend(notification.channel).send(notification)
        except Exception as exc:
            failure = exc
            notification.status = Status.FAILED
            notification.error = f"{exc}"[:ERROR_MAX] or type(exc).__name__
        else:
            notification.status = Status.SENT
            notification.sent_at = timezone.now()
            notification.error = ""
        notification.save(update_fields=["status", "attempts", "error", "sent_at"])
    if failure is None:
        return Status.SENT
    log.warning(
        "notification %s (%s) failed, attempt %s: %s",
        notification_id,
        notification.channel,
        notification.attempts,
        notification.error,
    )
    if isinstance(failure, DeliveryError) and failure.permanent:
        return Status.FAILED
    raise DeliveryError(notification.error) from failure


def inbox(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Notification]:
    """The user's own in-app notifications, newest first."""
    if not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    return Notification.objects.filter(user=user, channel=Channel.INAPP).order_by("-id")


def unread_count(user: AbstractBaseUser | AnonymousUser) -> int:
    return inbox(user).filter(read_at__isnull=True).count()


def mark_read(user: AbstractBaseUser | AnonymousUser, ids: Iterable[int]) -> int:
    """Mark the given notifications read — only the user's own; returns how many changed."""
    ids = list(ids)
    if not ids:
        return 0
    return inbox(user).filter(pk__in=ids, read_at__isnull=True).update(read_at=timezone.now())


def mark_all_read(user: AbstractBaseUser | AnonymousUser) -> int:
    return inbox(user).filter(read_at__isnull=True).update(read_at=timezone.now())
