"""The audit trail (R-SEC-02): who changed what, when, and from where.

django-auditlog writes one ``LogEntry`` per create/update/delete with the changed fields before
and after. Kefu adds the *source* of each change — ``ui``, ``api`` or ``command`` — in
``additional_data`` and makes sure API requests authenticated by token are attributed to their
user. Log entries are read-only everywhere (admin and API).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

from auditlog.context import auditlog_value, set_extra_data
from auditlog.middleware import AuditlogMiddleware
from auditlog.registry import auditlog
from django.db import models
from django.utils.translation import gettext_lazy as _

SOURCE_UI = "ui"
SOURCE_API = "api"
SOURCE_COMMAND = "command"
SOURCE_JOB = "job"
SOURCE_LABELS = {
    SOURCE_UI: _("网页"),
    SOURCE_API: "API",
    SOURCE_COMMAND: _("命令行"),
    SOURCE_JOB: _("后台任务"),
}


# Stamps and derived columns that say nothing about who changed what.
UNTRACKED_FIELDS = ("created", "last_updated", "search_text")
_pending: list[tuple[type[models.Model], dict[str, Any]]] = []


def register(model: type[models.Model] | None = None, **options: Any):
    """Put a model under the audit trail; a class decorator, bare or with auditlog options
    (``@register(mask_fields=["id_number"])``). Registration completes in ``register_pending``
    once every model is loaded, so reverse relations can be left out of the diffs."""
    if model is None:
        return lambda cls: register(cls, **options)
    _pending.append((model, options))
    return model


def register_pending() -> None:
    """Called from the core app's ``ready()``: track each model's own columns only."""
    while _pending:
        model, options = _pending.pop(0)
        reverse = [f.name for f in model._meta.get_fields() if f.auto_created and not f.concrete]
        exclude = [*options.pop("exclude_fields", []), *UNTRACKED_FIELDS, *reverse]
        if "mask_fields" in options:
            options.setdefault("mask_callable", "kefu.core.audit.mask_value")
        auditlog.register(model, exclude_fields=exclude, **options)


def mask_value(value: Any) -> str:
    """How masked fields (phones, ID numbers) appear in the audit trail (R-SEC-01)."""
    from kefu.core.validators import is_valid_phone, mask_id_number, mask_phone

    text = "" if value in (None, "None") else str(value)
    if not text:
        return "—"
    return mask_phone(text) if is_valid_phone(text) else mask_id_number(text)


# Whether an audit context is open in this thread/task. auditlog's own contexts do not nest (an
# inner one leaves the outer one's receiver dangling), so ``audit_context`` amends an open one.
_context_open: ContextVar[bool] = ContextVar("kefu_audit_context_open", default=False)


class AuditContextMiddleware(AuditlogMiddleware):
    """Attach actor, address and source (UI or API) to every change made during a request."""

    def __call__(self, request):
        token = _context_open.set(True)
        try:
            return super().__call__(request)
        finally:
            _context_open.reset(token)

    def get_extra_data(self, request):
        data = super().get_extra_data(request)
        source = SOURCE_API if request.path.startswith("/api/") else SOURCE_UI
        data["additional_data"] = {"source": source}
        return data


def attribute_request_user(user) -> None:
    """Called by the API once DRF has authenticated the request (token auth happens after
    Django's middleware, so the middleware cannot see that user)."""
    try:
        context = auditlog_value.get()
    except LookupError:
        return
    if user is not None and user.is_authenticated:
        context["actor"] = user


@contextlib.contextmanager
def audit_context(source: str, actor=None, **extra: Any) -> Iterator[None]:
    """Attribute changes to a source and actor: commands, jobs, or a part of a request.

    Inside an open context (a web request, another ``audit_context``) the open one is amended
    for the duration and restored afterwards; otherwise a new one is opened.
    """
    data = {"source": source, **extra}
    if _context_open.get():
        current = auditlog_value.get()
        saved = dict(current)
        current["additional_data"] = data
        if actor is not None:
            current["actor"] = actor
        try:
            yield
        finally:
            current.clear()
            current.update(saved)
        return
    token = _context_open.set(True)
    try:
        with set_extra_data({"actor": actor, "additional_data": data}):
            yield
    finally:
        _context_open.reset(token)
