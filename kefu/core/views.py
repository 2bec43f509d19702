"""Shell views: the role-based home page, system status, audit history, API root and token."""

from __future__ import annotations

from auditlog.models import LogEntry
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.reverse import reverse

from kefu.core.audit import SOURCE_LABELS
from kefu.core.models import JobRecord
from kefu.core.permissions import project_ids_for
from kefu.core.roles import ROLES


def user_roles(user) -> list[str]:
    names = set(user.groups.values_list("name", flat=True))
    return [role.name for role in ROLES if role.name in names]


@login_required
def home(request):
    """One page, sections by what the person's roles allow (R-CUS lookup first for agents)."""
    from kefu.customers.models import Customer, Unit
    from kefu.notifications.services import inbox
    from kefu.org.models import Project

    user = request.user
    roles = [gettext(name) for name in user_roles(user)]  # names are marked in kefu.core.roles
    ctx: dict = {"roles": roles, "staff": getattr(user, "staff", None)}
    ctx["can_lookup"] = user.has_perm("customers.view_customer")
    ctx["notifications"] = inbox(user)[:5]
    if user.has_perm("customers.view_unit"):
        projects = Project.objects.restrict(user).filter(is_active=True)
        unit_stats = {
            row["project"]: row
            for row in Unit.objects.filter(project__in=projects)
            .values("project")
            .annotate(
                units=Count("id"),
                occupied=Count("id", filter=Q(status="occupied")),
                vacant=Count("id", filter=Q(status="vacant")),
                decorating=Count("id", filter=Q(status="decorating")),
            )
        }
        customer_stats = {}
        if user.has_perm("customers.view_customer"):
            customer_stats = {
                row["project"]: row
                for row in Customer.objects.filter(project__in=projects, is_active=True)
                .values("project")
                .annotate(
                    customers=Count("id"), key_accounts=Count("id", filter=Q(is_key_account=True))
                )
            }
        ctx["project_stats"] = [
            {"project": p, **unit_stats.get(p.pk, {}), **customer_stats.get(p.pk, {})}
            for p in projects
        ]
    if user.has_perm("auditlog.view_logentry"):
        ctx["recent_changes"] = _scoped_log_entries(user)[:8]
    if user.has_perm("customers.view_personaldatareveal"):
        from kefu.customers.models import PersonalDataReveal

        ctx["recent_reveals"] = PersonalDataReveal.objects.restrict(user).select_related(
            "user", "customer"
        )[:8]
    if user.has_perm("core.view_jobrecord"):
        ctx["jobs"] = JobRecord.objects.all()
    return render(request, "core/home.html", ctx)


def _scoped_log_entries(user):
    entries = LogEntry.objects.select_related("actor", "content_type").order_by("-timestamp")
    if project_ids_for(user) is None:
        return entries
    # Supervisors limited to their projects see changes made by people of those projects.
    from kefu.org.models import Staff

    actors = Staff.objects.restrict(user).exclude(user=None).values("user_id")
    return entries.filter(actor__in=actors)


@login_required
@permission_required("core.view_jobrecord", raise_exception=True)
def system_status(request):
    jobs = JobRecord.objects.all()
    beat = jobs.filter(name="heartbeat").first()
    stale = (
        beat is None
        or beat.finished is None
        or (timezone.now() - beat.finished).total_seconds() > 180
    )
    return render(
        request,
        "core/system_status.html",
        {"jobs": jobs, "heartbeat": beat, "heartbeat_stale": stale},
    )


@login_required
@permission_required("auditlog.view_logentry", raise_exception=True)
def audit_history(request, app_label: str, model: str, pk: int):
    """Every change to one record, newest first (read-only)."""
    try:
        ct = ContentType.objects.get(app_label=app_label, model=model)
    except ContentType.DoesNotExist as exc:
        raise Http404 from exc
    model_cls = ct.model_class()
    if model_cls is None or not hasattr(model_cls.objects, "restrict"):
        raise Http404
    obj = model_cls.objects.restrict(request.user).filter(pk=pk).first()
    if obj is None:
        raise Http404
    entries = LogEntry.objects.get_for_object(obj).select_related("actor")
    return render(
        request,
        "core/audit_history.html",
        {
            "object": obj,
            "entries": entries,
            "sources": SOURCE_LABELS,
            "model_name": model_cls._meta.verbose_name,
        },
    )


@extend_schema(exclude=True)
@api_view(["GET"])
@permission_classes([AllowAny])
def api_root(request, format=None):
    return Response(
        {
            "org": reverse("org-api:api-root", request=request, format=format),
            "customers": reverse("customers-api:api-root", request=request, format=format),
            "calendars": reverse("calendars-api:api-root", request=request, format=format),
            "notifications": reverse("notifications-api:api-root", request=request, format=format),
            "audit": reverse("audit-api:api-root", request=request, format=format),
            "schema": reverse("api-schema", request=request, format=format),
            "docs": reverse("api-docs", request=request, format=format),
        }
    )


class ObtainTokenView(ObtainAuthToken):
    """Exchange a username and password for an API token (header: ``Authorization: Token …``)."""

    permission_classes = [AllowAny]
    authentication_classes = []
