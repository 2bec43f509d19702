"""Customer and premises pages: phone lookup first, then lists, the one-view customer page
(R-CUS-04), masked personal data with logged reveal (R-SEC-01), and the edit forms."""

from __future__ import annotations

from auditlog.models import LogEntry
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kefu.core.audit import SOURCE_LABELS
from kefu.customers import lookup, services
from kefu.customers.filtersets import CustomerFilterSet, UnitFilterSet
from kefu.customers.forms import CustomerForm, CustomerUnitForm, EmergencyContactForm, UnitForm
from kefu.customers.models import Customer, CustomerUnit, EmergencyContact, Unit

PAGE_SIZE = 50


def _joined(form) -> str:
    """Every error of a form in one line (甲；乙)."""
    return _("；").join(m for errors in form.errors.values() for m in errors)


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


@login_required
@permission_required("customers.view_customer", raise_exception=True)
def lookup_view(request):
    """The agent's first screen on a call: type digits, see the caller and their units."""
    q = request.GET.get("q", "")
    results = list(lookup.search(request.user, q)) if q else []
    ctx = {"q": q, "results": results, "too_short": 0 < len(q.strip()) < lookup.MIN_QUERY_LENGTH}
    template = "customers/_lookup_results.html" if request.htmx else "customers/lookup.html"
    return render(request, template, ctx)


@login_required
@permission_required("customers.view_customer", raise_exception=True)
def customer_list(request):
    base = Customer.objects.restrict(request.user).select_related("project")
    filterset = CustomerFilterSet(request.GET, queryset=base, request=request)
    page = _page(request, filterset.qs.order_by("-id"))
    return render(request, "customers/customer_list.html", {"filter": filterset, "page": page})


@login_required
@permission_required("customers.view_customer", raise_exception=True)
def customer_detail(request, pk: int):
    links = CustomerUnit.objects.select_related("unit", "unit__building").order_by(
        "end_date", "-start_date"
    )
    customer = get_object_or_404(
        Customer.objects.restrict(request.user)
        .select_related("project")
        .prefetch_related(Prefetch("unit_links", queryset=links), "emergency_contacts"),
        pk=pk,
    )
    ctx = {
        "customer": customer,
        "can_reveal": request.user.has_perm("customers.reveal_personal_data"),
        "can_edit": request.user.has_perm("customers.change_customer"),
        "contact_form": EmergencyContactForm(),
        "unit_form": CustomerUnitForm(customer=customer),
    }
    if request.user.has_perm("customers.view_personaldatareveal"):
        ctx["reveals"] = customer.reveals.select_related("user", "user__staff")[:20]
    if request.user.has_perm("auditlog.view_logentry"):
        ctx["entries"] = LogEntry.objects.get_for_object(customer).select_related(
            "actor", "actor__staff"
        )[:20]
        ctx["sources"] = SOURCE_LABELS
    return render(request, "customers/customer_detail.html", ctx)


@login_required
@require_POST
def reveal_view(request, pk: int):
    """htmx: swap a masked value for the real one; the look is logged (R-SEC-01)."""
    customer = get_object_or_404(Customer.objects.restrict(request.user), pk=pk)
    contact_id = request.POST.get("contact")
    try:
        value = services.reveal(
            request.user,
            customer,
            request.POST.get("field", ""),
            reason=request.POST.get("reason", ""),
            source="ui",
            remote_addr=request.META.get("REMOTE_ADDR"),
            contact_id=int(contact_id) if contact_id and contact_id.isdigit() else None,
        )
    except PermissionDenied as exc:
        return HttpResponse(format_html('<span class="text-danger">{}</span>', exc), status=403)
    except ValidationError as exc:
        return HttpResponse(
            format_html('<span class="text-danger">{}</span>', _("；").join(exc.messages)),
            status=400,
        )
    return HttpResponse(format_html('<span class="revealed fw-semibold">{}</span>', value))


def _customer_form_view(request, instance: Customer | None):
    form = CustomerForm(request.POST or None, instance=instance, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            customer = services.save_customer(request.user, form.instance)
        except PermissionDenied as exc:
            form.add_error("project", str(exc))
        else:
            messages.success(request, _("客户资料已保存。"))
            return redirect("customers:customer_detail", pk=customer.pk)
    return render(request, "customers/customer_form.html", {"form": form, "customer": instance})


@login_required
@permission_required("customers.add_customer", raise_exception=True)
def customer_create(request):
    return _customer_form_view(request, None)


@login_required
@permission_required("customers.change_customer", raise_exception=True)
def customer_edit(request, pk: int):
    customer = get_object_or_404(Customer.objects.restrict(request.user, "change"), pk=pk)
    return _customer_form_view(request, customer)


@login_required
@permission_required("customers.add_emergencycontact", raise_exception=True)
@require_POST
def contact_add(request, pk: int):
    customer = get_object_or_404(Customer.objects.restrict(request.user, "change"), pk=pk)
    form = EmergencyContactForm(request.POST, instance=EmergencyContact(customer=customer))
    if form.is_valid():
        form.save()
        messages.success(request, _("紧急联系人已添加。"))
    else:
        messages.error(
            request,
            _("紧急联系人未保存：%(errors)s") % {"errors": _joined(form)},
        )
    return redirect("customers:customer_detail", pk=pk)


@login_required
@permission_required("customers.add_customerunit", raise_exception=True)
@require_POST
def unit_link_add(request, pk: int):
    customer = get_object_or_404(Customer.objects.restrict(request.user, "change"), pk=pk)
    form = CustomerUnitForm(request.POST, customer=customer)
    if form.is_valid():
        try:
            services.link_unit(request.user, form.instance)
        except ValidationError as exc:
            messages.error(
                request, _("房屋关联未保存：%(errors)s") % {"errors": _("；").join(exc.messages)}
            )
        else:
            messages.success(request, _("房屋已关联。"))
    else:
        messages.error(
            request,
            _("房屋关联未保存：%(errors)s") % {"errors": _joined(form)},
        )
    return redirect("customers:customer_detail", pk=pk)


@login_required
@permission_required("customers.view_unit", raise_exception=True)
def unit_list(request):
    base = Unit.objects.restrict(request.user).select_related("project", "building", "floor")
    filterset = UnitFilterSet(request.GET, queryset=base, request=request)
    page = _page(request, filterset.qs.order_by("project_id", "code", "id"))
    return render(request, "customers/unit_list.html", {"filter": filterset, "page": page})


@login_required
@permission_required("customers.view_unit", raise_exception=True)
def unit_detail(request, pk: int):
    unit = get_object_or_404(
        Unit.objects.restrict(request.user).select_related("project", "building", "floor"), pk=pk
    )
    links = unit.customer_links.select_related("customer").order_by("end_date", "-start_date")
    if not request.user.has_perm("customers.view_customer"):
        links = links.none()
    return render(request, "customers/unit_detail.html", {"unit": unit, "links": links})


def _unit_form_view(request, instance: Unit | None):
    form = UnitForm(request.POST or None, instance=instance, user=request.user)
    if request.method == "POST" and form.is_valid():
        unit = form.save()
        messages.success(request, _("房屋资料已保存。"))
        return redirect("customers:unit_detail", pk=unit.pk)
    return render(request, "customers/unit_form.html", {"form": form, "unit": instance})


@login_required
@permission_required("customers.add_unit", raise_exception=True)
def unit_create(request):
    return _unit_form_view(request, None)


@login_required
@permission_required("customers.change_unit", raise_exception=True)
def unit_edit(request, pk: int):
    return _unit_form_view(
        request, get_object_or_404(Unit.objects.restrict(request.user, "change"), pk=pk)
    )
