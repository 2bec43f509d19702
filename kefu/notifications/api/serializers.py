from rest_framework import serializers

from kefu.notifications.models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    is_read = serializers.BooleanField(read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "subject", "body", "link", "created", "read_at", "is_read"]
        read_only_fields = fields


class MarkAllReadSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="本次标为已读的通知数")
    unread = serializers.IntegerField(help_text="剩余未读数")
