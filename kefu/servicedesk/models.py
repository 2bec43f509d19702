"""Work orders (工单) with their timeline, deadlines, callbacks, ratings, quotes, compensation
and incidents; categories and SLA policies (R-TKT, R-CB, R-SAT)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kefu.core.audit import register
from kefu.core.models import KefuModel
from kefu.core.querysets import RestrictedQuerySet
from kefu.servicedesk.choices import (
    CallbackKind,
    CallbackMethod,
    CallbackResult,
    Channel,
    ComplaintClass,
    ConfirmationMethod,
    DurationUnit,
    Metric,
    OrderType,
    RatingLevel,
    ServiceCategory,
    Severity,
    Status,
)

__all__ = [
    "Attachment",
    "Callback",
    "Category",
    "Compensation",
    "IncidentReport",
    "OrderDeadline",
    "OrderEvent",
    "OrderNote",
    "OrderSequence",
    "PriceItem",
    "Quote",
    "QuoteLine",
    "Rating",
    "SlaPolicy",
    "SlaTarget",
    "WorkOrder",
]

USER = settings.AUTH_USER_MODEL


@register
class Category(KefuModel):
    """A node of the configurable category tree, e.g. 报修 › 水电 › 漏水."""

    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("上级分类"),
    )
    name = models.CharField(_("名称"), max_length=50)
    order_type = models.CharField(_("工单类型"), max_length=20, choices=OrderType.choices)
    department_kind = models.CharField(
        _("默认责任部门类别"),
        max_length=20,
        blank=True,
        help_text=_("派工时默认的部门类别（如 engineering）。"),
    )
    description_template = models.TextField(
        _("描述模板"), blank=True, help_text=_("选中分类时填入描述框的提示文字。")
    )
    is_safety = models.BooleanField(
        _("安全设施"), default=False, help_text=_("安全设施维修：2 天内回访（R-CB-04）。")
    )
    is_leak = models.BooleanField(
        _("渗漏"), default=False, help_text=_("渗漏维修：试水后 3 天内回访（R-CB-04）。")
    )
    sort = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("工单分类")
        verbose_name_plural = pgettext_lazy("plural", "工单分类")
        ordering = ["order_type", "sort", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "name"],
                name="servicedesk_category_unique_name",
                violation_error_message=_("同一上级分类下已有同名分类。"),
            )
        ]

    def __str__(self) -> str:
        return " › ".join(c.name for c in self.ancestry())

    def ancestry(self) -> list[Category]:
        chain, node, seen = [], self, set()
        while node is not None and node.pk not in seen:
            seen.add(node.pk)
            chain.append(node)
            node = node.parent
        return list(reversed(chain))


class OrderSequence(models.Model):
    """The last number given per project and year (locked row, no gaps from races)."""

    project = models.ForeignKey("org.Project", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "year"], name="servicedesk_seq_unique")
        ]

    def __str__(self) -> str:
        return f"{self.project_id}/{self.year}: {self.last}"


@register(mask_fields=["caller_phone"], exclude_fields=["version"])
class WorkOrder(KefuModel):
    """One record per request, whatever the channel (R-TKT-01)."""

    number = models.CharField(_("工单号"), max_length=30, unique=True, editable=False)
    project = models.ForeignKey(
        "org.Project", on_delete=models.PROTECT, related_name="work_orders", verbose_name=_("项目")
    )
    order_type = models.CharField(_("类型"), max_length=20, choices=OrderType.choices)
    channel = models.CharField(
        _("渠道"), max_length=20, choices=Channel.choices, default=Channel.PHONE
    )
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orders",
        verbose_name=_("分类"),
    )
    service_category = models.CharField(
        _("服务类别"), max_length=10, choices=ServiceCategory.choices, default=ServiceCategory.FREE
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.NEW, db_index=True
    )
    held_from = models.CharField(_("挂起前状态"), max_length=20, blank=True, editable=False)

    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="work_orders",
        verbose_name=_("客户"),
    )
    caller_name = models.CharField(_("来电人"), max_length=50, blank=True)
    caller_phone = models.CharField(_("来电号码"), max_length=20, blank=True)
    unit = models.ForeignKey(
        "customers.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="work_orders",
        verbose_name=_("房屋"),
    )
    address = models.CharField(_("地址/位置"), max_length=200, blank=True)
    title = models.CharField(_("摘要"), max_length=100)
    description = models.TextField(_("内容描述"))

    complaint_class = models.CharField(
        _("投诉性质"), max_length=20, choices=ComplaintClass.choices, blank=True
    )
    severity = models.CharField(_("严重程度"), max_length=10, choices=Severity.choices, blank=True)
    is_emergency = models.BooleanField(_("紧急"), default=False)
    equipment_down = models.BooleanField(
        _("停机"), default=False, help_text=_("设备停机，特别关注（R-TKT-11）。")
    )

    received_at = models.DateTimeField(_("受理时间"), db_index=True)
    receiver = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="received_orders", verbose_name=_("接待人")
    )
    owner = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="owned_orders", verbose_name=_("首问负责人")
    )
    requested_by = models.DateTimeField(_("客户要求完成时间"), null=True, blank=True)
    appointment_at = models.DateTimeField(_("预约时间"), null=True, blank=True)

    department = models.ForeignKey(
        "org.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="work_orders",
        verbose_name=_("责任部门"),
    )
    assignee = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_orders",
        verbose_name=_("处理人"),
    )
    contractor = models.CharField(_("外包单位"), max_length=100, blank=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("关联原工单"),
    )

    dispatched_at = models.DateTimeField(_("派工时间"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("接单时间"), null=True, blank=True)
    departed_at = models.DateTimeField(_("出发时间"), null=True, blank=True)
    arrived_at = models.DateTimeField(_("到场时间"), null=True, blank=True)
    started_at = models.DateTimeField(_("开始处理时间"), null=True, blank=True)
    answered_at = models.DateTimeField(_("答复客户时间"), null=True, blank=True)
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)
    resolution = models.TextField(_("处理结果"), blank=True)
    confirmed_by = models.CharField(_("确认人"), max_length=50, blank=True)
    confirmation_method = models.CharField(
        _("确认方式"), max_length=20, choices=ConfirmationMethod.choices, blank=True
    )
    customer_materials = models.TextField(_("客户自备材料"), blank=True)
    amount_to_finance = models.DecimalField(
        _("交财务金额（元）"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )

    sla_policy = models.ForeignKey(
        "SlaPolicy",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("时限标准"),
    )
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)

    project_scope = "project"

    @classmethod
    def visible_to(cls, user, action: str = "view"):
        """Orders the user may see: their projects' orders with ``view_project_orders``;
        otherwise (technicians, other departments) only orders they own, were dispatched to
        them, or to their department/station (issue 3 item 13)."""
        qs = cls.objects.restrict(user, action)
        if user.has_perm("servicedesk.view_project_orders"):
            return qs
        staff = getattr(user, "staff", None)
        mine = Q(assignee=user) | Q(owner=user) | Q(receiver=user)
        if staff is not None:
            mine |= Q(department_id=staff.department_id)
        return qs.filter(mine)

    class Meta:
        verbose_name = _("工单")
        verbose_name_plural = pgettext_lazy("plural", "工单")
        ordering = ["-id"]
        permissions = [
            ("view_project_orders", _("查看本项目全部工单")),
            ("dispatch_order", _("派工/改派")),
            ("transfer_order", _("转交首问责任")),
            ("approve_compensation_department", _("审批赔偿（部门经理：≤1000元）")),
            ("approve_compensation_vp", _("审批赔偿（副总经理：≤5000元）")),
            ("approve_compensation_gm", _("审批赔偿（总经理：不限）")),
        ]
        indexes = [
            models.Index(fields=["project", "status", "-id"], name="sd_order_proj_status"),
            models.Index(fields=["owner", "status"], name="sd_order_owner_status"),
            models.Index(fields=["assignee", "status"], name="sd_order_assignee_status"),
            models.Index(fields=["department", "status"], name="sd_order_dept_status"),
            models.Index(fields=["unit", "status"], name="sd_order_unit_status"),
            models.Index(fields=["customer", "-id"], name="sd_order_customer"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(customer__isnull=False) | ~Q(caller_phone=""),
                name="servicedesk_order_has_contact",
                violation_error_message=_("工单必须有客户，或至少有来电号码。"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class OrderEvent(models.Model):
    """The order's timeline: every transition and step, who and when (typed event log)."""

    order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("事件"), max_length=30)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    actor = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作人"),
    )
    at = models.DateTimeField(_("时间"), db_index=True)
    note = models.TextField(_("说明"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    objects = RestrictedQuerySet.as_manager()
    project_scope = "order__project"

    class Meta:
        verbose_name = _("工单事件")
        verbose_name_plural = pgettext_lazy("plural", "工单事件")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["order", "at"], name="sd_event_order_at")]

    def __str__(self) -> str:
        return f"{self.order_id} {self.kind}"


