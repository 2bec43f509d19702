"""Service-desk screens (issue 3 item 12): the phone-call order form, the lists and the board,
the order page with its timeline and actions, the technician's cards, the callback worklist and
the daily summary. Views are thin: every write goes through ``actions`` (or ``callbacks`` /
``satisfaction``), which validate, lock and record."""

from __future__ import annotations

import datetime
import importlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import OuterRef, Q, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kefu.customers import lookup
from kefu.servicedesk import actions, workflow
from kefu.servicedesk.choices import OrderType, Status
from kefu.servicedesk.filtersets import WorkOrderFilterSet
from kefu.servicedesk.forms import (
    ACTION_FORMS,
    AttachmentForm,
    CallbackRecordForm,
    ClassifyForm,
    NoteForm,
    OrderCreateForm,
    TransferForm,
    action_form,
)
from kefu.servicedesk.models import (
    Attachment,
    Callback,
    OrderDeadline,
    OrderEvent,
    WorkOrder,
)

PAGE_SIZE = 50
VIEW_PERM = "servicedesk.view_workorder"
CHANGE_PERM = "servicedesk.change_workorder"
CONFLICT_MESSAGE = "已被他人修改，请刷新"

# Everything a list row shows, fetched with the order (no query per row).
LIST_RELATED = (
    "project",
    "customer",
    "unit",
    "category",
    "department",
    "assignee__staff",
    "owner__staff",
)
# Timeline labels: every action's own label plus the events that are not transitions.
EXTRA_EVENT_LABELS = {
    "created": "新建",
    "note": "备注",
    "classified": "投诉定性",
    "ownership_transferred": "转交首问责任",
    "attachment": "上传附件",
    "callback_recorded": "回访记录",
    "rated": "满意度评价",
    "escalated": "时限升级提醒",
    "breached": "超时",
}
STATUS_BADGES = {
    Status.NEW: "secondary",
    Status.ACCEPTED: "info",
    Status.DISPATCHED: "primary",
    Status.ACKNOWLEDGED: "primary",
    Status.DEPARTED: "primary",
    Status.ON_SITE: "primary",
    Status.IN_PROGRESS: "primary",
    Status.ON_HOLD: "warning",
    Status.COMPLETED: "success",
    Status.CALLBACK_DONE: "success",
    Status.CLOSED: "dark",
    Status.CANCELLED: "light",
    Status.INVALID: "light",
    Status.REOPENED: "danger",
}
# The technician's big buttons, in the order of the work.
FIELD_ACTIONS = ("acknowledge", "depart", "arrive", "start", "complete", "hold")


def event_label(kind: str) -> str:
    action = workflow.ACTIONS.get(kind)
    return _(action.label) if action else _(EXTRA_EVENT_LABELS.get(kind, kind))


def _optional(module: str, name: str):
    """A function from a service module another helper may not have written yet."""
    try:
        return getattr(importlib.import_module(f"kefu.servicedesk.{module}"), name, None)
    except ImportError:
        return None


def deadline_state(deadline: OrderDeadline, now: datetime.datetime) -> str:
    """met / breached / paused / pending / due_soon / running (``deadlines.deadline_status``)."""
    status = _optional("deadlines", "deadline_status")
    if status is not None:
        value = status(deadline, now)
        return str(getattr(value, "value", value))
    if deadline.met_at is not None:
        return "breached" if deadline.breached else "met"
    if deadline.paused_at is not None:
        return "paused"
    if deadline.breached or (deadline.due_at is not None and deadline.due_at <= now):
        return "breached"
    return "running"


DEADLINE_STATE_LABELS = {
    "met": ("按时达成", "success"),
    "breached": ("超时", "danger"),
    "paused": ("暂停计时", "secondary"),
    "pending": ("未起算", "light"),
    "due_soon": ("即将超时", "warning"),
    "running": ("计时中", "primary"),
}


