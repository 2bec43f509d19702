"""Service-desk REST API (issue 3 item 13).

Orders are listed through ``WorkOrder.visible_to`` (a technician sees only orders dispatched to
them or their department/station) and changed only through ``kefu.servicedesk.actions``:
transitions are POSTed as actions with the version the client read; the state machine's refusal
answers 409 ``invalid_transition``, a stale version 409 ``conflict`` (kefu/core/api/errors.py).
"""

from __future__ import annotations

import datetime

import django_filters
from django.db import transaction
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from kefu.core.api.permissions import KefuModelPermissions
from kefu.core.api.views import KefuModelViewSet, KefuReadOnlyViewSet, KefuViewSetMixin
from kefu.org.models import Project
from kefu.servicedesk import actions
from kefu.servicedesk.api import serializers as s
from kefu.servicedesk.filtersets import WorkOrderFilterSet
from kefu.servicedesk.models import (
    Attachment,
    Callback,
    Category,
    Compensation,
    IncidentReport,
    OrderDeadline,
    PriceItem,
    Quote,
    Rating,
    SlaPolicy,
    WorkOrder,
)


class ServiceDeskPermissions(KefuModelPermissions):
    """Model permissions, except for custom actions that name their own in
    ``action_permissions = {"action": {"POST": [...], "GET": [...]}}``."""

    def has_permission(self, request, view):
        spec = getattr(view, "action_permissions", {}).get(getattr(view, "action", None))
        if spec is None:
            return super().has_permission(request, view)
        if not request.user or not request.user.is_authenticated:
            return False
        perms = spec.get(request.method, spec.get("*", ()))
        return request.user.has_perms(perms)


def _visible_orders(user):
    return WorkOrder.visible_to(user, "view")


# ---------------------------------------------------------------------------------------------
# Orders


class OrderFilterSet(WorkOrderFilterSet):
    """The web UI's filters (kefu/servicedesk/filtersets.py) plus ids an API client has."""

    unit_id = django_filters.NumberFilter(field_name="unit", label=_("房屋 ID"))
    customer = django_filters.NumberFilter(field_name="customer", label=_("客户 ID"))
    is_emergency = django_filters.BooleanFilter(label=_("紧急"))
    received = django_filters.DateFromToRangeFilter(
        field_name="received_at", label=_("受理日期（received_after / received_before）")
    )


DEADLINES = Prefetch("deadlines", queryset=OrderDeadline.objects.order_by("due_at", "id"))
# Lists (supervisor board, "my orders"): see WorkOrderViewSet.get_queryset.
LIST_JOINED = ("project", "customer", "unit", "receiver", "owner")
LIST_DEADLINES = Prefetch(
    "deadlines",
    queryset=OrderDeadline.objects.only(
        "id", "order_id", "metric", "due_at", "met_at", "breached"
    ).order_by("due_at", "id"),
)
ORDER_FIELDS_ON_VIEW = (
    "project",
    "category",
    "customer",
    "unit",
    "department",
    "receiver",
    "owner",
    "assignee",
)
TRANSITION_ACTIONS = ("transition", "transfer", "classify", "quote", "quote_accept", "finance")
LIST_PREFETCHED = tuple(f for f in ORDER_FIELDS_ON_VIEW if f not in LIST_JOINED)


