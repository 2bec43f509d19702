"""Serializers of the organisation API."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from kefu.core.api.fields import BriefRelatedField
from kefu.core.api.serializers import ValidatedModelSerializer
from kefu.core.validators import mask_phone
from kefu.org.models import Department, Organisation, Project, Staff

__all__ = [
    "DepartmentSerializer",
    "MeSerializer",
    "OrganisationSerializer",
    "ProjectSerializer",
    "StaffSerializer",
]

READ_ONLY_STAMPS = ("id", "created", "last_updated")


class OrganisationSerializer(ValidatedModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "name", "short_name", "hotline", "created", "last_updated"]
        read_only_fields = READ_ONLY_STAMPS


class ProjectSerializer(ValidatedModelSerializer):
    organisation = BriefRelatedField(queryset=Organisation.objects.all())
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Project
        fields = [
            "id",
            "organisation",
            "code",
            "name",
            "kind",
            "kind_display",
            "address",
            "service_phone",
            "is_active",
            "created",
            "last_updated",
        ]
        read_only_fields = READ_ONLY_STAMPS


class DepartmentSerializer(ValidatedModelSerializer):
    """``organisation`` may be left out when ``project`` is given: it is the project's."""

    organisation = BriefRelatedField(queryset=Organisation.objects.all(), required=False)
    project = BriefRelatedField(
        queryset=Project.objects.all(),
        brief_fields=("id", "code", "name"),
        allow_null=True,
        required=False,
    )
    head = BriefRelatedField(
        queryset=Staff.objects.all(),
        brief_fields=("id", "employee_no", "name"),
        allow_null=True,
        required=False,
    )
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Department
        fields = [
            "id",
            "organisation",
            "project",
            "name",
            "kind",
            "kind_display",
            "head",
            "created",
            "last_updated",
        ]
        read_only_fields = READ_ONLY_STAMPS
        validators: list = []  # the model's named constraints answer, in Chinese (full_clean)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        current = self.instance
        if "organisation" not in attrs and (current is None or not current.organisation_id):
            project = attrs.get("project")
            if project is None:
                raise serializers.ValidationError({"organisation": [_("请选择公司或项目。")]})
            attrs["organisation"] = project.organisation
        return super().validate(attrs)


class StaffSerializer(ValidatedModelSerializer):
    """A staff member. In list output the phone is masked (R-SEC-01) unless the caller may
    change staff records; a single record shows it in full (colleagues call each other)."""

    user = BriefRelatedField(
        queryset=get_user_model().objects.all(),
        brief_fields=("id", "username"),
        allow_null=True,
        required=False,
    )
    department = BriefRelatedField(queryset=Department.objects.all())
    project = serializers.SerializerMethodField()
    supervisor = BriefRelatedField(
        queryset=Staff.objects.all(),
        brief_fields=("id", "employee_no", "name"),
        allow_null=True,
        required=False,
    )
    extra_projects = BriefRelatedField(
        queryset=Project.objects.all(),
        brief_fields=("id", "code", "name"),
        many=True,
        required=False,
    )
    level_display = serializers.CharField(source="get_level_display", read_only=True)

    class Meta:
        model = Staff
        fields = [
            "id",
            "employee_no",
            "name",
            "department",
            "project",
            "position",
            "level",
            "level_display",
            "supervisor",
            "extra_projects",
            "phone",
            "hire_date",
            "leave_date",
            "is_active",
            "user",
            "created",
            "last_updated",
        ]
        read_only_fields = READ_ONLY_STAMPS

    @extend_schema_field(
        {
            "type": "object",
            "nullable": True,
            "properties": {
                "id": {"type": "integer"},
                "code": {"type": "string"},
                "name": {"type": "string"},
            },
        }
    )
    def get_project(self, obj: Staff) -> dict[str, Any] | None:
        project = obj.department.project
        if project is None:
            return None
        return {"id": project.pk, "code": project.code, "name": project.name}

    def to_representation(self, instance: Staff) -> dict[str, Any]:
        data = super().to_representation(instance)
        if self.context.get("mask_phone") and data.get("phone"):
            data["phone"] = mask_phone(data["phone"])
        return data


class MeRoleSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class MeSerializer(serializers.Serializer):
    """Who the caller is: account, staff record, roles and project scope."""

    id = serializers.IntegerField()
    username = serializers.CharField()
    staff = StaffSerializer(allow_null=True)
    roles = MeRoleSerializer(many=True)
    all_projects = serializers.BooleanField(
        help_text="true: the caller may act on every project; project_ids is then null."
    )
    project_ids = serializers.ListField(child=serializers.IntegerField(), allow_null=True)
    permissions = serializers.ListField(child=serializers.CharField())