@register
class OrderNote(KefuModel):
    order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("记录人")
    )
    text = models.TextField(_("内容"))
    customer_visible = models.BooleanField(_("客户可见"), default=False)

    project_scope = "order__project"

    class Meta:
        verbose_name = _("工单备注")
        verbose_name_plural = pgettext_lazy("plural", "工单备注")
        ordering = ["created"]

    def __str__(self) -> str:
        return self.text[:30]


@register
class Attachment(KefuModel):
    order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("文件"), upload_to="orders/%Y/%m/")
    name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小（字节）"))
    uploaded_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("上传人")
    )
    stage = models.CharField(
        _("环节"), max_length=20, blank=True, help_text=_("如 受理、现场、完工")
    )

    project_scope = "order__project"

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = pgettext_lazy("plural", "附件")
        ordering = ["created"]

    def __str__(self) -> str:
        return self.name


@register
class SlaPolicy(KefuModel):
    """Conditions → targets. The most specific active policy that matches an order applies."""

    name = models.CharField(_("名称"), max_length=100)
    preset = models.CharField(_("来源预设"), max_length=50, blank=True)
    project = models.ForeignKey(
        "org.Project",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="sla_policies",
        verbose_name=_("项目"),
        help_text=_("留空表示全公司适用。"),
    )
    order_type = models.CharField(_("工单类型"), max_length=20, choices=OrderType.choices)
    category = models.ForeignKey(
        Category,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("分类（含下级）"),
    )
    severity = models.CharField(_("严重程度"), max_length=10, choices=Severity.choices, blank=True)
    channel = models.CharField(_("渠道"), max_length=20, choices=Channel.choices, blank=True)
    customer_grade = models.CharField(_("客户等级"), max_length=2, blank=True)
    category_flag = models.CharField(
        _("分类特征"),
        max_length=10,
        blank=True,
        choices=[("safety", _("安全设施类")), ("leak", _("渗漏类"))],
        help_text=_("工单分类（或其上级）标为安全设施/渗漏时适用（R-CB-04）。"),
    )
    priority = models.SmallIntegerField(
        _("优先级"), default=0, help_text=_("条件同样具体时，数值大的优先。")
    )
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("时限标准")
        verbose_name_plural = pgettext_lazy("plural", "时限标准")
        ordering = ["order_type", "-priority", "name"]

    def __str__(self) -> str:
        return self.name


