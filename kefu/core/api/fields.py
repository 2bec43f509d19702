"""Brief nested representations of related records (NetBox style).

``BriefRelatedField`` reads as a small object (``{"id": 3, "name": "客服部"}``) and writes as
the id (a brief object with an ``id`` is accepted too, so a client can send back what it read).
Its choices are limited to what the requesting person may see.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import build_basic_type, build_object_type
from drf_spectacular.types import OpenApiTypes
from rest_framework import serializers

__all__ = ["BriefRelatedField"]


class BriefRelatedField(serializers.PrimaryKeyRelatedField):
    def __init__(self, brief_fields: Sequence[str] = ("id", "name"), **kwargs: Any) -> None:
        self.brief_fields = tuple(brief_fields)
        super().__init__(**kwargs)

    def use_pk_only_optimization(self) -> bool:
        return False

    def to_representation(self, value) -> dict[str, Any]:
        return {name: getattr(value, name) for name in self.brief_fields}

    def to_internal_value(self, data):
        if isinstance(data, dict):
            data = data.get("id")
        return super().to_internal_value(data)

    def get_queryset(self):
        queryset = super().get_queryset()
        request = self.context.get("request")
        if request is not None and hasattr(queryset, "restrict"):
            queryset = queryset.restrict(request.user)
        return queryset


class BriefRelatedFieldExtension(OpenApiSerializerFieldExtension):
    """OpenAPI: an integer id in requests, the brief object in responses."""

    target_class = BriefRelatedField
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        field = self.target
        if direction == "request":
            return build_basic_type(OpenApiTypes.INT)
        model = field.queryset.model if field.queryset is not None else None
        properties = {}
        for name in field.brief_fields:
            kind = OpenApiTypes.STR
            if name in ("id", "pk"):
                kind = OpenApiTypes.INT
            elif model is not None:
                model_field = model._meta.get_field(name)
                if model_field.get_internal_type() in ("BooleanField",):
                    kind = OpenApiTypes.BOOL
            properties[name] = build_basic_type(kind)
        return build_object_type(properties=properties, required=list(field.brief_fields))
