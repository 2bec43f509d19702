"""Organisation API: organisations, projects, departments, staff and the caller's own record.

Scoping, audit attribution and transactions come from ``KefuModelViewSet``; filters are the
FilterSets the web UI uses; lists are keyset-paginated in the stated ``ordering``.
"""

from __future__ import annotations

from django.db.models import ProtectedError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from kefu.core.api.views import KefuModelViewSet
from kefu.core.permissions import project_ids_for
from kefu.core.roles import ROLES
from kefu.org.api.serializers import (
    DepartmentSerializer,
    MeSerializer,
    OrganisationSerializer,
    ProjectSerializer,
    StaffSerializer,
)
from kefu.org.filtersets import (
    DepartmentFilterSet,
    OrganisationFilterSet,
    ProjectFilterSet,
    StaffFilterSet,
)
from kefu.org.models import Department, Organisation, Project, Staff


class InUse(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"
    default_detail = _("数据与现有记录冲突。")


class ProtectedDeleteMixin:
    """A record other records still point at is not deleted: 409 with a Chinese reason."""

    def perform_destroy(self, instance) -> None:
        try:
            instance.delete()
        except ProtectedError as exc:
            kinds = sorted({str(obj._meta.verbose_name) for obj in exc.protected_objects})
            raise InUse(
                _("该记录仍被其他记录引用（%(kinds)s），不能删除；可改为停用。")
                % {"kinds": _("、").join(kinds)}
            ) from exc


class OrganisationViewSet(ProtectedDeleteMixin, KefuModelViewSet):
    queryset = Organisation.objects.all()
    serializer_class = OrganisationSerializer
    filterset_class = OrganisationFilterSet
    ordering = ("name", "id")


class ProjectViewSet(ProtectedDeleteMixin, KefuModelViewSet):
    queryset = Project.objects.select_related("organisation")
    serializer_class = ProjectSerializer
    filterset_class = ProjectFilterSet
    ordering = ("code", "id")


class DepartmentViewSet(ProtectedDeleteMixin, KefuModelViewSet):
    queryset = Department.objects.select_related("organisation", "project", "head")
    serializer_class = DepartmentSerializer
    filterset_class = DepartmentFilterSet
    ordering = ("name", "id")


class StaffViewSet(ProtectedDeleteMixin, KefuModelViewSet):
    """Staff members. ``q`` searches name, employee number and phone."""

    queryset = Staff.objects.select_related(
        "department__project", "supervisor", "user"
    ).prefetch_related("extra_projects")
    serializer_class = StaffSerializer
    filterset_class = StaffFilterSet
    ordering = ("employee_no", "id")

    def get_serializer_context(self) -> dict:
        context = super().get_serializer_context()
        context["mask_phone"] = self.action == "list" and not self.request.user.has_perm(
            "org.change_staff"
        )
        return context


def user_role_list(user) -> list[dict[str, str]]:
    names = set(user.groups.values_list("name", flat=True))
    return [{"code": role.code, "name": role.name} for role in ROLES if role.name in names]


class MeView(APIView):
    """The caller's account, staff record, roles and the projects they may act on."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=MeSerializer, operation_id="org_me_retrieve")
    def get(self, request):
        user = request.user
        staff = (
            Staff.objects.select_related("department__project", "supervisor", "user")
            .prefetch_related("extra_projects")
            .filter(user=user)
            .first()
        )
        project_ids = project_ids_for(user)
        data = {
            "id": user.pk,
            "username": user.get_username(),
            "staff": StaffSerializer(staff, context={"request": request}).data if staff else None,
            "roles": user_role_list(user),
            "all_projects": project_ids is None,
            "project_ids": None if project_ids is None else list(project_ids),
            "permissions": sorted(user.get_all_permissions()),
        }
        return Response(data)
