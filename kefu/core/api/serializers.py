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
        fields = [
            "id",
            "timestamp",
            "action",
            "actor",
            "source",
            "remote_addr",
            "object_type",
            "object_pk",
            "object_repr",
            "changes",
        ]

    def get_action(self, obj) -> str:
        return {0: "create", 1: "update", 2: "delete", 3: "access"}.get(obj.action, str(obj.action))

    def get_actor(self, obj) -> str | None:
        return obj.actor.get_username() if obj.actor else None

    def get_object_type(self, obj) -> str:
        return f"{obj.content_type.app_label}.{obj.content_type.model}"

    def get_source(self, obj) -> str | None:
        return (obj.additional_data or {}).get("source")


def django_error_detail(exc) -> dict:
    """A Django ValidationError as DRF field errors, whole-object errors under
    ``non_field_errors`` (the API's one error format)."""
    from django.core.exceptions import NON_FIELD_ERRORS
    from rest_framework.settings import api_settings

    detail = serializers.as_serializer_error(exc)
    if NON_FIELD_ERRORS in detail:
        detail.setdefault(api_settings.NON_FIELD_ERRORS_KEY, [])
        detail[api_settings.NON_FIELD_ERRORS_KEY] += detail.pop(NON_FIELD_ERRORS)
    return detail


class ValidatedModelSerializer(serializers.ModelSerializer):
    """Runs the model's own ``full_clean`` so the API enforces exactly the rules the UI does
    (after NetBox's ValidatedModelSerializer). Django errors become field errors."""

    def validate(self, attrs):
        from django.core.exceptions import ValidationError as DjangoValidationError

        attrs = super().validate(attrs)
        many_to_many = {k: attrs[k] for k in list(attrs) if self._is_m2m(k)}
        plain = {k: v for k, v in attrs.items() if k not in many_to_many}
        if self.instance is None:
            instance = self.Meta.model(**plain)
        else:
            instance = self.instance
            for key, value in plain.items():
                setattr(instance, key, value)
        try:
            instance.full_clean(validate_unique=True)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(django_error_detail(exc)) from exc
        # full_clean may normalise values (phones, ID numbers): send them on to save().
        for key in plain:
            attrs[key] = getattr(instance, key)
        return attrs

    def _is_m2m(self, name: str) -> bool:
        try:
            return self.Meta.model._meta.get_field(name).many_to_many
        except Exception:
            return False