@register
class SlaTarget(KefuModel):
    policy = models.ForeignKey(SlaPolicy, on_delete=models.CASCADE, related_name="targets")
    metric = models.CharField(_("指标"), max_length=20, choices=Metric.choices)
    amount = models.DecimalField(
        _("时限"), max_digits=8, decimal_places=2, validators=[MinValueValidator(0)]
    )
    unit = models.CharField(_("单位"), max_length=20, choices=DurationUnit.choices)
    start_event = models.CharField(
        _("起算"),
        max_length=20,
        default="received",
        help_text=_("received / dispatched / acknowledged / completed / appointment"),
    )
    use_appointment = models.BooleanField(
        _("有预约时以预约时间为准"),
        default=False,
        help_text=_("到场时限：有预约或有偿工作以预约时间为准（R-TKT-08）。"),
    )
    use_requested_by = models.BooleanField(
        _("客户要求更早时以客户要求为准"),
        default=False,
        help_text=_("如一般投诉 2 天内或按客户要求的期限处理（R-TKT-05）。"),
    )
    repeat_every_days = models.PositiveSmallIntegerField(
        _("重复间隔（天）"),
        null=True,
        blank=True,
        help_text=_("未解决时每隔几天重复一次（如投诉进度回访每 2 天，R-CB-03）。"),
    )
    escalation = models.JSONField(
        _("升级步骤"),
        default=list,
        blank=True,
        help_text=_(
            '如 [{"at_percent": 80, "notify": "owner"}, '
            '{"at_percent": 100, "notify": "supervisor"}]'
        ),
    )

    class Meta:
        verbose_name = _("时限目标")
        verbose_name_plural = pgettext_lazy("plural", "时限目标")
        ordering = ["policy", "metric"]
        constraints = [
            models.UniqueConstraint(
                fields=["policy", "metric"],
                name="servicedesk_target_unique_metric",
                violation_error_message=_("该标准已有此指标。"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_metric_display()} {self.amount:g} {self.get_unit_display()}"


class OrderDeadline(models.Model):
    """A deadline stored on the order (not an in-memory timer): due, paused, met or breached.

    ``next_check_at`` is when the escalation sweep must next look at this row (the next
    escalation threshold), so a sweep reads only the rows that are due — indexed, incremental.
    """

    order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="deadlines")
    metric = models.CharField(_("指标"), max_length=20, choices=Metric.choices)
    target = models.ForeignKey(
        SlaTarget, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField(
        _("起算时间"), null=True, blank=True, help_text=_("为空：起算事件尚未发生。")
    )
    due_at = models.DateTimeField(_("截止时间"), null=True, blank=True)
    pauses = models.JSONField(
        _("暂停记录"),
        default=list,
        blank=True,
        help_text=_("已结束的暂停 [暂停于, 恢复于]：重新计算时限时挂起时间不计。"),
    )
    paused_at = models.DateTimeField(_("暂停于"), null=True, blank=True)
    remaining_seconds = models.FloatField(
        _("暂停时剩余（秒）"),
        null=True,
        blank=True,
        help_text=_("暂停时剩余的计时：工作日/工作小时目标按工作时间计。"),
    )
    met_at = models.DateTimeField(_("达成时间"), null=True, blank=True)
    breached = models.BooleanField(_("已超时"), default=False)
    escalation_level = models.PositiveSmallIntegerField(_("已升级步数"), default=0)
    next_check_at = models.DateTimeField(null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()
    project_scope = "order__project"

    class Meta:
        verbose_name = _("工单时限")
        verbose_name_plural = pgettext_lazy("plural", "工单时限")
        ordering = ["due_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["order", "metric"], name="servicedesk_deadline_unique_metric"
            )
        ]
        indexes = [
            models.Index(
                fields=["next_check_at"],
                name="sd_deadline_next_check",
                condition=Q(next_check_at__isnull=False),
            ),
            models.Index(
                fields=["due_at"], name="sd_deadline_open_due", condition=Q(met_at__isnull=True)
            ),
            # "breached=true" filter of the board and lists (an EXISTS per order): few rows.
            models.Index(fields=["order"], name="sd_deadline_breached", condition=Q(breached=True)),
        ]

    def __str__(self) -> str:
        return f"{self.order_id} {self.metric} {self.due_at}"


@register
class Callback(KefuModel):
    """A callback task and, once made, its record (R-CB-01…05)."""

    order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="callbacks")
    kind = models.CharField(_("回访类别"), max_length=20, choices=CallbackKind.choices)
    due_at = models.DateTimeField(_("应回访时间"), db_index=True)
    assigned_to = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="callbacks",
        verbose_name=_("回访人"),
    )
    done_at = models.DateTimeField(_("回访时间"), null=True, blank=True)
    done_by = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("实际回访人"),
    )
    method = models.CharField(_("方式"), max_length=10, choices=CallbackMethod.choices, blank=True)
    questions = models.TextField(_("回访内容"), blank=True)
    customer_words = models.TextField(_("客户意见"), blank=True)
    result = models.CharField(_("结果"), max_length=20, choices=CallbackResult.choices, blank=True)
    visit_confirmed_by = models.CharField(_("上门回访客户签字"), max_length=50, blank=True)

    project_scope = "order__project"

    class Meta:
        verbose_name = _("回访")
        verbose_name_plural = pgettext_lazy("plural", "回访")
        ordering = ["due_at", "id"]
        indexes = [models.Index(fields=["done_at", "due_at"], name="sd_callback_worklist")]

    def __str__(self) -> str:
        return f"{self.order} {self.get_kind_display()}"


