from auditlog.models import LogEntry
from rest_framework import serializers


class LogEntrySerializer(serializers.ModelSerializer):
    action = serializers.SerializerMethodField()
    actor = serializers.SerializerMethodField()
    object_type = serializers.SerializerMethodField()
    source = serializers.SerializerMethodField()
    changes = serializers.JSONField(source="changes_dict", read_only=True)

    class Meta:
        model = LogEntry
        fields = ["id", "timestamp", "action", "actor", "source", "remote_addr", "object_type",
                  "object_pk", "object_repr", "changes"]

    def get_action(self, obj) -> str:
        return {0: "create", 1: "update", 2: "delete", 3: "access"}.get(obj.action, str(obj.action))

    def get_actor(self, obj) -> str | None:
        return obj.actor.get_username() if obj.actor else None

    def get_object_type(self, obj) -> str:
        return f"{obj.content_type.app_label}.{obj.content_type.model}"

    def get_source(self, obj) -> str | None:
        return (obj.additional_data or {}).get("source")
