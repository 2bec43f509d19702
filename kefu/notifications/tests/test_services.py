"""notify(): rows in the caller's transaction, delivery after commit, per-channel backends."""

import logging

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import override_settings

from kefu.notifications import services
from kefu.notifications.backends import DeliveryError
from kefu.notifications.models import Channel, Notification, Status
from kefu.notifications.services import notify
from kefu.notifications.tasks import DELIVERY_RETRIES, deliver

FAILING_SMS = {
    "inapp": "kefu.notifications.backends.InAppBackend",
    "email": "kefu.notifications.backends.EmailBackend",
    "sms": "kefu.notifications.tests.conftest.FailingBackend",
    "wecom": "kefu.notifications.backends.LogWeComBackend",
}


def _fresh(notification: Notification) -> Notification:
    return Notification.objects.get(pk=notification.pk)


def test_inapp_notification_is_pending_until_commit_then_sent(
    agent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        rows = notify(agent, "工单 WO-001 已派发给您", "请在 30 分钟内响应。", link="/customers/")
        assert len(rows) == 1
        assert _fresh(rows[0]).status == Status.PENDING  # nothing sent before commit
    assert len(callbacks) == 1
    row = _fresh(rows[0])
    assert (row.user_id, row.customer_id, row.channel) == (agent.pk, None, Channel.INAPP)
    assert row.status == Status.SENT
    assert row.attempts == 1
    assert row.sent_at is not None
    assert row.read_at is None
    assert row.link == "/customers/"
    assert list(services.inbox(agent)) == [row]
    assert services.unread_count(agent) == 1


def test_rolled_back_transaction_creates_and_sends_nothing(
    agent, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notify(agent, "不应发出", channels=("inapp", "email"))
        raise RuntimeError("调用方出错")
    assert callbacks == []
    assert Notification.objects.count() == 0
    assert mail.outbox == []


def test_one_row_per_channel_duplicates_ignored(agent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        rows = notify(agent, "投诉升级", channels=("inapp", "email", "inapp", "sms"))
    assert [r.channel for r in rows] == ["inapp", "email", "sms"]
    assert [r.address for r in rows] == ["", "li.agent@example.com", "13900139000"]
    assert {_fresh(r).status for r in rows} == {Status.SENT}
    # only the in-app row is in the inbox
    assert services.unread_count(agent) == 1


def test_a_single_channel_may_be_given_as_a_string(agent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        rows = notify(agent, "排班变更", channels="sms")
    assert [r.channel for r in rows] == ["sms"]


def test_email_to_staff_lands_in_outbox_with_link(agent, django_capture_on_commit_callbacks):
    with (
        override_settings(KEFU_BASE_URL="https://kefu.example.com"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        (row,) = notify(
            agent,
            "月度报表已生成",
            "请查收 2026 年 10 月报表。",
            channels=("email",),
            link="/reports/2026-10/",
        )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["li.agent@example.com"]
    assert message.subject == "月度报表已生成"
    assert "请查收 2026 年 10 月报表。" in message.body
    assert "https://kefu.example.com/reports/2026-10/" in message.body
    assert _fresh(row).status == Status.SENT


def test_email_to_customer_uses_customer_address(customer, django_capture_on_commit_callbacks):
    customer.email = "zhangsan@example.com"
    customer.save()
    with django_capture_on_commit_callbacks(execute=True):
        (row,) = notify(customer, "您的报修已完成", channels=("email",))
    assert [m.to for m in mail.outbox] == [["zhangsan@example.com"]]
    assert mail.outbox[0].body == "您的报修已完成"  # no body: the subject is the text
    assert _fresh(row).status == Status.SENT


def test_email_without_address_fails_clearly_and_is_not_retried(
    customer, clean_huey, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        (row,) = notify(customer, "缴费提醒", channels=("email",))
    row = _fresh(row)
    assert row.status == Status.FAILED
    assert row.error == "客户“张三”未登记电子邮箱，无法发送。"
    assert row.attempts == 1
    assert mail.outbox == []
    assert clean_huey.scheduled_count() == 0  # permanent: nothing to retry


def test_staff_email_without_address_names_the_staff(
    other_agent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        (row,) = notify(other_agent, "测试", channels=("email",))
    row = _fresh(row)
    assert row.status == Status.FAILED
    assert row.error.startswith("员工“员工")
    assert "未登记电子邮箱" in row.error


def test_sms_log_backend_logs_masked_phone(customer, caplog, django_capture_on_commit_callbacks):
    caplog.set_level(logging.INFO, logger="kefu.notifications")
    with django_capture_on_commit_callbacks(execute=True):
        (row,) = notify(customer, "停水通知", "明日 9:00-12:00 停水。", channels=("sms",))
    sms = [r.getMessage() for r in caplog.records if r.name == "kefu.notifications"]
    assert sms == ["SMS to 138****8000: 停水通知：明日 9:00-12:00 停水。"]
    assert "13800138000" not in caplog.text  # R-SEC-01: the log never holds the full phone
    row = _fresh(row)
    assert (row.address, row.status) == ("13800138000", Status.SENT)


def test_staff_sms_goes_to_staff_phone(agent, caplog, django_capture_on_commit_callbacks):
    caplog.set_level(logging.INFO, logger="kefu.notifications")
    with django_capture_on_commit_callbacks(execute=True):
        notify(agent, "您有新工单", channels=("sms",))
    assert "SMS to 139****9000: 您有新工单" in caplog.text


def test_wecom_log_backend_uses_login_name(agent, caplog, django_capture_on_commit_callbacks):
    caplog.set_level(logging.INFO, logger="kefu.notifications")
    with django_capture_on_commit_callbacks(execute=True):
        (row,) = notify(agent, "夜间值班提醒", channels=("wecom",))
    assert "WeCom to li_agent: 夜间值班提醒" in caplog.text
    assert _fresh(row).status == Status.SENT


@override_settings(KEFU_NOTIFICATION_BACKENDS=FAILING_SMS)
def test_failing_backend_marks_failed_and_schedules_retry(
    customer, clean_huey, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        (row,) = notify(customer, "停电通知", channels=("sms",))
    row = _fresh(row)
    assert row.status == Status.FAILED
    assert row.error == "短信网关连接超时"
    assert row.attempts == 1
    assert row.sent_at is None
    (retry,) = clean_huey.scheduled()
    assert retry.name == "notifications.deliver"
    assert retry.args == (row.pk,)
    assert retry.retries == DELIVERY_RETRIES - 1 == 2
    assert retry.retry_delay == 120  # 60 s, then doubled


def test_failed_notification_is_sent_on_retry_once_gateway_recovers(
    customer, caplog, django_capture_on_commit_callbacks
):
    with (
        override_settings(KEFU_NOTIFICATION_BACKENDS=FAILING_SMS),
        django_capture_on_commit_callbacks(execute=True),
    ):
        (row,) = notify(customer, "停电通知", channels=("sms",))
    assert _fresh(row).status == Status.FAILED
    caplog.set_level(logging.INFO, logger="kefu.notifications")
    deliver.call_local(row.pk)  # what the scheduled retry runs
    row = _fresh(row)
    assert (row.status, row.attempts, row.error) == (Status.SENT, 2, "")
    assert "SMS to 138****8000: 停电通知" in caplog.text


@override_settings(KEFU_NOTIFICATION_BACKENDS=FAILING_SMS)
def test_deliver_now_raises_temporary_failure_for_the_worker(customer):
    (row,) = notify(customer, "停电通知", channels=("sms",))  # not committed: deliver by hand
    with pytest.raises(DeliveryError, match="短信网关连接超时"):
        services.deliver_now(row.pk)
    assert _fresh(row).status == Status.FAILED


def test_deliver_is_idempotent(agent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        (row,) = notify(agent, "回访任务", channels=("email",))
    assert len(mail.outbox) == 1
    sent_at = _fresh(row).sent_at
    deliver(row.pk)  # enqueued again (immediate in tests)
    deliver.call_local(row.pk)
    assert services.deliver_now(row.pk) == Status.SENT
    row = _fresh(row)
    assert len(mail.outbox) == 1
    assert (row.attempts, row.sent_at) == (1, sent_at)


def test_deliver_of_deleted_notification_is_a_no_op(agent):
    (row,) = notify(agent, "已撤回")
    pk = row.pk
    row.delete()
    assert services.deliver_now(pk) is None


@pytest.mark.parametrize("channels", [("inapp",), ("sms", "inapp")])
def test_customer_cannot_receive_inapp(customer, channels, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(ValidationError) as exc_info,
    ):
        notify(customer, "您的报修已受理", channels=channels)
    assert "客户没有站内信箱" in exc_info.value.message_dict["channels"][0]
    assert Notification.objects.count() == 0
    assert callbacks == []


def test_customer_default_channel_is_refused(customer):
    with pytest.raises(ValidationError):
        notify(customer, "默认渠道是站内信")


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"subject": "   "}, "subject", "通知标题不能为空。"),
        ({"subject": "长" * 201}, "subject", "通知标题不能超过 200 个字符。"),
        ({"channels": ()}, "channels", "至少选择一个通知渠道。"),
        ({"channels": ("fax",)}, "channels", "未知的通知渠道：fax。"),
        (
            {"link": "javascript:alert(1)"},
            "link",
            "链接必须是站内路径（以 / 开头）或 http(s) 地址。",
        ),
        (
            {"link": "//evil.example.com/"},
            "link",
            "链接必须是站内路径（以 / 开头）或 http(s) 地址。",
        ),
    ],
)
def test_bad_input_is_refused_with_chinese_message(agent, kwargs, field, message):
    args = {"subject": "标题", **kwargs}
    with pytest.raises(ValidationError) as exc_info:
        notify(agent, args.pop("subject"), **args)
    assert exc_info.value.message_dict == {field: [message]}
    assert Notification.objects.count() == 0


def test_recipient_must_be_user_or_customer(org):
    with pytest.raises(ValidationError) as exc_info:
        notify(org["p1"], "发给项目？")
    assert exc_info.value.message_dict == {"recipient": ["通知接收人必须是员工账号或客户。"]}


def test_external_link_is_accepted(agent):
    (row,) = notify(agent, "政策更新", link="https://www.gov.cn/zhengce/")
    assert row.link == "https://www.gov.cn/zhengce/"


def test_inbox_and_mark_read_only_touch_own_notifications(agent, other_agent, customer):
    mine = [notify(agent, f"甲的通知{i}")[0] for i in range(3)]
    (theirs,) = notify(other_agent, "乙的通知")
    notify(customer, "客户短信", channels=("sms",))
    notify(agent, "甲的邮件", channels=("email",))

    assert list(services.inbox(agent)) == mine[::-1]  # newest first, in-app only
    assert list(services.inbox(other_agent)) == [theirs]
    assert services.unread_count(agent) == 3

    assert services.mark_read(agent, [mine[0].pk, theirs.pk]) == 1
    assert _fresh(theirs).read_at is None
    assert _fresh(mine[0]).read_at is not None
    assert services.mark_read(agent, [mine[0].pk]) == 0  # already read
    assert services.mark_read(agent, []) == 0
    assert services.unread_count(agent) == 2

    assert services.mark_all_read(agent) == 2
    assert services.unread_count(agent) == 0
    assert services.unread_count(other_agent) == 1


def test_anonymous_user_has_an_empty_inbox(db):
    from django.contrib.auth.models import AnonymousUser

    assert services.unread_count(AnonymousUser()) == 0
    assert list(services.inbox(AnonymousUser())) == []