@register
class Rating(KefuModel):
    """R-SAT-01: four items × four levels."""

    order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="ratings")
    callback = models.OneToOneField(
        Callback, on_delete=models.SET_NULL, null=True, blank=True, related_name="rating"
    )
    attitude = models.PositiveSmallIntegerField(_("服务态度"), choices=RatingLevel.choices)
    technique = models.PositiveSmallIntegerField(_("技术水平"), choices=RatingLevel.choices)
    timeliness = models.PositiveSmallIntegerField(_("到场及时"), choices=RatingLevel.choices)
    promise = models.PositiveSmallIntegerField(_("承诺兑现"), choices=RatingLevel.choices)
    rated_by = models.CharField(_("评价人"), max_length=50, blank=True)
    recorded_by = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("记录人"),
    )
    staff = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ratings_received",
        verbose_name=_("被评价员工"),
    )

    project_scope = "order__project"

    class Meta:
        verbose_name = _("满意度评价")
        verbose_name_plural = pgettext_lazy("plural", "满意度评价")
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.order} {self.average:.2f}"

    @property
    def average(self) -> float:
        return (self.attitude + self.technique + self.timeliness + self.promise) / 4


@register
class PriceItem(KefuModel):
    """A paid-service price list line per project (R-TKT-08, R-PROP-05)."""

    project = models.ForeignKey(
        "org.Project", on_delete=models.CASCADE, related_name="price_items", verbose_name=_("项目")
    )
    code = models.CharField(_("编号"), max_length=20)
    name = models.CharField(_("项目名称"), max_length=100)
    unit = models.CharField(_("计价单位"), max_length=20, default="次")
    price = models.DecimalField(
        _("单价（元）"), max_digits=10, decimal_places=2, validators=[MinValueValidator(0)]
    )
    is_active = models.BooleanField(_("启用"), default=True)

    project_scope = "project"

    class Meta:
        verbose_name = _("有偿服务价目")
        verbose_name_plural = pgettext_lazy("plural", "有偿服务价目")
        ordering = ["project", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "code"],
                name="servicedesk_price_unique_code",
                violation_error_message=_("该项目已有此价目编号。"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.price}元/{self.unit}"