def _joined(errors, form=None) -> str:
    """Every message in one line (甲；乙), a form's prefixed with the field's label."""
    if isinstance(errors, ValidationError):
        return _("；").join(errors.messages)
    parts = []
    for name, msgs in errors.items():
        field = form.fields.get(name) if form is not None else None
        prefix = f"{field.label}：" if field is not None else ""
        parts.extend(f"{prefix}{m}" for m in msgs)
    return _("；").join(parts)


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _next_url(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return target
    return default


def _staff_project(user):
    staff = getattr(user, "staff", None)
    return staff.department.project if staff is not None else None


def next_due_subquery() -> Subquery:
    """The nearest running deadline of an order (met and paused clocks do not count)."""
    return Subquery(
        OrderDeadline.objects.filter(
            order=OuterRef("pk"), met_at__isnull=True, paused_at__isnull=True, due_at__isnull=False
        )
        .order_by("due_at")
        .values("due_at")[:1]
    )


def _list_queryset(user):
    return (
        WorkOrder.visible_to(user)
        .select_related(*LIST_RELATED)
        .annotate(next_due=next_due_subquery())
    )


# ---------------------------------------------------------------------------------------------
# 1. New order for a phone call


@login_required
@permission_required("servicedesk.add_workorder", raise_exception=True)
def order_create(request):
    user = request.user
    project = _staff_project(user)
    initial = {"project": project.pk if project else None}
    form = OrderCreateForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            order = actions.create_order(user, **form.create_kwargs())
        except PermissionDenied as exc:
            form.add_error("project", str(exc))
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("工单 %(number)s 已建立。") % {"number": order.number})
            return redirect("servicedesk:order_detail", pk=order.pk)
    return render(request, "servicedesk/order_form.html", {"form": form})


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@login_required
@permission_required("servicedesk.add_workorder", raise_exception=True)
def caller_lookup(request):
    """htmx: the phone/name/unit lookup on the order form (``customers.lookup.search``)."""
    q = request.GET.get("q", "")
    results = (
        lookup.search(request.user, q) if request.user.has_perm("customers.view_customer") else []
    )
    typed = lookup.normalize_query(q)
    phone = typed if typed.isdigit() and len(typed) >= 7 else ""
    ctx = {"q": q, "results": results, "typed_phone": phone}
    ctx["too_short"] = 0 < len(q.strip()) < lookup.MIN_QUERY_LENGTH
    return render(request, "servicedesk/_caller_results.html", ctx)


@login_required
@permission_required(VIEW_PERM, raise_exception=True)
def duplicates(request):
    """htmx: open orders of the same unit and category (a second call about the same leak)."""
    unit, category = request.GET.get("unit"), request.GET.get("category")
    found = []
    if unit and unit.isdigit() and category and category.isdigit():
        found = list(
            WorkOrder.visible_to(request.user)
            .filter(unit_id=int(unit), category_id=int(category), status__in=workflow.ACTIVE)
            .only("pk", "number", "status", "title")
            .order_by("-id")[:10]
        )
    return render(request, "servicedesk/_duplicates.html", {"duplicates": found})


# ---------------------------------------------------------------------------------------------
# 2. Lists


def _render_list(request, *, title: str, base, ordering, extra: dict | None = None):
    filterset = WorkOrderFilterSet(request.GET or None, queryset=base, request=request)
    qs = filterset.qs.order_by(*ordering)
    ctx = {
        "title": title,
        "filter": filterset,
        "page": _page(request, qs),
        "now": timezone.now(),
        "badges": STATUS_BADGES,
        **(extra or {}),
    }
    return render(request, "servicedesk/order_list.html", ctx)


@login_required
@permission_required(VIEW_PERM, raise_exception=True)
def order_list(request):
    return _render_list(
        request, title=_("工单查询"), base=_list_queryset(request.user), ordering=["-id"]
    )


@login_required
@permission_required(VIEW_PERM, raise_exception=True)
def my_orders(request):
    me = request.user
    base = _list_queryset(me).filter(Q(owner=me) | Q(assignee=me))
    return _render_list(request, title=_("我的工单"), base=base, ordering=["-id"])


@login_required
@permission_required(VIEW_PERM, raise_exception=True)
def department_queue(request):
    staff = getattr(request.user, "staff", None)
    base = _list_queryset(request.user).filter(status__in=workflow.ACTIVE | {Status.ON_HOLD})
    base = base.filter(department_id=staff.department_id) if staff else base.none()
    title = _("部门工单队列")
    if staff:
        title = _("%(department)s 工单队列") % {"department": staff.department.name}
    return _render_list(request, title=title, base=base, ordering=["received_at", "id"])


