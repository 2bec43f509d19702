"""The audit trail over the API: read-only, filterable by record (R-SEC-02)."""

import django_filters
from auditlog.models import LogEntry
from rest_framework import viewsets

from kefu.core.api.serializers import LogEntrySerializer
from kefu.core.audit import attribute_request_user


class LogEntryFilter(django_filters.FilterSet):
    object_type = django_filters.CharFilter(
        method="filter_object_type", help_text="app_label.model, e.g. customers.customer"
    )
    object_pk = django_filters.CharFilter()
    actor = django_filters.CharFilter(field_name="actor__username")
    since = django_filters.IsoDateTimeFilter(field_name="timestamp", lookup_expr="gte")

    class Meta:
        model = LogEntry
        fields = ["object_pk", "action"]

    def filter_object_type(self, queryset, name, value):
        app_label, _, model = value.partition(".")
        return queryset.filter(content_type__app_label=app_label, content_type__model=model)


class LogEntryViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = LogEntrySerializer
    filterset_class = LogEntryFilter
    ordering = ("-id",)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        attribute_request_user(request.user)

    def get_queryset(self):
        from kefu.core.views import _scoped_log_entries

        if not self.request.user.has_perm("auditlog.view_logentry"):
            return LogEntry.objects.none()
        return _scoped_log_entries(self.request.user)
