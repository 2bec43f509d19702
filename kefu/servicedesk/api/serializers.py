"""Service-desk API serializers (issue 3 item 13).

Orders are read through ``WorkOrderSerializer`` and written only through the service functions
in ``kefu.servicedesk.actions`` (create, transition, transfer, classify, notes): the input
serializers here check types and scope, the services check the rules.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from kefu.core.api.fields import BriefRelatedField
from kefu.core.api.serializers import ValidatedModelSerializer
from kefu.core.validators import mask_phone
from kefu.customers.models import Customer, Unit
from kefu.org.models import Department, Project
from kefu.servicedesk import workflow
from kefu.servicedesk.choices import (
    CallbackMethod,
    CallbackResult,
    Channel,
    ComplaintClass,
    ConfirmationMethod,
    OrderType,
    RatingLevel,
    Severity,
)
from kefu.servicedesk.models import (
    Attachment,
    Callback,
    Category,
    Compensation,
    IncidentReport,
    OrderDeadline,
    OrderEvent,
    OrderNote,
    PriceItem,
    Quote,
    QuoteLine,
    Rating,
    SlaPolicy,
    SlaTarget,
    WorkOrder,
)

User = get_user_model()

# Attachments: photos and PDFs only, at most 10 MB (issue 3 "Bad input").
ATTACHMENT_MAX_BYTES = getattr(settings, "KEFU_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
# Leading bytes of the formats we can recognise; others of type image/* pass on the type.
SIGNATURES = {
    "application/pdf": (b"%PDF",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/gif": (b"GIF87a", b"GIF89a"),
}


def UserField(**kwargs) -> BriefRelatedField:
    return BriefRelatedField(brief_fields=("id", "username"), **kwargs)


class DeadlineBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrderDeadline
        fields = ["metric", "due_at", "met_at", "breached"]


class CustomerBriefSerializer(serializers.ModelSerializer):
    """Name and masked phone (R-SEC-01); the full number only via the customers reveal action."""

    phone = serializers.SerializerMethodField()

    class Meta:
        model = Customer
        fields = ["id", "name", "phone"]

    def get_phone(self, obj) -> str:
        return mask_phone(obj.phone)


class WorkOrderSerializer(serializers.ModelSerializer):
    project = BriefRelatedField(read_only=True, brief_fields=("id", "code", "name"))
    category = BriefRelatedField(read_only=True)
    customer = CustomerBriefSerializer(read_only=True)
    caller_phone = serializers.SerializerMethodField()
    unit = BriefRelatedField(read_only=True, brief_fields=("id", "code"))
    department = BriefRelatedField(read_only=True)
    receiver = UserField(read_only=True)
    owner = UserField(read_only=True)
    assignee = UserField(read_only=True)
    deadlines = DeadlineBriefSerializer(many=True, read_only=True)
    allowed_actions = serializers.SerializerMethodField()

    class Meta:
        model = WorkOrder
        fields = [
            "id",
            "number",
            "project",
            "order_type",
            "channel",
            "service_category",
            "category",
            "status",
            "customer",
            "caller_name",
            "caller_phone",
            "unit",
            "address",
            "title",
            "description",
            "complaint_class",
            "severity",
            "is_emergency",
            "equipment_down",
            "received_at",
            "receiver",
            "owner",
            "requested_by",
            "appointment_at",
            "department",
            "assignee",
            "contractor",
            "parent",
            "dispatched_at",
            "acknowledged_at",
            "departed_at",
            "arrived_at",
            "started_at",
            "answered_at",
            "completed_at",
            "closed_at",
            "resolution",
            "confirmed_by",
            "confirmation_method",
            "customer_materials",
            "amount_to_finance",
            "deadlines",
            "allowed_actions",
            "version",
            "created",
            "last_updated",
        ]
        read_only_fields = fields

    def get_caller_phone(self, obj) -> str:
        return mask_phone(obj.caller_phone)

    def get_allowed_actions(self, obj) -> list[str]:
        return workflow.allowed_actions(obj.status)


class WorkOrderCreateSerializer(serializers.Serializer):
    """Input for ``actions.create_order``; related records limited to what the caller sees."""

    project = BriefRelatedField(queryset=Project.objects.all())
    order_type = serializers.ChoiceField(choices=OrderType.choices)
    channel = serializers.ChoiceField(choices=Channel.choices, required=False)
    category = BriefRelatedField(queryset=Category.objects.all(), required=False, allow_null=True)
    customer = BriefRelatedField(queryset=Customer.objects.all(), required=False, allow_null=True)
    caller_name = serializers.CharField(required=False, allow_blank=True, max_length=50)
    caller_phone = serializers.CharField(required=False, allow_blank=True, max_length=20)
    unit = BriefRelatedField(
        queryset=Unit.objects.all(), brief_fields=("id", "code"), required=False, allow_null=True
    )
    address = serializers.CharField(required=False, allow_blank=True, max_length=200)
    title = serializers.CharField(max_length=100)
    description = serializers.CharField()
    complaint_class = serializers.ChoiceField(
        choices=ComplaintClass.choices, required=False, allow_blank=True
    )
    severity = serializers.ChoiceField(choices=Severity.choices, required=False, allow_blank=True)
    is_emergency = serializers.BooleanField(required=False)
    equipment_down = serializers.BooleanField(required=False)
    requested_by = serializers.DateTimeField(required=False, allow_null=True)
    appointment_at = serializers.DateTimeField(required=False, allow_null=True)
    contractor = serializers.CharField(required=False, allow_blank=True, max_length=100)
    department = BriefRelatedField(
        queryset=Department.objects.all(), required=False, allow_null=True
    )
    parent = serializers.PrimaryKeyRelatedField(
        queryset=WorkOrder.objects.all(), required=False, allow_null=True
    )


class TransitionSerializer(serializers.Serializer):
    """One lifecycle step; ``version`` is the order's version as read (optimistic locking)."""

    action = serializers.ChoiceField(choices=[(c, a.label) for c, a in workflow.ACTIONS.items()])
    version = serializers.IntegerField(required=False, min_value=1)
    note = serializers.CharField(required=False, allow_blank=True)
    department = BriefRelatedField(queryset=Department.objects.all(), required=False)
    assignee = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False
    )
    reason = serializers.CharField(required=False, allow_blank=True)
    appointment_at = serializers.DateTimeField(required=False)
    resolution = serializers.CharField(required=False, allow_blank=True)
    confirmed_by = serializers.CharField(required=False, allow_blank=True, max_length=50)
    confirmation_method = serializers.ChoiceField(
        choices=ConfirmationMethod.choices, required=False, allow_blank=True
    )
    customer_materials = serializers.CharField(required=False, allow_blank=True)
    amount_to_finance = serializers.DecimalField(
        max_digits=10,
        decimal_places=2,
        required=False,
        min_value=0,
        error_messages={"min_value": _("金额不能为负数。"), "invalid": _("请输入有效的金额。")},
    )


class TransferSerializer(serializers.Serializer):
    owner = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True))
    reason = serializers.CharField()
    version = serializers.IntegerField(required=False, min_value=1)


class ClassifySerializer(serializers.Serializer):
    complaint_class = serializers.ChoiceField(choices=ComplaintClass.choices)
    severity = serializers.ChoiceField(choices=Severity.choices)
    reason = serializers.CharField(required=False, allow_blank=True)
    version = serializers.IntegerField(required=False, min_value=1)


class OrderEventSerializer(serializers.ModelSerializer):
    actor = UserField(read_only=True)

    class Meta:
        model = OrderEvent
        fields = ["id", "kind", "from_status", "to_status", "actor", "at", "note", "data"]


class OrderNoteSerializer(serializers.ModelSerializer):
    author = UserField(read_only=True)

    class Meta:
        model = OrderNote
        fields = ["id", "order", "author", "text", "customer_visible", "created"]
        read_only_fields = ["order"]


class AttachmentSerializer(serializers.ModelSerializer):
    uploaded_by = UserField(read_only=True)

    class Meta:
        model = Attachment
        fields = [
            "id",
            "order",
            "file",
            "name",
            "content_type",
            "size",
            "stage",
            "uploaded_by",
            "created",
        ]
        read_only_fields = ["order", "name", "content_type", "size"]

    def validate_file(self, upload):
        if upload.size > ATTACHMENT_MAX_BYTES:
            raise serializers.ValidationError(
                _("附件不能超过 %(mb)s MB（当前 %(size).1f MB）。")
                % {"mb": ATTACHMENT_MAX_BYTES // (1024 * 1024), "size": upload.size / 1048576}
            )
        declared = (getattr(upload, "content_type", "") or "").lower()
        if not (declared.startswith("image/") or declared == "application/pdf"):
            raise serializers.ValidationError(
                _("只能上传图片或 PDF 文件（收到的类型：%(type)s）。")
                % {"type": declared or "未知"}
            )
        signatures = SIGNATURES.get(declared)
        if signatures is not None:
            head = upload.read(16)
            upload.seek(0)
            if not head.startswith(signatures):
                raise serializers.ValidationError(
                    _("文件内容与类型 %(type)s 不符。") % {"type": declared}
                )
        return upload


class CallbackSerializer(serializers.ModelSerializer):
    order = BriefRelatedField(read_only=True, brief_fields=("id", "number"))
    assigned_to = UserField(read_only=True)
    done_by = UserField(read_only=True)

    class Meta:
        model = Callback
        fields = [
            "id",
            "order",
            "kind",
            "due_at",
            "assigned_to",
            "done_at",
            "done_by",
            "method",
            "questions",
            "customer_words",
            "result",
            "visit_confirmed_by",
            "created",
        ]
        read_only_fields = fields


class RatingInputSerializer(serializers.Serializer):
    attitude = serializers.ChoiceField(choices=RatingLevel.choices)
    technique = serializers.ChoiceField(choices=RatingLevel.choices)
    timeliness = serializers.ChoiceField(choices=RatingLevel.choices)
    promise = serializers.ChoiceField(choices=RatingLevel.choices)
    rated_by = serializers.CharField(required=False, allow_blank=True, max_length=50, default="")


class CallbackRecordSerializer(serializers.Serializer):
    """The callback record (R-CB-01…05); a door visit records the customer's confirmation."""

    method = serializers.ChoiceField(choices=CallbackMethod.choices)
    result = serializers.ChoiceField(choices=CallbackResult.choices)
    questions = serializers.CharField(required=False, allow_blank=True)
    customer_words = serializers.CharField(required=False, allow_blank=True)
    visit_confirmed_by = serializers.CharField(required=False, allow_blank=True, max_length=50)
    rating = RatingInputSerializer(required=False)


class RatingSerializer(serializers.ModelSerializer):
    order = BriefRelatedField(read_only=True, brief_fields=("id", "number"))
    recorded_by = UserField(read_only=True)
    staff = UserField(read_only=True)
    average = serializers.FloatField(read_only=True)

    class Meta:
        model = Rating
        fields = [
            "id",
            "order",
            "callback",
            "attitude",
            "technique",
            "timeliness",
            "promise",
            "average",
            "rated_by",
            "recorded_by",
            "staff",
            "created",
        ]
        read_only_fields = fields


class RatingCreateSerializer(RatingInputSerializer):
    order = serializers.PrimaryKeyRelatedField(queryset=WorkOrder.objects.all())
    callback = serializers.PrimaryKeyRelatedField(
        queryset=Callback.objects.all(), required=False, allow_null=True
    )


class CategorySerializer(ValidatedModelSerializer):
    parent = serializers.PrimaryKeyRelatedField(
        queryset=Category.objects.all(), required=False, allow_null=True
    )
    path = serializers.SerializerMethodField(help_text="完整路径，如 报修 › 水电 › 漏水")

    class Meta:
        model = Category
        fields = [
            "id",
            "parent",
            "path",
            "name",
            "order_type",
            "department_kind",
            "description_template",
            "is_safety",
            "is_leak",
            "sort",
            "is_active",
        ]

    def get_path(self, obj) -> str:
        names = self.context.get("category_names")
        if not names or obj.pk not in names or obj.parent_id not in (None, *names):
            return str(obj)
        chain, node, seen = [], obj.pk, set()
        while node is not None and node not in seen and node in names:
            seen.add(node)
            name, node = names[node]
            chain.append(name)
        return " › ".join(reversed(chain))


class SlaTargetSerializer(serializers.ModelSerializer):
    class Meta:
        model = SlaTarget
        fields = [
            "id",
            "metric",
            "amount",
            "unit",
            "start_event",
            "use_appointment",
            "repeat_every_days",
            "escalation",
        ]


class SlaPolicySerializer(ValidatedModelSerializer):
    """A policy with its targets; writing ``targets`` replaces the policy's targets."""

    project = BriefRelatedField(
        queryset=Project.objects.all(),
        brief_fields=("id", "code", "name"),
        required=False,
        allow_null=True,
    )
    category = serializers.PrimaryKeyRelatedField(
        queryset=Category.objects.all(), required=False, allow_null=True
    )
    targets = SlaTargetSerializer(many=True, required=False)

    class Meta:
        model = SlaPolicy
        fields = [
            "id",
            "name",
            "preset",
            "project",
            "order_type",
            "category",
            "severity",
            "channel",
            "customer_grade",
            "priority",
            "is_active",
            "targets",
            "created",
            "last_updated",
        ]

    def validate(self, attrs):
        targets = attrs.pop("targets", None)
        attrs = super().validate(attrs)
        if targets is not None:
            metrics = [t["metric"] for t in targets]
            if len(metrics) != len(set(metrics)):
                raise serializers.ValidationError({"targets": [_("同一指标只能设置一个时限。")]})
            attrs["targets"] = targets
        return attrs

    def _write_targets(self, policy, targets):
        from django.core.exceptions import ValidationError as DjangoValidationError

        from kefu.core.api.serializers import django_error_detail

        policy.targets.all().delete()
        for index, data in enumerate(targets):
            target = SlaTarget(policy=policy, **data)
            try:
                target.full_clean(exclude=["policy"])
            except DjangoValidationError as exc:
                raise serializers.ValidationError(
                    {"targets": {index: django_error_detail(exc)}}
                ) from exc
            target.save()

    @transaction.atomic
    def create(self, validated_data):
        targets = validated_data.pop("targets", [])
        policy = super().create(validated_data)
        self._write_targets(policy, targets)
        return policy

    @transaction.atomic
    def update(self, instance, validated_data):
        targets = validated_data.pop("targets", None)
        policy = super().update(instance, validated_data)
        if targets is not None:
            self._write_targets(policy, targets)
        return policy


class PriceItemSerializer(ValidatedModelSerializer):
    project = BriefRelatedField(queryset=Project.objects.all(), brief_fields=("id", "code", "name"))

    class Meta:
        model = PriceItem
        fields = ["id", "project", "code", "name", "unit", "price", "is_active"]


class CompensationSerializer(serializers.ModelSerializer):
    order = BriefRelatedField(read_only=True, brief_fields=("id", "number"))
    requested_by = UserField(read_only=True)
    decided_by = UserField(read_only=True)
    follow_up = BriefRelatedField(read_only=True, brief_fields=("id", "number"))

    class Meta:
        model = Compensation
        fields = [
            "id",
            "order",
            "amount",
            "reason",
            "approver_level",
            "status",
            "requested_by",
            "decided_by",
            "decided_at",
            "decision_note",
            "follow_up",
            "created",
        ]
        read_only_fields = fields


class CompensationCreateSerializer(serializers.Serializer):
    order = serializers.PrimaryKeyRelatedField(queryset=WorkOrder.objects.all())
    amount = serializers.DecimalField(
        max_digits=10,
        decimal_places=2,
        min_value=0,
        error_messages={"min_value": _("金额不能为负数。"), "invalid": _("请输入有效的金额。")},
    )
    reason = serializers.CharField()


class CompensationDecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(
        choices=[
            (Compensation.Decision.APPROVED, Compensation.Decision.APPROVED.label),
            (Compensation.Decision.REJECTED, Compensation.Decision.REJECTED.label),
            (
                Compensation.Decision.CUSTOMER_REJECTED,
                Compensation.Decision.CUSTOMER_REJECTED.label,
            ),
        ]
    )
    note = serializers.CharField(required=False, allow_blank=True)


class CountSerializer(serializers.Serializer):
    value = serializers.JSONField(allow_null=True)
    label = serializers.CharField(allow_null=True)
    count = serializers.IntegerField()


class DailySummarySerializer(serializers.Serializer):
    date = serializers.DateField()
    received = serializers.IntegerField()
    by_type = CountSerializer(many=True)
    by_status = CountSerializer(many=True)
    by_department = CountSerializer(many=True)
    deadlines_due = serializers.IntegerField()
    deadlines_met = serializers.IntegerField()
    sla_met_percent = serializers.FloatField(allow_null=True)
    completed = serializers.IntegerField()
    callbacks_done = serializers.IntegerField()
    callback_rate = serializers.FloatField(allow_null=True)
    ratings = serializers.IntegerField()
    satisfaction = serializers.FloatField(allow_null=True)


# ---------------------------------------------------------------------------------------------
# Paid service (R-TKT-08) and incidents (R-TKT-14). Amounts are not range-checked here: the
# services (``rules.parse_amount``) refuse negative ones with their Chinese message.


class QuoteLineInputSerializer(serializers.Serializer):
    price_item = serializers.PrimaryKeyRelatedField(
        queryset=PriceItem.objects.all(), required=False, allow_null=True
    )
    description = serializers.CharField(required=False, allow_blank=True, max_length=100)
    quantity = serializers.DecimalField(max_digits=8, decimal_places=2, default=1)
    unit_price = serializers.DecimalField(
        max_digits=10,
        decimal_places=2,
        required=False,
        allow_null=True,
        help_text=_("不填时按价目表单价"),
    )


class QuoteInputSerializer(serializers.Serializer):
    lines = QuoteLineInputSerializer(many=True)


class QuoteLineSerializer(serializers.ModelSerializer):
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)

    class Meta:
        model = QuoteLine
        fields = ["id", "price_item", "description", "quantity", "unit_price", "amount"]
        read_only_fields = fields