@login_required
@permission_required("servicedesk.view_project_orders", raise_exception=True)
def board(request):
    """Supervisor board: open orders by time to breach, overdue first (live clocks)."""
    from django.db.models import F

    base = _list_queryset(request.user).filter(status__in=workflow.ACTIVE)
    ordering = [F("next_due").asc(nulls_last=True), "id"]
    return _render_list(
        request,
        title=_("主管看板：按超时先后"),
        base=base,
        ordering=ordering,
        extra={"board": True},
    )


@login_required
@permission_required(VIEW_PERM, raise_exception=True)
def unrepaired(request):
    """R-TKT-15: open repair orders, each with its latest reason (hold, re-dispatch, note)."""
    reasons = (
        OrderEvent.objects.filter(order=OuterRef("pk")).exclude(note="").order_by("-at", "-id")
    )
    base = (
        _list_queryset(request.user)
        .filter(order_type=OrderType.REPAIR, status__in=workflow.ACTIVE | {Status.ON_HOLD})
        .annotate(
            reason_note=Subquery(reasons.values("note")[:1]),
            reason_kind=Subquery(reasons.values("kind")[:1]),
            reason_at=Subquery(reasons.values("at")[:1]),
        )
    )
    return _render_list(
        request,
        title=_("未修复工单及原因（R-TKT-15）"),
        base=base,
        ordering=["received_at", "id"],
        extra={"with_reason": True, "event_labels": _event_labels()},
    )


def _event_labels() -> dict[str, str]:
    labels = {code: _(a.label) for code, a in workflow.ACTIONS.items()}
    labels.update({k: _(v) for k, v in EXTRA_EVENT_LABELS.items()})
    return labels


# ---------------------------------------------------------------------------------------------
# 3. Order page


def _order_for(user, pk: int, action: str = "view") -> WorkOrder:
    qs = WorkOrder.visible_to(user, action).select_related(
        *LIST_RELATED, "receiver__staff", "unit__building", "sla_policy", "parent"
    )
    return get_object_or_404(qs, pk=pk)


def available_actions(user, order: WorkOrder) -> list[str]:
    """``workflow.allowed_actions`` filtered by the user's permissions."""
    if not user.has_perm(CHANGE_PERM):
        return []
    codes = workflow.allowed_actions(order.status)
    if not user.has_perm("servicedesk.dispatch_order"):
        codes = [c for c in codes if c != "dispatch"]
    if _optional("callbacks", "record") is not None:
        codes = [c for c in codes if c != "callback"]  # recorded on the callback worklist
    return codes


@login_required
@permission_required(VIEW_PERM, raise_exception=True)
def order_detail(request, pk: int):
    user = request.user
    order = _order_for(user, pk)
    now = timezone.now()
    deadlines = list(order.deadlines.all().order_by("due_at", "id"))
    for d in deadlines:
        d.state = deadline_state(d, now)
        label, d.state_css = DEADLINE_STATE_LABELS.get(d.state, (d.state, "secondary"))
        d.state_label = _(label)
        d.ticking = d.met_at is None and d.paused_at is None and d.due_at is not None
    events = list(order.events.select_related("actor__staff").order_by("at", "id"))
    labels = _event_labels()
    statuses = dict(Status.choices)
    for e in events:
        e.label = labels.get(e.kind, e.kind)
        e.from_label, e.to_label = statuses.get(e.from_status, ""), statuses.get(e.to_status, "")
    codes = available_actions(user, order)
    action_forms = [
        {
            "code": code,
            "label": _(workflow.ACTIONS[code].label),
            "form": action_form(code, order=order, initial={"version": order.version}),
            "plain": code not in ACTION_FORMS,
        }
        for code in codes
    ]
    ctx = {
        "order": order,
        "now": now,
        "badges": STATUS_BADGES,
        "deadlines": deadlines,
        "events": events,
        "notes": order.notes.select_related("author__staff"),
        "attachments": order.attachments.select_related("uploaded_by__staff"),
        "callbacks": order.callbacks.select_related("done_by__staff", "assigned_to__staff"),
        "ratings": order.ratings.select_related("recorded_by__staff", "staff__staff"),
        "action_forms": action_forms,
        "note_form": NoteForm(),
        "attachment_form": AttachmentForm(),
        "can_change": user.has_perm(CHANGE_PERM),
        "can_note": user.has_perm("servicedesk.add_ordernote"),
        "can_attach": user.has_perm("servicedesk.add_attachment"),
        "can_reveal": user.has_perm("customers.reveal_personal_data"),
        "can_audit": user.has_perm("auditlog.view_logentry"),
        "customer": order.customer,
    }
    # Paid-service quote, compensation and incident sections (kefu/servicedesk/views_paid.py).
    from kefu.servicedesk.views_paid import order_sections

    ctx.update(order_sections(user, order))
    if user.has_perm("servicedesk.transfer_order") and order.status not in workflow.TERMINAL:
        ctx["transfer_form"] = TransferForm(order=order, initial={"version": order.version})
    if (
        order.order_type == OrderType.COMPLAINT
        and user.has_perm(CHANGE_PERM)
        and order.status not in workflow.TERMINAL
    ):
        ctx["classify_form"] = ClassifyForm(
            initial={
                "version": order.version,
                "complaint_class": order.complaint_class,
                "severity": order.severity,
            }
        )
    return render(request, "servicedesk/order_detail.html", ctx)


