"""The caller's own in-app inbox over the API.

Scoping is "own notifications only" (``Notification.project_scope`` is ``None``): the queryset
is the caller's inbox, so another user's notification answers 404 like a missing one. Reading
and marking one's own notifications needs only a login, as in the web inbox.
"""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from kefu.core.api.views import KefuReadOnlyViewSet
from kefu.notifications import services
from kefu.notifications.api.serializers import MarkAllReadSerializer, NotificationSerializer
from kefu.notifications.models import Notification


class InboxFilter(django_filters.FilterSet):
    unread = django_filters.BooleanFilter(
        field_name="read_at", lookup_expr="isnull", help_text="true：只看未读；false：只看已读"
    )

    class Meta:
        model = Notification
        fields = ["unread"]


@extend_schema_view(
    list=extend_schema(description="当前用户自己的站内通知，最新的在前（游标分页）。"),
    retrieve=extend_schema(description="当前用户自己的一条站内通知；他人的通知返回 404。"),
)
class InboxViewSet(KefuReadOnlyViewSet):
    """The caller's in-app notifications: list, one, mark one read, mark all read."""

    serializer_class = NotificationSerializer
    permission_classes = [IsAuthenticated]
    filterset_class = InboxFilter
    ordering = ("-id",)
    queryset = Notification.objects.none()  # schema generation; real rows in get_queryset

    def get_queryset(self):
        return services.inbox(self.request.user)

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        """将自己的一条通知标为已读（已读的保持原阅读时间）。"""
        notification = self.get_object()
        services.mark_read(request.user, [notification.pk])
        notification.refresh_from_db(fields=["read_at"])
        return Response(self.get_serializer(notification).data)

    @extend_schema(request=None, responses=MarkAllReadSerializer)
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        """将自己的全部未读通知标为已读。"""
        marked = services.mark_all_read(request.user)
        data = {"marked": marked, "unread": services.unread_count(request.user)}
        return Response(MarkAllReadSerializer(data).data)