class WorkOrderViewSet(
    KefuViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Work orders. Create and every change go through the service layer (never a plain save)."""

    queryset = WorkOrder.objects.all()
    serializer_class = s.WorkOrderSerializer
    filterset_class = OrderFilterSet
    permission_classes = [ServiceDeskPermissions]
    ordering = ("-id",)
    change = {"POST": ["servicedesk.change_workorder"]}
    action_permissions = {
        "transition": change,
        "transfer": change,
        "classify": change,
        "quote": {"POST": ["servicedesk.add_quote"]},
        "quote_accept": {"POST": ["servicedesk.change_quote"]},
        "finance": change,
        "timeline": {"GET": ["servicedesk.view_orderevent"]},
        "notes": {
            "GET": ["servicedesk.view_ordernote"],
            "POST": ["servicedesk.add_ordernote"],
        },
        "attachments": {
            "GET": ["servicedesk.view_attachment"],
            "POST": ["servicedesk.add_attachment"],
        },
    }

    def get_queryset(self):
        verb = "change" if self.action in TRANSITION_ACTIONS else "view"
        qs = WorkOrder.visible_to(self.request.user, verb)
        if self.action == "list":
            # Joining all eight relations made PostgreSQL spend 10–25 ms planning the query
            # (execution < 2 ms for a page of 50); five joins plan in about 1 ms, and the few
            # distinct categories, departments and assignees come by id in prefetch queries.
            return qs.select_related(*LIST_JOINED).prefetch_related(
                *LIST_PREFETCHED, LIST_DEADLINES
            )
        return qs.select_related(*LIST_JOINED).prefetch_related(*LIST_PREFETCHED, DEADLINES)

    def _read(self, order: WorkOrder, code: int = status.HTTP_200_OK) -> Response:
        # Five joins, not eight (planning an eight-way join costs more than running it).
        fresh = (
            WorkOrder.objects.select_related(*LIST_JOINED)
            .prefetch_related(*LIST_PREFETCHED, DEADLINES)
            .get(pk=order.pk)
        )
        return Response(
            s.WorkOrderSerializer(fresh, context=self.get_serializer_context()).data, code
        )

    @extend_schema(
        request=s.WorkOrderCreateSerializer,
        responses={201: s.WorkOrderSerializer},
        description="受理一张工单（R-TKT-01）：须有客户或来电号码；接待人即首问负责人（R-TKT-03）。",
    )
    def create(self, request, *args, **kwargs):
        body = s.WorkOrderCreateSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        fields = {k: v for k, v in body.validated_data.items() if v is not None}
        order = actions.create_order(request.user, **fields)
        return self._read(order, status.HTTP_201_CREATED)

    @extend_schema(
        request=s.TransitionSerializer,
        responses={200: s.WorkOrderSerializer},
        description=(
            "执行一步流转（受理、派工、接单、出发、到场、开始、完成、挂起、恢复、回访、关闭、"
            "取消、作废、重新打开）。状态机不允许时返回 409 invalid_transition；"
            "version 与当前版本不符时返回 409 conflict。"
        ),
    )
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        order = self.get_object()
        body = s.TransitionSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        code = data.pop("action")
        version = data.pop("version", None)
        note = data.pop("note", "")
        if data.get("amount_to_finance") is not None:
            # As text: the timeline's event data is JSON (OrderEvent.data has no Decimal).
            data["amount_to_finance"] = str(data["amount_to_finance"])
        order = actions.transition(request.user, order, code, version=version, note=note, **data)
        return self._read(order)

    @extend_schema(
        request=s.TransferSerializer,
        responses={200: s.WorkOrderSerializer},
        description="转交首问责任（须填写原因，R-TKT-03）。",
    )
    @action(detail=True, methods=["post"])
    def transfer(self, request, pk=None):
        order = self.get_object()
        body = s.TransferSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        order = actions.transfer_ownership(
            request.user,
            order,
            data["owner"],
            reason=data["reason"],
            version=data.get("version"),
        )
        return self._read(order)

    @extend_schema(
        request=s.ClassifySerializer,
        responses={200: s.WorkOrderSerializer},
        description="投诉定性与严重程度（R-TKT-04）；重新定性须填写原因，时限随之重算。",
    )
    @action(detail=True, methods=["post"])
    def classify(self, request, pk=None):
        order = self.get_object()
        body = s.ClassifySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        order = actions.classify(
            request.user,
            order,
            complaint_class=data["complaint_class"],
            severity=data["severity"],
            reason=data.get("reason", ""),
            version=data.get("version"),
        )
        return self._read(order)

    @extend_schema(
        responses=s.OrderEventSerializer(many=True),
        description="工单时间轴：每一次流转与操作，谁、何时。",
    )
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def timeline(self, request, pk=None):
        order = self.get_object()
        events = order.events.select_related("actor").order_by("at", "id")
        return Response(s.OrderEventSerializer(events, many=True).data)

    @extend_schema(
        methods=["GET"], responses=s.OrderNoteSerializer(many=True), description="工单备注。"
    )
    @extend_schema(
        methods=["POST"],
        request=s.OrderNoteSerializer,
        responses={201: s.OrderNoteSerializer},
        description="添加备注（内部或客户可见；客户可见的备注视为答复客户）。",
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None, filterset_class=None)
    def notes(self, request, pk=None):
        order = self.get_object()
        if request.method == "GET":
            notes = order.notes.select_related("author").order_by("created", "id")
            return Response(s.OrderNoteSerializer(notes, many=True).data)
        body = s.OrderNoteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        note = actions.add_note(
            request.user,
            order,
            body.validated_data["text"],
            customer_visible=body.validated_data.get("customer_visible", False),
        )
        return Response(s.OrderNoteSerializer(note).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        methods=["GET"], responses=s.AttachmentSerializer(many=True), description="工单附件。"
    )
    @extend_schema(
        methods=["POST"],
        request={"multipart/form-data": s.AttachmentSerializer},
        responses={201: s.AttachmentSerializer},
        description="上传附件（multipart）：仅限图片或 PDF，不超过 10 MB。",
    )
    @action(
        detail=True,
        methods=["get", "post"],
        pagination_class=None,
        filterset_class=None,
        parser_classes=[MultiPartParser, FormParser, JSONParser],
    )
    def attachments(self, request, pk=None):
        order = self.get_object()
        if request.method == "GET":
            rows = order.attachments.select_related("uploaded_by").order_by("created", "id")
            return Response(
                s.AttachmentSerializer(rows, many=True, context={"request": request}).data
            )
        body = s.AttachmentSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        upload = body.validated_data["file"]
        with transaction.atomic():
            attachment = Attachment.objects.create(
                order=order,
                file=upload,
                name=upload.name[:200],
                content_type=upload.content_type,
                size=upload.size,
                stage=body.validated_data.get("stage", ""),
                uploaded_by=request.user,
            )
            actions.record_event(
                order,
                "attachment",
                request.user,
                timezone.now(),
                note=attachment.name,
                attachment=attachment.pk,
            )
        return Response(
            s.AttachmentSerializer(attachment, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )

    # -- paid service (R-TKT-08, R-TKT-12, R-PROP-05) -------------------------------------------

    @extend_schema(
        request=s.QuoteInputSerializer,
        responses={200: s.QuoteSerializer},
        description=(
            "有偿服务报价（R-TKT-08）：lines 每行可选价目 price_item（内容、单价留空时按价目表），"
            "或自由填写内容与单价；数量须大于 0，金额不能为负数。客户确认前可重新报价（整体替换）。"
        ),
    )
    @action(detail=True, methods=["post"])
    def quote(self, request, pk=None):
        from kefu.servicedesk import paid

        order = self.get_object()
        body = s.QuoteInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        lines = [
            (
                line.get("price_item"),
                line.get("description", ""),
                line.get("quantity", 1),
                line.get("unit_price"),
            )
            for line in body.validated_data["lines"]
        ]
        the_quote = paid.quote(request.user, order, lines)
        the_quote = Quote.objects.prefetch_related("lines").get(pk=the_quote.pk)
        return Response(s.QuoteSerializer(the_quote).data)

    @extend_schema(
        request=s.QuoteAcceptSerializer,
        responses={200: s.QuoteSerializer},
        description="客户确认报价（谁、以何种方式）；有偿服务须在开始施工前确认（R-TKT-08）。",
    )
    @action(detail=True, methods=["post"], url_path="quote/accept", url_name="quote-accept")
    def quote_accept(self, request, pk=None):
        from kefu.servicedesk import paid

        order = self.get_object()
        body = s.QuoteAcceptSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        the_quote = paid.accept_quote(request.user, order, data["accepted_by"], data["method"])
        the_quote = Quote.objects.prefetch_related("lines").get(pk=the_quote.pk)
        return Response(s.QuoteSerializer(the_quote).data)

    @extend_schema(
        request=s.FinanceSerializer,
        responses={200: s.WorkOrderSerializer},
        description=(
            "登记交财务金额（R-PROP-05，不能为负数），可同时登记客户自备材料（customer_materials）。"
        ),
    )
    @action(detail=True, methods=["post"])
    def finance(self, request, pk=None):
        from kefu.servicedesk import paid

        order = self.get_object()
        body = s.FinanceSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        with transaction.atomic():
            order = paid.record_finance(request.user, order, data["amount"])
            if "customer_materials" in data:
                order = paid.record_materials(request.user, order, data["customer_materials"])
        return self._read(order)


# ---------------------------------------------------------------------------------------------
# Callbacks and ratings


class CallbackFilterSet(django_filters.FilterSet):
    due_today = django_filters.BooleanFilter(method="filter_due_today", label=_("今日应回访"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("已逾期"))
    done = django_filters.BooleanFilter(
        field_name="done_at", lookup_expr="isnull", exclude=True, label=_("已回访")
    )
    due = django_filters.DateFromToRangeFilter(
        field_name="due_at", label=_("应回访日期（due_after / due_before）")
    )

    class Meta:
        model = Callback
        fields = ["order", "kind", "assigned_to", "result", "method"]

    def filter_due_today(self, queryset, name, value):
        today = timezone.localdate()
        tz = timezone.get_current_timezone()
        start = datetime.datetime.combine(today, datetime.time.min, tzinfo=tz)
        today_q = Q(
            done_at__isnull=True, due_at__gte=start, due_at__lt=start + datetime.timedelta(1)
        )
        return queryset.filter(today_q) if value else queryset.exclude(today_q)

    def filter_overdue(self, queryset, name, value):
        overdue = Q(done_at__isnull=True, due_at__lt=timezone.now())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)


def _module(name: str):
    """A sibling service module written alongside this API; absent → 503 with a clear message."""
    import importlib

    from rest_framework.exceptions import APIException

    try:
        return importlib.import_module(f"kefu.servicedesk.{name}")
    except ImportError as exc:
        error = APIException(_("该功能尚未启用。"))
        error.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
        raise error from exc


class CallbackViewSet(KefuReadOnlyViewSet):
    """The callback worklist (R-CB-01…05): ``due_today``, ``overdue``, by ``assigned_to``."""

    queryset = Callback.objects.select_related("order", "assigned_to", "done_by")
    serializer_class = s.CallbackSerializer
    filterset_class = CallbackFilterSet
    permission_classes = [ServiceDeskPermissions]
    ordering = ("due_at", "id")
    action_permissions = {"record": {"POST": ["servicedesk.change_callback"]}}

    def get_queryset(self):
        qs = Callback.objects.restrict(self.request.user, "view")
        return qs.filter(order__in=_visible_orders(self.request.user)).select_related(
            "order", "assigned_to", "done_by"
        )

    @extend_schema(
        request=s.CallbackRecordSerializer,
        responses={200: s.CallbackSerializer},
        description=(
            "记录回访（方式、结果、客户意见；上门回访须客户签字确认）。"
            "可同时记录满意度评价；不满意将重新打开工单或生成整改单。"
        ),
    )
    @action(detail=True, methods=["post"])
    def record(self, request, pk=None):
        callback = self.get_object()
        body = s.CallbackRecordSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = {"questions": "", "customer_words": "", **body.validated_data}
        callbacks = _module("callbacks")
        callback = callbacks.record(request.user, callback, **data)
        callback = Callback.objects.select_related("order", "assigned_to", "done_by").get(
            pk=callback.pk
        )
        return Response(s.CallbackSerializer(callback).data)


class RatingFilterSet(django_filters.FilterSet):
    created = django_filters.DateFromToRangeFilter(field_name="created")

    class Meta:
        model = Rating
        fields = ["order", "staff", "callback"]


class RatingViewSet(
    KefuViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Satisfaction ratings (R-SAT-01): four items × four levels."""

    queryset = Rating.objects.select_related("order", "recorded_by", "staff")
    serializer_class = s.RatingSerializer
    filterset_class = RatingFilterSet
    ordering = ("-id",)

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .filter(order__in=_visible_orders(self.request.user))
            .select_related("order", "recorded_by", "staff")
        )

    @extend_schema(request=s.RatingCreateSerializer, responses={201: s.RatingSerializer})
    def create(self, request, *args, **kwargs):
        body = s.RatingCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        order = data.pop("order")
        if not _visible_orders(request.user).filter(pk=order.pk).exists():
            raise ValidationError({"order": [_("工单不存在，或不在您的权限范围内。")]})
        satisfaction = _module("satisfaction")
        rating = satisfaction.rate(request.user, order, **data)
        return Response(s.RatingSerializer(rating).data, status=status.HTTP_201_CREATED)