def _run(request, label: str, func, *args, **kwargs) -> bool:
    """Call a write path and turn its refusals into Chinese messages; True when it went."""
    try:
        func(*args, **kwargs)
    except actions.ConflictError:
        messages.error(request, _(CONFLICT_MESSAGE))
    except workflow.TransitionError as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(
            request, _("%(action)s未完成：%(errors)s") % {"action": label, "errors": _joined(exc)}
        )
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("没有权限。"))
    else:
        messages.success(request, _("%(action)s：已完成。") % {"action": label})
        return True
    return False


@login_required
@permission_required(CHANGE_PERM, raise_exception=True)
@require_POST
def order_action(request, pk: int, action: str):
    if action not in workflow.ACTIONS:
        raise Http404
    if action == "dispatch" and not request.user.has_perm("servicedesk.dispatch_order"):
        raise PermissionDenied
    order = _order_for(request.user, pk, "change")
    back = _next_url(request, reverse("servicedesk:order_detail", args=[pk]))
    label = _(workflow.ACTIONS[action].label)
    form = action_form(action, request.POST, order=order)
    if not form.is_valid():
        messages.error(
            request,
            _("%(action)s未完成：%(errors)s")
            % {"action": label, "errors": _joined(form.errors, form)},
        )
        return redirect(back)
    data = dict(form.cleaned_data)
    version, note = data.pop("version"), data.pop("note", "")
    _run(
        request,
        label,
        actions.transition,
        request.user,
        order,
        action,
        version=version,
        note=note,
        **data,
    )
    return redirect(back)


@login_required
@permission_required(CHANGE_PERM, raise_exception=True)
@require_POST
def order_classify(request, pk: int):
    order = _order_for(request.user, pk, "change")
    form = ClassifyForm(request.POST)
    if form.is_valid():
        _run(request, _("投诉定性"), actions.classify, request.user, order, **form.cleaned_data)
    else:
        messages.error(request, _joined(form.errors, form))
    return redirect("servicedesk:order_detail", pk=pk)


@login_required
@permission_required("servicedesk.transfer_order", raise_exception=True)
@require_POST
def order_transfer(request, pk: int):
    order = _order_for(request.user, pk, "change")
    form = TransferForm(request.POST, order=order)
    if form.is_valid():
        data = form.cleaned_data
        _run(
            request,
            _("转交首问责任"),
            actions.transfer_ownership,
            request.user,
            order,
            data["new_owner"],
            reason=data["reason"],
            version=data["version"],
        )
    else:
        messages.error(request, _joined(form.errors, form))
    return redirect("servicedesk:order_detail", pk=pk)


@login_required
@permission_required("servicedesk.add_ordernote", raise_exception=True)
@require_POST
def order_note(request, pk: int):
    order = _order_for(request.user, pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        _run(
            request,
            _("备注"),
            actions.add_note,
            request.user,
            order,
            form.cleaned_data["text"],
            customer_visible=form.cleaned_data["customer_visible"],
        )
    else:
        messages.error(request, _joined(form.errors, form))
    return redirect("servicedesk:order_detail", pk=pk)


@login_required
@permission_required("servicedesk.add_attachment", raise_exception=True)
@require_POST
def order_attachment(request, pk: int):
    """Photos and PDFs only, ≤ 10 MB; refused with a message otherwise."""
    order = _order_for(request.user, pk)
    back = _next_url(request, reverse("servicedesk:order_detail", args=[pk]))
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("附件未上传：%(errors)s") % {"errors": _joined(form.errors)})
        return redirect(back)
    upload = form.cleaned_data["file"]
    attachment = Attachment.objects.create(
        order=order,
        file=upload,
        name=upload.name[:200],
        content_type=upload.content_type,
        size=upload.size,
        uploaded_by=request.user,
        stage=form.cleaned_data["stage"],
    )
    actions.record_event(
        order,
        "attachment",
        request.user,
        timezone.now(),
        note=attachment.name,
        attachment=attachment.pk,
    )
    messages.success(request, _("附件已上传。"))
    return redirect(back)


