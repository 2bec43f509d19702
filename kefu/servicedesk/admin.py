from django.contrib import admin

from kefu.servicedesk import models


class SlaTargetInline(admin.TabularInline):
    model = models.SlaTarget
    extra = 0


@admin.register(models.SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin):
    list_display = ["name", "preset", "project", "order_type", "severity", "priority", "is_active"]
    list_filter = ["order_type", "preset", "is_active"]
    inlines = [SlaTargetInline]


@admin.register(models.Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["__str__", "order_type", "department_kind", "is_safety", "is_leak", "is_active"]
    list_filter = ["order_type", "is_active"]
    search_fields = ["name"]


@admin.register(models.PriceItem)
class PriceItemAdmin(admin.ModelAdmin):
    list_display = ["project", "code", "name", "unit", "price", "is_active"]
    list_filter = ["project", "is_active"]


class ReadOnlyEventInline(admin.TabularInline):
    model = models.OrderEvent
    extra = 0
    can_delete = False
    readonly_fields = ["kind", "from_status", "to_status", "actor", "at", "note", "data"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(models.WorkOrder)
class WorkOrderAdmin(admin.ModelAdmin):
    """Read-mostly: orders change through the service desk's actions, not by editing fields."""

    list_display = ["number", "project", "order_type", "status", "title", "owner", "received_at"]
    list_filter = ["project", "order_type", "status"]
    search_fields = ["number", "title", "caller_phone"]
    inlines = [ReadOnlyEventInline]
    readonly_fields = [f.name for f in models.WorkOrder._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
