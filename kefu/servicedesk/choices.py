"""Choices for work orders (R-TKT-01/02/04/12, R-CB-01, R-SAT-01)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class OrderType(models.TextChoices):
    """R-TKT-02."""

    REPAIR = "repair", _("报修")
    COMPLAINT = "complaint", _("投诉")
    INQUIRY = "inquiry", _("咨询")
    STATUS_QUERY = "status_query", _("查询")
    SUGGESTION = "suggestion", _("建议")
    PRAISE = "praise", _("表扬")
    HELP = "help", _("求助")
    PAID_SERVICE = "paid_service", _("有偿服务")
    SPECIAL_SERVICE = "special_service", _("特约服务")
    LIAISON = "liaison", _("内部联络单")
    NONCONFORMANCE = "nonconformance", _("不合格单")
    INCIDENT = "incident", _("突发事件")


class Channel(models.TextChoices):
    """R-TKT-01."""

    PHONE = "phone", _("来电")
    WALK_IN = "walk_in", _("来访")
    LETTER = "letter", _("来函")
    ONLINE = "online", _("网络")
    PATROL = "patrol", _("巡查")
    INTERNAL = "internal", _("内部")


class ServiceCategory(models.TextChoices):
    """R-TKT-12."""

    PAID = "paid", _("有偿")
    CONTRACT = "contract", _("合同")
    FREE = "free", _("免费")
    INTERNAL = "internal", pgettext_lazy("service category", "内务")


class ComplaintClass(models.TextChoices):
    """R-TKT-04: valid vs communication (help-seeking / questioning / venting)."""

    VALID = "valid", _("有效投诉")
    HELP_SEEKING = "help_seeking", _("沟通性投诉·求助型")
    QUESTIONING = "questioning", _("沟通性投诉·咨询型")
    VENTING = "venting", _("沟通性投诉·发泄型")


class Severity(models.TextChoices):
    """R-TKT-04."""

    MAJOR = "major", _("重大")
    IMPORTANT = "important", _("重要")
    MINOR = "minor", _("一般")


class Status(models.TextChoices):
    NEW = "new", _("新建")
    ACCEPTED = "accepted", _("已受理")
    DISPATCHED = "dispatched", _("已派工")
    ACKNOWLEDGED = "acknowledged", _("已接单")
    DEPARTED = "departed", _("已出发")
    ON_SITE = "on_site", _("已到场")
    IN_PROGRESS = "in_progress", _("处理中")
    ON_HOLD = "on_hold", _("挂起/待预约")
    COMPLETED = "completed", _("已完成")
    CALLBACK_DONE = "callback_done", _("已回访")
    CLOSED = "closed", _("已关闭")
    CANCELLED = "cancelled", _("已取消")
    INVALID = "invalid", _("无效")
    REOPENED = "reopened", _("重新打开")


class ConfirmationMethod(models.TextChoices):
    SIGNATURE = "signature", _("客户签字")
    PHONE = "phone", _("电话确认")
    ON_SITE = "on_site", _("现场口头确认")
    APP = "app", _("线上确认")


class CallbackMethod(models.TextChoices):
    """R-CB-01."""

    PHONE = "phone", _("电话")
    VISIT = "visit", _("上门")
    LETTER = "letter", _("信函")


class CallbackKind(models.TextChoices):
    """R-CB-01."""

    COMPLAINT = "complaint", _("投诉回访")
    REPAIR = "repair", _("维修回访")
    PAID = "paid", _("有偿/特约服务回访")
    PROGRESS = "progress", _("进度回访")
    SURVEY = "survey", _("满意度调查回访")


class CallbackResult(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    UNSATISFIED = "unsatisfied", _("不满意")
    UNREACHABLE = "unreachable", _("未联系上")


class RatingLevel(models.IntegerChoices):
    """R-SAT-01: four levels; the number is the score used in averages."""

    VERY_SATISFIED = 4, _("非常满意")
    SATISFIED = 3, _("满意")
    FAIR = 2, _("一般")
    POOR = 1, _("较差")


class Metric(models.TextChoices):
    """What an SLA target measures (R-TKT-05…08, R-CB-03/04)."""

    HANDOFF = "handoff", _("转交部门")
    ESCALATE = "escalate", _("上报主管")
    ACKNOWLEDGE = "acknowledge", _("技术员接单")
    ARRIVAL = "arrival", _("到场")
    FIRST_ANSWER = "first_answer", _("答复客户")
    RESOLUTION = "resolution", _("解决")
    CALLBACK = "callback", _("回访")


class DurationUnit(models.TextChoices):
    MINUTES = "minutes", _("分钟")
    HOURS = "hours", _("小时")
    CALENDAR_DAYS = "calendar_days", _("自然日")
    WORKING_DAYS = "working_days", _("工作日")
    BUSINESS_HOURS = "business_hours", _("工作小时")
    SAME_DAY = "same_day", _("当天内")
