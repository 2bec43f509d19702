"""Base classes for every Kefu API viewset."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework import viewsets
from rest_framework.exceptions import PermissionDenied

from kefu.core.audit import attribute_request_user

ACTION_FOR_METHOD = {
    "GET": "view",
    "HEAD": "view",
    "OPTIONS": "view",
    "POST": "add",
    "PUT": "change",
    "PATCH": "change",
    "DELETE": "delete",
}


class KefuViewSetMixin:
    """Scopes the queryset to the user's projects and attributes writes in the audit trail.

    Writes run in one transaction; after saving, the object is checked again against the user's
    scope, so a write cannot move a record into a project the user cannot see (NetBox's
    re-check after write).
    """

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        attribute_request_user(request.user)

    read_only_actions: tuple[str, ...] = ()

    def get_queryset(self):
        action = ACTION_FOR_METHOD.get(self.request.method, "view")
        if getattr(self, "action", None) in self.read_only_actions:
            action = "view"
        return super().get_queryset().restrict(self.request.user, action)

    def _check_scope(self, instance) -> None:
        """After a write, the record must still be one the user may see (else roll back)."""
        if getattr(type(instance), "project_scope", None) is None:
            return
        visible = type(instance).objects.restrict(self.request.user, "view")
        if not visible.filter(pk=instance.pk).exists():
            raise PermissionDenied(_("该项目不在您的权限范围内。"))

    def perform_create(self, serializer):
        with transaction.atomic():
            instance = serializer.save()
            self._check_scope(instance)

    def perform_update(self, serializer):
        with transaction.atomic():
            instance = serializer.save()
            self._check_scope(instance)


class KefuModelViewSet(KefuViewSetMixin, viewsets.ModelViewSet):
    pass


class KefuReadOnlyViewSet(KefuViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass
