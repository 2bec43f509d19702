"""One error format for the whole API.

Every error answers ``{"code": ..., "message": ..., "errors": {...}}``: ``code`` a stable
machine-readable string, ``message`` a Chinese sentence for people, ``errors`` the field
errors (``non_field_errors`` for the object as a whole).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

MESSAGES = {
    "validation_error": _("提交的数据有误，请检查标出的字段。"),
    "not_authenticated": _("请先登录。"),
    "authentication_failed": _("身份认证失败。"),
    "permission_denied": _("您没有执行此操作的权限。"),
    "not_found": _("记录不存在，或不在您的权限范围内。"),
    "method_not_allowed": _("不支持该请求方法。"),
    "throttled": _("请求过于频繁，请稍后再试。"),
    "conflict": _("数据与现有记录冲突。"),
    "invalid_transition": _("当前状态不允许此操作。"),
    "parse_error": _("请求内容无法解析。"),
    "unsupported_media_type": _("不支持的内容类型。"),
}


def error_body(code: str, errors: dict[str, Any] | None = None, message: str = "") -> dict:
    return {
        "code": code,
        "message": str(message or MESSAGES.get(code, code)),
        "errors": errors or {},
    }


def exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        from kefu.core.api.serializers import django_error_detail

        exc = exceptions.ValidationError(django_error_detail(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, IntegrityError):
        return Response(error_body("conflict"), status=status.HTTP_409_CONFLICT)
    else:
        # Service-desk refusals (imported lazily: core must not load apps at import time).
        from kefu.servicedesk.actions import ConflictError
        from kefu.servicedesk.workflow import TransitionError

        if isinstance(exc, TransitionError):
            return Response(
                error_body("invalid_transition", message=str(exc)),
                status=status.HTTP_409_CONFLICT,
            )
        if isinstance(exc, ConflictError):
            return Response(
                error_body("conflict", message=str(exc)), status=status.HTTP_409_CONFLICT
            )

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        response.data = error_body("validation_error", detail)
    elif isinstance(exc.detail, str):
        code = getattr(exc.detail, "code", None) or exc.default_code
        custom = str(exc.detail) != str(exc.default_detail)
        message = str(exc.detail) if custom else MESSAGES.get(code, str(exc.detail))
        response.data = error_body(code, None, message)
    else:
        response.data = error_body(exc.default_code, {"detail": exc.detail})
    return response
