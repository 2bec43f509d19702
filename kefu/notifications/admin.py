"""Notifications in the admin: a read-only record of what was sent to whom, and how it went."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from kefu.core.validators import mask_phone
from kefu.notifications.models import Channel, Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "subject",
        "recipient_display",
        "channel",
        "status",
        "attempts",
        "created",
        "sent_at",
        "read_at",
    ]
    list_filter = ["channel", "status"]
    search_fields = ["subject", "user__username", "customer__name"]
    list_select_related = ["user", "customer"]
    date_hierarchy = "created"
    ordering = ["-id"]
    # the raw address (a customer's phone or e-mail) is personal data: shown masked (R-SEC-01)
    fields = [
        "user",
        "customer",
        "channel",
        "masked_address",
        "subject",
        "body",
        "link",
        "status",
        "attempts",
        "error",
        "created",
        "sent_at",
        "read_at",
    ]
    readonly_fields = fields

    @admin.display(description=_("接收人"))
    def recipient_display(self, obj: Notification) -> str:
        return str(obj.recipient)

    @admin.display(description=_("发送地址"))
    def masked_address(self, obj: Notification) -> str:
        if obj.channel == Channel.EMAIL and "@" in obj.address:
            name, _at, domain = obj.address.partition("@")
            return f"{name[:1]}***@{domain}"
        if obj.channel == Channel.SMS or (obj.channel == Channel.WECOM and obj.customer_id):
            return mask_phone(obj.address)
        return obj.address

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