@register
class Quote(KefuModel):
    """The quote the customer accepts *before* paid work starts (R-TKT-08)."""

    order = models.OneToOneField(WorkOrder, on_delete=models.CASCADE, related_name="quote")
    total = models.DecimalField(_("合计（元）"), max_digits=10, decimal_places=2, default=0)
    accepted_at = models.DateTimeField(_("客户确认时间"), null=True, blank=True)
    accepted_by = models.CharField(_("确认人"), max_length=50, blank=True)
    acceptance_method = models.CharField(
        _("确认方式"), max_length=20, choices=ConfirmationMethod.choices, blank=True
    )
    prepared_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("报价人")
    )

    project_scope = "order__project"

    class Meta:
        verbose_name = _("报价")
        verbose_name_plural = pgettext_lazy("plural", "报价")

    def __str__(self) -> str:
        return f"{self.order} {self.total}元"


class QuoteLine(models.Model):
    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="lines")
    price_item = models.ForeignKey(
        PriceItem, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    description = models.CharField(_("内容"), max_length=100)
    quantity = models.DecimalField(
        _("数量"), max_digits=8, decimal_places=2, validators=[MinValueValidator(0)]
    )
    unit_price = models.DecimalField(
        _("单价"), max_digits=10, decimal_places=2, validators=[MinValueValidator(0)]
    )

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.description} × {self.quantity}"

    @property
    def amount(self):
        return self.quantity * self.unit_price


@register
class Compensation(KefuModel):
    """A complaint settlement routed to its approver by amount (R-TKT-10)."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("待审批")
        APPROVED = "approved", _("已批准")
        REJECTED = "rejected", _("已驳回")
        CUSTOMER_REJECTED = "customer_rejected", _("客户不接受")

    order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="compensations")
    amount = models.DecimalField(
        _("金额（元）"), max_digits=10, decimal_places=2, validators=[MinValueValidator(0)]
    )
    reason = models.TextField(_("事由"))
    approver_level = models.CharField(_("审批层级"), max_length=30)
    status = models.CharField(
        _("状态"), max_length=20, choices=Decision.choices, default=Decision.PENDING
    )
    requested_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("申请人")
    )
    decided_by = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("审批人"),
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.TextField(_("审批意见"), blank=True)
    follow_up = models.ForeignKey(
        WorkOrder,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("新投诉"),
    )

    project_scope = "order__project"

    class Meta:
        verbose_name = _("赔偿")
        verbose_name_plural = pgettext_lazy("plural", "赔偿")
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.order} {self.amount}元"


@register
class IncidentReport(KefuModel):
    """R-TKT-14: scene, losses, the 24-hour report, the elevator-entrapment checklist."""

    order = models.OneToOneField(WorkOrder, on_delete=models.CASCADE, related_name="incident")
    location = models.CharField(_("地点"), max_length=100)
    losses = models.TextField(_("损失统计"), blank=True)
    report_due_at = models.DateTimeField(_("报告截止"))
    report_submitted_at = models.DateTimeField(_("报告提交时间"), null=True, blank=True)
    report = models.TextField(_("事件报告"), blank=True)
    elevator_no = models.CharField(_("电梯编号"), max_length=20, blank=True)
    floor = models.CharField(_("所在楼层"), max_length=20, blank=True)
    technician_notified_at = models.DateTimeField(_("通知电梯技术员时间"), null=True, blank=True)
    fire_service_called = models.BooleanField(_("已报消防"), default=False)

    project_scope = "order__project"

    class Meta:
        verbose_name = _("突发事件")
        verbose_name_plural = pgettext_lazy("plural", "突发事件")

    def __str__(self) -> str:
        return f"{self.order} {self.location}"
