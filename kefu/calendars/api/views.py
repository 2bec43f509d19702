"""Calendar API: exception days, business hours, overrides and deadline computation."""

from __future__ import annotations

import datetime
from decimal import Decimal

import django_filters
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from kefu.calendars import services
from kefu.calendars.api.serializers import (
    BusinessHoursSerializer,
    CalendarDaySerializer,
    ComputeQuerySerializer,
    ComputeResultSerializer,
    OverrideSerializer,
)
from kefu.calendars.engine import CalendarError
from kefu.calendars.models import BusinessHours, CalendarDay
from kefu.core.api.views import KefuModelViewSet
from kefu.core.permissions import can_use_project
from kefu.org.models import Project


class CalendarDayFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(field_name="date", lookup_expr="year", help_text="年份")
    date = django_filters.DateFromToRangeFilter(
        help_text="日期范围：date_after=2026-10-01&date_before=2026-10-31"
    )

    class Meta:
        model = CalendarDay
        fields = ["year", "kind", "source", "date"]


class BusinessHoursFilter(django_filters.FilterSet):
    organisation_default = django_filters.BooleanFilter(
        field_name="project", lookup_expr="isnull", help_text="true：只看公司默认营业时间"
    )

    class Meta:
        model = BusinessHours
        fields = ["project", "organisation_default"]


class CalendarDayViewSet(KefuModelViewSet):
    """Holidays, make-up working days (调休上班) and company rest days. Writes are manual rows
    that the package sync never overwrites; deleting a package row lasts until the next sync.
    """

    queryset = CalendarDay.objects.all()
    serializer_class = CalendarDaySerializer
    filterset_class = CalendarDayFilter
    ordering = ("date", "id")

    @extend_schema(request=OverrideSerializer, responses=OverrideSerializer)
    @action(detail=False, methods=["post"])
    def override(self, request):
        """Set a range of dates at once (several ranges together, all-or-nothing). Refuses
        contradictions: start after end, a range over 60 days, a make-up working day on a
        Monday–Friday date, one date given two kinds. ``kind=clear`` removes manual rows and
        restores the package's arrangement."""
        serializer = OverrideSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        entries = [services.OverrideEntry(**line) for line in serializer.validated_data["entries"]]
        needed = ["calendars.add_calendarday", "calendars.change_calendarday"]
        if any(entry.kind == services.CLEAR for entry in entries):
            needed.append("calendars.delete_calendarday")
        if not request.user.has_perms(needed):
            raise PermissionDenied()
        changed = services.apply_override(entries)
        return Response({"entries": serializer.data["entries"], "changed": changed})


class BusinessHoursViewSet(KefuModelViewSet):
    """Business-hour intervals; rows without a project are the organisation's default, a
    project with rows of its own uses only those."""

    queryset = BusinessHours.objects.all()
    serializer_class = BusinessHoursSerializer
    filterset_class = BusinessHoursFilter
    ordering = ("id",)

    def _check_project(self, project) -> None:
        if project is not None and not can_use_project(self.request.user, project.pk):
            raise PermissionDenied(_("该项目不在您的权限范围内。"))

    def perform_create(self, serializer):
        self._check_project(serializer.validated_data.get("project"))
        super().perform_create(serializer)

    def perform_update(self, serializer):
        self._check_project(serializer.instance.project)
        self._check_project(serializer.validated_data.get("project"))
        super().perform_update(serializer)

    def perform_destroy(self, instance):
        self._check_project(instance.project)
        super().perform_destroy(instance)


class CanViewCalendar(BasePermission):
    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.has_perm("calendars.view_calendarday"))


def _parse_start(value: str) -> tuple[datetime.date, datetime.datetime, bool]:
    """``(date, moment, has_time)``; a date alone means 00:00 that day, a naive time is read in
    the organisation's time zone."""
    value = value.strip()
    try:
        if len(value) == 10:
            day = datetime.date.fromisoformat(value)
            moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time()))
            return day, moment, False
        moment = parse_datetime(value)
    except ValueError:
        moment = None
    if moment is None:
        raise ValidationError(
            {"start": [_("无法识别的日期或时间，应为 2026-09-30 或 2026-09-30T16:00:00+08:00。")]}
        )
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return timezone.localtime(moment).date(), moment, True


class ComputeViewSet(viewsets.ViewSet):
    """Read-only deadline computation on a project's business calendar."""

    permission_classes = [CanViewCalendar]

    @extend_schema(
        operation_id="calendars_compute",
        parameters=[ComputeQuerySerializer],
        responses=ComputeResultSerializer,
        summary="计算工作日 / 营业小时期限",
        description=(
            "`working_days=N`: the N-th working day after `start` (the start day never counts;"
            " 2026-09-30 + 3 = 2026-10-10) and its close of business. `hours=H`: the moment"
            " when H business hours have passed since `start`, skipping holidays and"
            " out-of-hours time. `project` selects the business hours (default: the"
            " organisation's). Years without holiday data are listed in `unknown_years`."
        ),
    )
    def list(self, request):
        query = ComputeQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        day, moment, has_time = _parse_start(data["start"])
        project = None
        if "project" in data:
            project = Project.objects.restrict(request.user).filter(pk=data["project"]).first()
            if project is None:
                raise ValidationError({"project": [_("项目不存在，或不在您的权限范围内。")]})
        calendar = services.get_calendar(project)
        result: dict = {
            "project": project.pk if project else None,
            "business_hours": [f"{s:%H:%M}-{e:%H:%M}" for s, e in calendar.hours],
            "start_date": day,
            "start_is_working_day": calendar.is_working_day(day),
            "start_is_working_time": calendar.is_working_time(moment) if has_time else None,
        }
        last = day
        try:
            result["next_working_moment"] = calendar.next_working_moment(moment)
            if "working_days" in data:
                target = calendar.add_working_days(day, data["working_days"])
                result["working_days"] = data["working_days"]
                result["working_days_result"] = target
                result["working_days_deadline"] = calendar.working_day_end(target)
                last = max(last, target)
            if "hours" in data:
                hours: Decimal = data["hours"]
                finish = calendar.add_business_hours(moment, hours)
                result["hours"] = hours
                result["hours_result"] = finish
                last = max(last, timezone.localtime(finish).date())
        except CalendarError as exc:
            raise ValidationError({"non_field_errors": [str(exc)]}) from exc
        unknown = calendar.unknown_years(day, last)
        result["unknown_years"] = unknown
        result["warnings"] = [
            _("%(year)s 年尚无节假日数据，该年只按周一至周五计算工作日，请管理员录入。")
            % {"year": year}
            for year in unknown
        ]
        return Response(ComputeResultSerializer(result).data)


__all__ = ["BusinessHoursViewSet", "CalendarDayViewSet", "ComputeViewSet", "serializers"]
