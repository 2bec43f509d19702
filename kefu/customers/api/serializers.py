from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from kefu.core.api.fields import BriefRelatedField
from kefu.core.api.serializers import ValidatedModelSerializer
from kefu.core.validators import mask_id_number, mask_phone
from kefu.customers.choices import PersonalField
from kefu.customers.models import Building, Customer, CustomerUnit, EmergencyContact, Floor, Unit
from kefu.org.models import Project


class BuildingSerializer(ValidatedModelSerializer):
    project = BriefRelatedField(queryset=Project.objects.all())

    class Meta:
        model = Building
        fields = ["id", "project", "code", "name", "created", "last_updated"]


class FloorSerializer(ValidatedModelSerializer):
    building = BriefRelatedField(
        queryset=Building.objects.all(), brief_fields=("id", "code", "name")
    )

    class Meta:
        model = Floor
        fields = ["id", "building", "number", "name"]


class UnitSerializer(ValidatedModelSerializer):
    project = BriefRelatedField(read_only=True)
    building = BriefRelatedField(
        queryset=Building.objects.all(), brief_fields=("id", "code", "name")
    )

    class Meta:
        model = Unit
        fields = [
            "id",
            "project",
            "building",
            "floor",
            "number",
            "code",
            "area",
            "kind",
            "status",
            "created",
            "last_updated",
        ]
        read_only_fields = ["project", "code"]


class EmergencyContactSerializer(ValidatedModelSerializer):
    class Meta:
        model = EmergencyContact
        fields = ["id", "customer", "name", "relation", "phone"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["phone"] = mask_phone(data["phone"])
        return data


class CustomerUnitSerializer(ValidatedModelSerializer):
    unit_code = serializers.CharField(source="unit.code", read_only=True)

    class Meta:
        model = CustomerUnit
        fields = ["id", "customer", "unit", "unit_code", "role", "start_date", "end_date"]


class CustomerSerializer(ValidatedModelSerializer):
    """Phones and ID numbers are written in full but always read back masked; use the
    ``reveal`` action to see one value (logged, R-SEC-01)."""

    project = BriefRelatedField(queryset=Project.objects.all())
    units = serializers.SerializerMethodField()

    class Meta:
        model = Customer
        fields = [
            "id",
            "project",
            "kind",
            "name",
            "phone",
            "phone2",
            "id_type",
            "id_number",
            "email",
            "legal_representative",
            "grade",
            "is_key_account",
            "member_segment",
            "notes",
            "is_active",
            "units",
            "created",
            "last_updated",
        ]

    def get_units(self, obj) -> list[dict]:
        links = getattr(obj, "current_links", None)
        if links is None:
            links = [link for link in obj.unit_links.all() if link.end_date is None]
        return [{"id": link.unit_id, "code": link.unit.code, "role": link.role} for link in links]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["phone"] = mask_phone(data["phone"])
        data["phone2"] = mask_phone(data["phone2"])
        data["id_number"] = mask_id_number(data["id_number"])
        return data


class LookupResultSerializer(CustomerSerializer):
    match = serializers.CharField(source="match_label", read_only=True, help_text="匹配到的资料")

    class Meta(CustomerSerializer.Meta):
        fields = [*CustomerSerializer.Meta.fields, "match"]


class RevealRequestSerializer(serializers.Serializer):
    field = serializers.ChoiceField(choices=PersonalField.choices, label=_("字段"))
    reason = serializers.CharField(required=False, allow_blank=True, max_length=200)
    contact_id = serializers.IntegerField(required=False)


class RevealResponseSerializer(serializers.Serializer):
    field = serializers.CharField()
    value = serializers.CharField()