class QuoteSerializer(serializers.ModelSerializer):
    order = BriefRelatedField(read_only=True, brief_fields=("id", "number"))
    prepared_by = UserField(read_only=True)
    lines = QuoteLineSerializer(many=True, read_only=True)

    class Meta:
        model = Quote
        fields = [
            "id",
            "order",
            "total",
            "lines",
            "prepared_by",
            "accepted_at",
            "accepted_by",
            "acceptance_method",
            "created",
        ]
        read_only_fields = fields


class QuoteAcceptSerializer(serializers.Serializer):
    accepted_by = serializers.CharField(max_length=50)
    method = serializers.ChoiceField(choices=ConfirmationMethod.choices)


class FinanceSerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    customer_materials = serializers.CharField(required=False, allow_blank=True)


class IncidentSerializer(serializers.ModelSerializer):
    order = BriefRelatedField(read_only=True, brief_fields=("id", "number", "title", "status"))
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = IncidentReport
        fields = [
            "id",
            "order",
            "location",
            "losses",
            "elevator_no",
            "floor",
            "technician_notified_at",
            "fire_service_called",
            "report_due_at",
            "report_submitted_at",
            "report",
            "overdue",
        ]
        read_only_fields = fields

    def get_overdue(self, obj) -> bool:
        """The 24-hour report is missing past its due time (R-TKT-14)."""
        from django.utils import timezone

        return obj.report_submitted_at is None and obj.report_due_at < timezone.now()


class IncidentChecklistSerializer(serializers.Serializer):
    losses = serializers.CharField(required=False, allow_blank=True)
    elevator_no = serializers.CharField(required=False, allow_blank=True, max_length=20)
    floor = serializers.CharField(required=False, allow_blank=True, max_length=20)
    technician_notified_at = serializers.DateTimeField(required=False, allow_null=True)
    fire_service_called = serializers.BooleanField(required=False)


class IncidentCreateSerializer(IncidentChecklistSerializer):
    project = serializers.PrimaryKeyRelatedField(queryset=Project.objects.all())
    title = serializers.CharField(max_length=100)
    description = serializers.CharField()
    location = serializers.CharField(max_length=100)
    elevator_entrapment = serializers.BooleanField(default=False)
    caller_name = serializers.CharField(required=False, allow_blank=True, max_length=50)
    caller_phone = serializers.CharField(required=False, allow_blank=True, max_length=20)
    unit = serializers.PrimaryKeyRelatedField(
        queryset=Unit.objects.all(), required=False, allow_null=True
    )
    received_at = serializers.DateTimeField(required=False)


class IncidentReportSubmitSerializer(serializers.Serializer):
    report = serializers.CharField()