# ---------------------------------------------------------------------------------------------
# 4. Technician view


@login_required
@permission_required(VIEW_PERM, raise_exception=True)
def my_tasks(request):
    user = request.user
    orders = list(
        WorkOrder.visible_to(user)
        .filter(assignee=user, status__in=workflow.ACTIVE | {Status.ON_HOLD})
        .select_related("unit", "customer", "category", "project")
        .annotate(next_due=next_due_subquery())
        .order_by("appointment_at", "dispatched_at", "id")
    )
    can_change = user.has_perm(CHANGE_PERM)
    for order in orders:
        allowed = set(workflow.allowed_actions(order.status)) if can_change else set()
        order.buttons = [
            (code, _(workflow.ACTIONS[code].label)) for code in FIELD_ACTIONS if code in allowed
        ]
        order.complete_form = action_form("complete", initial={"version": order.version})
        order.hold_form = action_form("hold", initial={"version": order.version})
    ctx = {"orders": orders, "now": timezone.now(), "badges": STATUS_BADGES}
    return render(request, "servicedesk/my_tasks.html", ctx)


# ---------------------------------------------------------------------------------------------
# 5. Callback worklist


@login_required
@permission_required("servicedesk.view_callback", raise_exception=True)
def callback_worklist(request):
    """Due today, overdue and upcoming callbacks of the user (``team``: and their reports)."""
    from kefu.servicedesk import callbacks

    team = bool(request.GET.get("team"))
    lists = callbacks.worklist(request.user, team=team)
    ids = [c.pk for bucket in lists.values() for c in bucket]
    # One query for the rows' order, unit and customer (the worklist fetches orders only).
    rows = Callback.objects.filter(pk__in=ids).select_related(
        "order", "order__unit", "order__customer", "assigned_to__staff"
    )
    by_id = {c.pk: c for c in rows}
    ctx = {key: [by_id[c.pk] for c in bucket] for key, bucket in lists.items()}
    ctx.update({"team": team, "now": timezone.now()})
    return render(request, "servicedesk/callbacks.html", ctx)


@login_required
@permission_required("servicedesk.change_callback", raise_exception=True)
def callback_record(request, pk: int):
    """R-CB-01 record with the R-SAT-01 ratings: ``callbacks.record`` does the rest."""
    from kefu.servicedesk import callbacks

    user = request.user
    callback = get_object_or_404(
        Callback.objects.restrict(user, "change").select_related(
            "order", "order__customer", "order__unit", "order__assignee__staff"
        ),
        pk=pk,
    )
    form = CallbackRecordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {
            k: v
            for k, v in form.cleaned_data.items()
            if k not in (*CallbackRecordForm.RATING_FIELDS, "rated_by")
        }
        rating = form.ratings()
        if rating is not None:
            rating["rated_by"] = form.cleaned_data["rated_by"] or (
                callback.order.customer.name if callback.order.customer else ""
            )
        if _run(request, _("回访记录"), callbacks.record, user, callback, rating=rating, **data):
            return redirect("servicedesk:order_detail", pk=callback.order_id)
    ctx = {"callback": callback, "order": callback.order, "form": form}
    return render(request, "servicedesk/callback_form.html", ctx)


# ---------------------------------------------------------------------------------------------
# 6. Daily summary


@login_required
@permission_required(VIEW_PERM, raise_exception=True)
def daily(request):
    from kefu.servicedesk.summary import daily_summary

    day = parse_date(request.GET.get("date") or "") or timezone.localdate()
    summary = daily_summary(request.user, day)
    base = f"{reverse('servicedesk:order_list')}?received_after={day}&received_before={day}"
    ctx = {
        "day": day,
        "summary": summary,
        "base": base,
        "previous": day - datetime.timedelta(days=1),
        "following": day + datetime.timedelta(days=1),
    }
    return render(request, "servicedesk/daily.html", ctx)