# ---------------------------------------------------------------------------------------------
# Configuration: categories, SLA policies, price list


class CategoryViewSet(KefuModelViewSet):
    """The category tree: ``parent`` id and the full ``path`` (报修 › 水电 › 漏水)."""

    queryset = Category.objects.all()
    serializer_class = s.CategorySerializer
    filterset_fields = ["order_type", "parent", "is_active", "is_safety", "is_leak"]
    ordering = ("id",)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["category_names"] = {
            pk: (name, parent)
            for pk, name, parent in Category.objects.values_list("id", "name", "parent")
        }
        return context


class SlaPolicyViewSet(KefuModelViewSet):
    """SLA policies with their targets; managers write, everyone on the desk reads."""

    queryset = SlaPolicy.objects.select_related("project").prefetch_related("targets")
    serializer_class = s.SlaPolicySerializer
    filterset_fields = ["project", "order_type", "severity", "channel", "is_active", "preset"]
    ordering = ("id",)


class PriceItemViewSet(KefuModelViewSet):
    """The paid-service price list per project (R-TKT-08)."""

    queryset = PriceItem.objects.select_related("project")
    serializer_class = s.PriceItemSerializer
    filterset_fields = ["project", "is_active"]
    ordering = ("code", "id")


# ---------------------------------------------------------------------------------------------
# Compensation


