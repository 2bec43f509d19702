"""Serializers of the calendar API."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from kefu.calendars.models import BusinessHours, CalendarDay, DayKind, DaySource
from kefu.calendars.services import CLEAR
from kefu.core.api.serializers import ValidatedModelSerializer
from kefu.org.models import Project

__all__ = [
    "BusinessHoursSerializer",
    "CalendarDaySerializer",
    "ComputeQuerySerializer",
    "ComputeResultSerializer",
    "OverrideSerializer",
]


class CalendarDaySerializer(ValidatedModelSerializer):
    """A day that differs from the Monday–Friday rule. Rows written through the API are
    manual (``source=manual``) and win over the package's data."""

    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    source_display = serializers.CharField(source="get_source_display", read_only=True)
    is_working = serializers.BooleanField(read_only=True)

    class Meta:
        model = CalendarDay
        fields = [
            "id",
            "date",
            "kind",
            "kind_display",
            "name",
            "is_working",
            "source",
            "source_display",
            "created",
            "last_updated",
        ]
        read_only_fields = ["id", "source", "created", "last_updated"]

    def validate(self, attrs):
        attrs["source"] = DaySource.MANUAL
        return super().validate(attrs)


class BusinessHoursSerializer(ValidatedModelSerializer):
    """One business-hour interval; ``project`` null = the organisation's default."""

    project = serializers.PrimaryKeyRelatedField(
        queryset=Project.objects.all(), allow_null=True, required=False
    )

    class Meta:
        model = BusinessHours
        fields = ["id", "project", "start", "end", "created", "last_updated"]
        read_only_fields = ["id", "created", "last_updated"]


class OverrideLineSerializer(serializers.Serializer):
    start = serializers.DateField(label=_("开始日期"))
    end = serializers.DateField(label=_("结束日期"))
    kind = serializers.ChoiceField(
        choices=[*DayKind.choices, (CLEAR, _("恢复默认（删除手工设置）"))], label=_("类型")
    )
    name = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")


class OverrideSerializer(serializers.Serializer):
    """Several ranges submitted together, applied all-or-nothing (each at most 60 days; see
    ``kefu.calendars.services.validate_override`` for the contradictions refused)."""

    entries = OverrideLineSerializer(many=True, allow_empty=False, max_length=20)
    changed = serializers.IntegerField(read_only=True)

    class Meta:
        ref_name = "CalendarOverride"


class ComputeQuerySerializer(serializers.Serializer):
    start = serializers.CharField(
        help_text="日期（2026-09-30）或带时区的时间（2026-09-30T16:00:00+08:00）；"
        "只给日期时，按当天 00:00 计算营业小时。"
    )
    working_days = serializers.IntegerField(required=False, min_value=0, max_value=3650)
    hours = serializers.DecimalField(
        required=False, max_digits=9, decimal_places=4, min_value=0, max_value=100000
    )
    project = serializers.IntegerField(required=False, help_text="项目 ID；不填为公司默认营业时间")


@extend_schema_serializer(many=False)  # one result, although served by a viewset's list route
class ComputeResultSerializer(serializers.Serializer):
    project = serializers.IntegerField(allow_null=True)
    business_hours = serializers.ListField(
        child=serializers.CharField(), help_text='如 ["08:30-12:00", "13:30-18:00"]'
    )
    start_date = serializers.DateField()
    start_is_working_day = serializers.BooleanField()
    start_is_working_time = serializers.BooleanField(allow_null=True)
    next_working_moment = serializers.DateTimeField()
    working_days = serializers.IntegerField(required=False)
    working_days_result = serializers.DateField(
        required=False, help_text="开始日期之后第 N 个工作日（开始日期本身不计）"
    )
    working_days_deadline = serializers.DateTimeField(
        required=False, help_text="该工作日的下班时间"
    )
    hours = serializers.DecimalField(max_digits=9, decimal_places=4, required=False)
    hours_result = serializers.DateTimeField(required=False)
    unknown_years = serializers.ListField(
        child=serializers.IntegerField(), help_text="计算跨越的、尚无节假日数据的年份"
    )
    warnings = serializers.ListField(child=serializers.CharField())
