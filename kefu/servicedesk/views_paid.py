"""Order-page sections for paid service (有偿服务, R-TKT-08/R-TKT-12/R-PROP-05), compensation
(赔偿, R-TKT-10) and incidents (突发事件, R-TKT-14), plus the new-incident form.

Thin views: every write goes through ``paid``, ``compensation`` or ``incidents``, which
validate, lock and record; their refusals come back as Chinese messages on the order page.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST

from kefu.servicedesk import compensation, incidents, paid, rules, workflow
from kefu.servicedesk.choices import OrderType
from kefu.servicedesk.forms import (
    QUOTE_ROWS,
    CompensationDecisionForm,
    CompensationRequestForm,
    CustomerRejectsForm,
    FinanceForm,
    IncidentChecklistForm,
    IncidentCreateForm,
    IncidentReportForm,
    MaterialsForm,
    QuoteAcceptForm,
)
from kefu.servicedesk.models import Compensation, IncidentReport, Quote, WorkOrder

CHANGE_PERM = "servicedesk.change_workorder"
NO_COMPENSATION = frozenset({"cancelled", "invalid"})
# rules.APPROVER_LABELS are plain text; marked here so the catalog translates them.
APPROVER_LABELS_FOR_CATALOG = (
    gettext_noop("部门经理"),
    gettext_noop("副总经理"),
    gettext_noop("总经理"),
)


def _order(user, pk: int, action: str = "view") -> WorkOrder:
    return get_object_or_404(WorkOrder.visible_to(user, action).select_related("project"), pk=pk)


def _back(pk: int, anchor: str):
    response = redirect("servicedesk:order_detail", pk=pk)
    response["Location"] += f"#{anchor}"
    return response


def _refusal(exc: Exception, form=None) -> str:
    """One line (甲；乙) from a service's ValidationError / PermissionDenied or a form's errors."""
    if isinstance(exc, ValidationError):
        return _("；").join(exc.messages)
    return str(exc) or _("没有权限。")


def _form_errors(form) -> str:
    parts = []
    for name, msgs in form.errors.items():
        field = form.fields.get(name)
        prefix = f"{field.label}：" if field is not None else ""
        parts.extend(f"{prefix}{m}" for m in msgs)
    return _("；").join(parts)


def _do(request, label: str, func, *args, **kwargs):
    """Run a service call; a success or a Chinese refusal message. The result or None."""
    try:
        result = func(*args, **kwargs)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(
            request, _("%(action)s未完成：%(errors)s") % {"action": label, "errors": _refusal(exc)}
        )
        return None
    messages.success(request, _("%(action)s：已完成。") % {"action": label})
    return result


def _invalid(request, label: str, form) -> None:
    messages.error(
        request, _("%(action)s未完成：%(errors)s") % {"action": label, "errors": _form_errors(form)}
    )


# ---------------------------------------------------------------------------------------------
# Context for order_detail.html


def limits_text() -> str:
    """≤ 1,000 元 部门经理；≤ 5,000 元 副总经理；以上 总经理 — from the settings."""
    lim = compensation.limits()
    labels = rules.APPROVER_LABELS
    return _("≤ %(d)s 元：%(dl)s；≤ %(v)s 元：%(vl)s；超过 %(v)s 元：%(gl)s") % {
        "d": f"{lim['department']:,}",
        "v": f"{lim['vp']:,}",
        "dl": _(labels["department"]),
        "vl": _(labels["vp"]),
        "gl": _(labels["gm"]),
    }


def order_sections(user, order: WorkOrder) -> dict:
    """The paid-service, compensation and incident sections of the order page."""
    ctx: dict = {}
    now = timezone.now()
    if paid.is_paid(order):
        the_quote = Quote.objects.filter(order=order).prefetch_related("lines").first()
        quotable = (
            order.status in paid.QUOTABLE
            and order.started_at is None
            and (the_quote is None or the_quote.accepted_at is None)
        )
        can_quote = user.has_perm("servicedesk.add_quote") or user.has_perm(
            "servicedesk.change_quote"
        )
        lines = list(the_quote.lines.all()) if the_quote else []
        rows = [
            {
                "price_item": line.price_item_id or "",
                "description": line.description,
                "quantity": line.quantity,
                "unit_price": line.unit_price,
            }
            for line in lines
        ]
        rows += [{} for _i in range(max(QUOTE_ROWS - len(rows), 2))]
        ctx["paid"] = {
            "quote": the_quote,
            "lines": lines,
            "price_list": list(paid.price_list(order.project)),
            "rows": rows,
            "can_quote": can_quote and quotable,
            "can_accept": user.has_perm("servicedesk.change_quote")
            and the_quote is not None
            and the_quote.accepted_at is None,
            "accept_form": QuoteAcceptForm(
                initial={"accepted_by": order.customer.name if order.customer else ""}
            ),
            "can_finance": user.has_perm(CHANGE_PERM),
            "finance_form": FinanceForm(
                initial={"amount": order.amount_to_finance if order.amount_to_finance else ""}
            ),
            "materials_form": MaterialsForm(initial={"text": order.customer_materials}),
        }
    if order.order_type == OrderType.COMPLAINT:
        comps = list(
            order.compensations.select_related(
                "requested_by__staff", "decided_by__staff", "follow_up"
            ).order_by("id")
        )
        mine = compensation.user_level(user)
        for comp in comps:
            comp.level_label = _(rules.APPROVER_LABELS.get(comp.approver_level, ""))
            comp.can_decide = (
                comp.status == Compensation.Decision.PENDING
                and user.has_perm("servicedesk.change_compensation")
                and mine is not None
                and rules.level_rank(mine) >= rules.level_rank(comp.approver_level)
            )
            comp.can_customer_reject = comp.status == Compensation.Decision.APPROVED and (
                user.has_perm("servicedesk.add_compensation")
                or user.has_perm("servicedesk.change_compensation")
            )
        pending = any(c.status == Compensation.Decision.PENDING for c in comps)
        ctx["comp"] = {
            "items": comps,
            "limits": limits_text(),
            "thresholds": compensation.limits(),
            "level_labels": {k: _(v) for k, v in rules.APPROVER_LABELS.items()},
            "my_level": _(rules.APPROVER_LABELS[mine]) if mine else "",
            "can_request": user.has_perm("servicedesk.add_compensation")
            and not pending
            and order.status not in NO_COMPENSATION,
            "request_form": CompensationRequestForm(),
            "decision_form": CompensationDecisionForm(),
            "reject_form": CustomerRejectsForm(),
        }
    incident = None
    if order.order_type == OrderType.INCIDENT:  # open_incident always sets the type
        incident = IncidentReport.objects.filter(order=order).first()
    if incident is not None:
        incident.overdue = incident.report_submitted_at is None and incident.report_due_at < now
        incident.late = (
            incident.report_submitted_at is not None
            and incident.report_submitted_at > incident.report_due_at
        )
        can_edit = user.has_perm("servicedesk.change_incidentreport")
        ctx["incident"] = {
            "item": incident,
            "can_edit": can_edit and order.status not in workflow.TERMINAL,
            "can_report": can_edit and incident.report_submitted_at is None,
            "checklist_form": IncidentChecklistForm(
                initial={
                    "losses": incident.losses,
                    "elevator_no": incident.elevator_no,
                    "floor": incident.floor,
                    "technician_notified_at": incident.technician_notified_at
                    and timezone.localtime(incident.technician_notified_at),
                    "fire_service_called": incident.fire_service_called,
                }
            ),
            "report_form": IncidentReportForm(),
        }
    return ctx


# ---------------------------------------------------------------------------------------------
# Paid service


def _quote_lines(request, order: WorkOrder) -> tuple[list, list[str]]:
    """The posted rows (``price_item``/``description``/``quantity``/``unit_price`` lists) as
    ``paid.quote`` lines; blank rows are skipped."""
    post = request.POST
    columns = [post.getlist(k) for k in ("price_item", "description", "quantity", "unit_price")]
    count = max((len(c) for c in columns), default=0)
    items = {str(i.pk): i for i in paid.price_list(order.project)}
    lines, errors = [], []
    for index in range(count):
        item_id, description, quantity, unit_price = (
            (c[index] if index < len(c) else "").strip() for c in columns
        )
        if not (item_id or description or quantity or unit_price):
            continue
        item = None
        if item_id:
            item = items.get(item_id)
            if item is None:
                errors.append(_("第 %(n)s 行：价目不属于本项目或已停用。") % {"n": len(lines) + 1})
                continue
        lines.append((item, description, quantity or "1", unit_price or None))
    return lines, errors


@login_required
@permission_required("servicedesk.add_quote", raise_exception=True)
@require_POST
def order_quote(request, pk: int):
    order = _order(request.user, pk, "change")
    label = _("报价")
    lines, errors = _quote_lines(request, order)
    if errors:
        messages.error(
            request,
            _("%(action)s未完成：%(errors)s") % {"action": label, "errors": "；".join(errors)},
        )
    else:
        result = _do(request, label, paid.quote, request.user, order, lines)
        if result is not None:
            messages.info(
                request, _("报价合计 %(total)s 元。") % {"total": rules.format_yuan(result.total)}
            )
    return _back(pk, "paid")


def _order_form(request, pk: int, form_class, label, call):
    """Validate one small order-page form and hand its data to a service:
    ``call(order, cleaned_data)``; errors become a message, the page returns to its section."""
    order = _order(request.user, pk, "change")
    form = form_class(request.POST)
    if form.is_valid():
        _do(request, label, call, order, form.cleaned_data)
    else:
        _invalid(request, label, form)
    return _back(pk, "paid")


@login_required
@permission_required("servicedesk.change_quote", raise_exception=True)
@require_POST
def order_quote_accept(request, pk: int):
    return _order_form(
        request,
        pk,
        QuoteAcceptForm,
        _("客户确认报价"),
        lambda order, data: paid.accept_quote(
            request.user, order, data["accepted_by"], data["method"]
        ),
    )


@login_required
@permission_required(CHANGE_PERM, raise_exception=True)
@require_POST
def order_finance(request, pk: int):
    return _order_form(
        request,
        pk,
        FinanceForm,
        _("登记交财务金额"),
        lambda order, data: paid.record_finance(request.user, order, data["amount"]),
    )


@login_required
@permission_required(CHANGE_PERM, raise_exception=True)
@require_POST
def order_materials(request, pk: int):
    return _order_form(
        request,
        pk,
        MaterialsForm,
        _("登记客户自备材料"),
        lambda order, data: paid.record_materials(request.user, order, data["text"]),
    )


# ---------------------------------------------------------------------------------------------
# Compensation


@login_required
@permission_required("servicedesk.add_compensation", raise_exception=True)
@require_POST
def compensation_request(request, pk: int):
    order = _order(request.user, pk)
    form = CompensationRequestForm(request.POST)
    label = _("申请赔偿")
    if form.is_valid():
        data = form.cleaned_data
        comp = _do(
            request,
            label,
            compensation.request,
            request.user,
            order,
            data["amount"],
            data["reason"],
        )
        if comp is not None:
            messages.info(
                request,
                _("赔偿金额 %(amount)s 元，须由%(who)s审批。")
                % {
                    "amount": rules.format_yuan(comp.amount),
                    "who": _(rules.APPROVER_LABELS[comp.approver_level]),
                },
            )
    else:
        _invalid(request, label, form)
    return _back(pk, "compensation")


def _compensation(user, pk: int) -> Compensation:
    return get_object_or_404(
        Compensation.objects.filter(order__in=WorkOrder.visible_to(user)).select_related("order"),
        pk=pk,
    )


@login_required
@permission_required("servicedesk.change_compensation", raise_exception=True)
@require_POST
def compensation_decide(request, pk: int):
    comp = _compensation(request.user, pk)
    form = CompensationDecisionForm(request.POST)
    label = _("审批赔偿")
    if form.is_valid():
        data = form.cleaned_data
        approve = data["decision"] == "approve"
        _do(request, label, compensation.decide, request.user, comp, approve, data["note"])
    else:
        _invalid(request, label, form)
    return _back(comp.order_id, "compensation")


@login_required
@require_POST
def compensation_customer_rejects(request, pk: int):
    user = request.user
    if not (
        user.has_perm("servicedesk.add_compensation")
        or user.has_perm("servicedesk.change_compensation")
    ):
        raise PermissionDenied
    comp = _compensation(user, pk)
    form = CustomerRejectsForm(request.POST)
    label = _("登记客户不接受赔偿")
    if form.is_valid():
        new = _do(
            request, label, compensation.customer_rejects, user, comp, form.cleaned_data["note"]
        )
        if new is not None:
            messages.info(request, _("已生成关联的新投诉 %(number)s。") % {"number": new.number})
    else:
        _invalid(request, label, form)
    return _back(comp.order_id, "compensation")


# ---------------------------------------------------------------------------------------------
# Incidents


def _incident(user, pk: int) -> IncidentReport:
    order = _order(user, pk)
    return get_object_or_404(IncidentReport.objects.select_related("order"), order=order)


@login_required
@permission_required("servicedesk.change_incidentreport", raise_exception=True)
@require_POST
def incident_checklist(request, pk: int):
    incident = _incident(request.user, pk)
    form = IncidentChecklistForm(request.POST)
    label = _("更新突发事件记录")
    if form.is_valid():
        _do(request, label, incidents.update_checklist, request.user, incident, **form.cleaned_data)
    else:
        _invalid(request, label, form)
    return _back(pk, "incident")


@login_required
@permission_required("servicedesk.change_incidentreport", raise_exception=True)
@require_POST
def incident_report(request, pk: int):
    incident = _incident(request.user, pk)
    form = IncidentReportForm(request.POST)
    label = _("提交事件报告")
    if form.is_valid():
        done = _do(
            request,
            label,
            incidents.submit_report,
            request.user,
            incident,
            form.cleaned_data["report"],
        )
        if done is not None and done.report_submitted_at > done.report_due_at:
            messages.warning(request, _("事件报告超过 24 小时才提交，已记为逾期（R-TKT-14）。"))
    else:
        _invalid(request, label, form)
    return _back(pk, "incident")


@login_required
@permission_required("servicedesk.add_incidentreport", raise_exception=True)
@permission_required("servicedesk.add_workorder", raise_exception=True)
def incident_create(request):
    """新建突发事件: an emergency order with its report due in 24 hours (R-TKT-14)."""
    user = request.user
    staff = getattr(user, "staff", None)
    initial = {"project": staff.department.project_id if staff is not None else None}
    form = IncidentCreateForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            order = incidents.open_incident(user, **data)
        except PermissionDenied as exc:
            form.add_error("project", str(exc) or _("没有权限。"))
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc.messages)
        else:
            messages.success(
                request,
                _("突发事件 %(number)s 已建立，事件报告须在 24 小时内提交。")
                % {"number": order.number},
            )
            return redirect("servicedesk:order_detail", pk=order.pk)
    return render(request, "servicedesk/incident_form.html", {"form": form})