class CompensationViewSet(
    KefuViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Settlements routed to their approver by amount (R-TKT-10); an agent cannot approve."""

    queryset = Compensation.objects.select_related("order", "requested_by", "decided_by")
    serializer_class = s.CompensationSerializer
    permission_classes = [ServiceDeskPermissions]
    filterset_fields = ["order", "status", "approver_level"]
    ordering = ("-id",)
    action_permissions = {"decide": {"POST": ["servicedesk.change_compensation"]}}

    def get_queryset(self):
        return (
            Compensation.objects.restrict(self.request.user, "view")
            .filter(order__in=_visible_orders(self.request.user))
            .select_related("order", "requested_by", "decided_by", "follow_up")
        )

    @extend_schema(
        request=s.CompensationCreateSerializer,
        responses={201: s.CompensationSerializer},
        description=(
            "提出赔偿：按金额确定审批层级（≤1000 元部门经理，≤5000 元副总经理，其上总经理）。"
        ),
    )
    def create(self, request, *args, **kwargs):
        body = s.CompensationCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        order = data["order"]
        if not _visible_orders(request.user).filter(pk=order.pk).exists():
            raise ValidationError({"order": [_("工单不存在，或不在您的权限范围内。")]})
        compensation = _module("compensation")
        item = compensation.request(
            request.user, order, amount=data["amount"], reason=data["reason"]
        )
        return Response(s.CompensationSerializer(item).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=s.CompensationDecisionSerializer,
        responses={200: s.CompensationSerializer},
        description=(
            "审批赔偿（approved / rejected，驳回须填写意见）；超出本人审批权限时返回 403。"
            "客户不接受已批准的赔偿（customer_rejected）时生成关联的新投诉。"
        ),
    )
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        item = self.get_object()
        body = s.CompensationDecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        compensation = _module("compensation")
        decision = body.validated_data["decision"]
        note = body.validated_data.get("note", "")
        if decision == Compensation.Decision.CUSTOMER_REJECTED:
            # The customer refuses the approved settlement: a linked new complaint (R-TKT-10).
            compensation.customer_rejects(request.user, item, note)
        else:
            approve = decision == Compensation.Decision.APPROVED
            compensation.decide(request.user, item, approve, note=note)
        item = self.get_queryset().get(pk=item.pk)
        return Response(s.CompensationSerializer(item).data)


# ---------------------------------------------------------------------------------------------
# Incidents (R-TKT-14)


class IncidentFilterSet(django_filters.FilterSet):
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("报告已逾期"))
    submitted = django_filters.BooleanFilter(
        field_name="report_submitted_at", lookup_expr="isnull", exclude=True, label=_("报告已提交")
    )

    class Meta:
        model = IncidentReport
        fields = ["order"]

    def filter_overdue(self, queryset, name, value):
        overdue = Q(report_submitted_at__isnull=True, report_due_at__lt=timezone.now())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)


class IncidentViewSet(
    KefuViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Incidents: emergency orders with the scene, losses, the elevator-entrapment checklist
    and the report due 24 hours after receipt (R-TKT-14); ``overdue=true`` lists late ones."""

    queryset = IncidentReport.objects.select_related("order")
    serializer_class = s.IncidentSerializer
    filterset_class = IncidentFilterSet
    permission_classes = [ServiceDeskPermissions]
    ordering = ("-id",)
    change = {"POST": ["servicedesk.change_incidentreport"]}
    action_permissions = {
        "create": {"POST": ["servicedesk.add_incidentreport", "servicedesk.add_workorder"]},
        "report": change,
        "checklist": change,
    }

    def get_queryset(self):
        return (
            IncidentReport.objects.restrict(self.request.user, "view")
            .filter(order__in=_visible_orders(self.request.user))
            .select_related("order")
        )

    @extend_schema(
        request=s.IncidentCreateSerializer,
        responses={201: s.IncidentSerializer},
        description=(
            "新建突发事件：生成紧急工单，事件报告须在 24 小时内提交（R-TKT-14）；"
            "电梯困人（elevator_entrapment）须填写电梯编号和楼层。"
        ),
    )
    def create(self, request, *args, **kwargs):
        from kefu.servicedesk import incidents

        body = s.IncidentCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = {k: v for k, v in body.validated_data.items() if v is not None}
        order = incidents.open_incident(request.user, **data)
        return Response(s.IncidentSerializer(order.incident).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=s.IncidentReportSubmitSerializer,
        responses={200: s.IncidentSerializer},
        description="提交事件报告（R-TKT-14：24 小时内；逾期提交记为逾期）。",
    )
    @action(detail=True, methods=["post"])
    def report(self, request, pk=None):
        from kefu.servicedesk import incidents

        item = self.get_object()
        body = s.IncidentReportSubmitSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        item = incidents.submit_report(request.user, item, body.validated_data["report"])
        return Response(s.IncidentSerializer(item).data)

    @extend_schema(
        request=s.IncidentChecklistSerializer,
        responses={200: s.IncidentSerializer},
        description="更新损失统计与电梯困人检查项（电梯编号、楼层、通知技术员时间、是否报消防）。",
    )
    @action(detail=True, methods=["post"])
    def checklist(self, request, pk=None):
        from kefu.servicedesk import incidents

        item = self.get_object()
        body = s.IncidentChecklistSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        item = incidents.update_checklist(request.user, item, **body.validated_data)
        return Response(s.IncidentSerializer(item).data)


# ---------------------------------------------------------------------------------------------
# Daily summary


class DailySummaryViewSet(viewsets.ViewSet):
    """Counts by type, status and department, SLA met %, callback rate, average satisfaction."""

    permission_classes = [IsAuthenticated]
    pagination_class = None

    @extend_schema(
        parameters=[
            OpenApiParameter("date", OpenApiTypes.DATE, description="日期 YYYY-MM-DD，默认今天"),
            OpenApiParameter("project", OpenApiTypes.INT, description="项目 ID（可选）"),
        ],
        responses=s.DailySummarySerializer,
        description="日报（issue 3 item 15）。",
    )
    def list(self, request):
        from kefu.servicedesk.summary import daily_summary

        if not request.user.has_perm("servicedesk.view_workorder"):
            raise PermissionDenied()
        raw = request.query_params.get("date")
        try:
            day = datetime.date.fromisoformat(raw) if raw else timezone.localdate()
        except ValueError:
            raise ValidationError({"date": [_("日期格式应为 YYYY-MM-DD。")]}) from None
        project = None
        if request.query_params.get("project"):
            project = get_object_or_404(
                Project.objects.restrict(request.user), pk=request.query_params["project"]
            )
        summary = daily_summary(request.user, day, project=project)
        return Response(s.DailySummarySerializer(summary).data)
