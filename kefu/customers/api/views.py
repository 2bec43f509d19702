from django.db.models import Prefetch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from kefu.core.api.views import KefuModelViewSet
from kefu.customers import lookup, services
from kefu.customers.api import serializers as s
from kefu.customers.filtersets import BuildingFilterSet, CustomerFilterSet, UnitFilterSet
from kefu.customers.models import Building, Customer, CustomerUnit, EmergencyContact, Floor, Unit

CURRENT_LINKS = Prefetch(
    "unit_links",
    queryset=CustomerUnit.objects.filter(end_date__isnull=True).select_related("unit"),
    to_attr="current_links",
)


class BuildingViewSet(KefuModelViewSet):
    queryset = Building.objects.all()
    serializer_class = s.BuildingSerializer
    filterset_class = BuildingFilterSet
    ordering = ("id",)


class FloorViewSet(KefuModelViewSet):
    queryset = Floor.objects.all()
    serializer_class = s.FloorSerializer
    filterset_fields = ["building"]
    ordering = ("id",)


class UnitViewSet(KefuModelViewSet):
    queryset = Unit.objects.all()
    serializer_class = s.UnitSerializer
    filterset_class = UnitFilterSet
    ordering = ("id",)


class EmergencyContactViewSet(KefuModelViewSet):
    queryset = EmergencyContact.objects.all()
    serializer_class = s.EmergencyContactSerializer
    filterset_fields = ["customer"]
    ordering = ("id",)


class CustomerUnitViewSet(KefuModelViewSet):
    queryset = CustomerUnit.objects.select_related("unit")
    serializer_class = s.CustomerUnitSerializer
    filterset_fields = ["customer", "unit", "role"]
    ordering = ("id",)

    def perform_create(self, serializer):
        # Lock the unit so two concurrent owner registrations cannot both pass the check.
        from django.db import transaction

        with transaction.atomic():
            Unit.objects.select_for_update().filter(pk=serializer.validated_data["unit"].pk).first()
            super().perform_create(serializer)


class CustomerViewSet(KefuModelViewSet):
    queryset = Customer.objects.prefetch_related(CURRENT_LINKS)
    serializer_class = s.CustomerSerializer
    filterset_class = CustomerFilterSet
    ordering = ("-id",)
    read_only_actions = ("lookup", "reveal")  # view permission suffices; reveal checks its own

    @extend_schema(
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, description="电话（可部分）、姓名或房号")
        ],
        responses=s.LookupResultSerializer(many=True),
        description="来电查询：按部分电话号码、姓名或房屋编码查找客户，最多返回 20 条。",
    )
    @action(detail=False, methods=["get"], pagination_class=None, filterset_class=None)
    def lookup(self, request):
        results = lookup.search(request.user, request.query_params.get("q", ""))
        context = self.get_serializer_context()
        return Response(s.LookupResultSerializer(results, many=True, context=context).data)

    @extend_schema(
        request=s.RevealRequestSerializer,
        responses=s.RevealResponseSerializer,
        description="查看一项完整个人信息；每次查看都会记录（R-SEC-01）。",
    )
    @action(detail=True, methods=["post"])
    def reveal(self, request, pk=None):
        customer = self.get_object()
        body = s.RevealRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        value = services.reveal(
            request.user,
            customer,
            body.validated_data["field"],
            reason=body.validated_data.get("reason", ""),
            source="api",
            remote_addr=request.META.get("REMOTE_ADDR"),
            contact_id=body.validated_data.get("contact_id"),
        )
        return Response(
            {"field": body.validated_data["field"], "value": value}, status=status.HTTP_200_OK
        )
