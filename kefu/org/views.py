"""Web views of the organisation: staff, projects and departments.

Every view needs the model's permission for its action (403 otherwise, log-in page when signed
out) and reads through ``Model.objects.restrict(user, action)``, so a record outside the
person's projects answers 404 (item 7 of issue 2). Writes run in one transaction and are
checked against the scope again after saving (NetBox's re-check after write).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.utils.translation import gettext as _
from django.views.generic import CreateView, DetailView, UpdateView
from django_filters.views import FilterView
from django_tables2 import RequestConfig, SingleTableMixin

from kefu.org.filtersets import DepartmentFilterSet, ProjectFilterSet, StaffFilterSet
from kefu.org.forms import DepartmentForm, ProjectForm, StaffForm
from kefu.org.models import Department, Project, Staff
from kefu.org.tables import DepartmentTable, ProjectTable, StaffTable

PAGE_SIZE = 50


class ScopedMixin(PermissionRequiredMixin):
    """Model permission for ``action`` plus the object-level project scope."""

    model: type
    action = "view"

    def get_permission_required(self) -> list[str]:
        meta = self.model._meta
        return [f"{meta.app_label}.{self.action}_{meta.model_name}"]

    def get_queryset(self):
        return self.model.objects.restrict(self.request.user, self.action)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["verbose_name"] = self.model._meta.verbose_name
        return ctx


class ScopedListView(ScopedMixin, SingleTableMixin, FilterView):
    strict = False
    table_pagination = {"per_page": PAGE_SIZE}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        fields = self.filterset.form.fields
        ctx["more_filters_active"] = any(
            value for name, value in self.request.GET.items() if name in fields and name != "q"
        )
        return ctx


class StaffListView(ScopedListView):
    model = Staff
    table_class = StaffTable
    filterset_class = StaffFilterSet
    template_name = "org/staff_list.html"

    def get_queryset(self):
        return super().get_queryset().select_related("department__project", "supervisor")

    def get_table_kwargs(self) -> dict:
        return {"show_full_phone": self.request.user.has_perm("org.change_staff")}


class ProjectListView(ScopedListView):
    model = Project
    table_class = ProjectTable
    filterset_class = ProjectFilterSet
    template_name = "org/project_list.html"

    def get_queryset(self):
        return super().get_queryset().annotate(department_count=Count("departments"))


class DepartmentListView(ScopedListView):
    model = Department
    table_class = DepartmentTable
    filterset_class = DepartmentFilterSet
    template_name = "org/department_list.html"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("project", "head")
            .annotate(staff_count=Count("staff", filter=Q(staff__is_active=True)))
        )


class ScopedDetailView(ScopedMixin, DetailView):
    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx["can_change"] = (
            self.model.objects.restrict(user, "change").filter(pk=self.object.pk).exists()
        )
        return ctx


class StaffDetailView(ScopedDetailView):
    model = Staff
    template_name = "org/staff_detail.html"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("department__project", "department__organisation", "supervisor", "user")
            .prefetch_related("extra_projects")
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, obj = self.request.user, self.object
        visible = Staff.objects.restrict(user)
        chain = obj.supervisor_chain()
        visible_ids = set(visible.filter(pk__in=[s.pk for s in chain]).values_list("pk", flat=True))
        ctx["supervisor_chain"] = [(boss, boss.pk in visible_ids) for boss in chain]
        ctx["reports"] = (
            visible.filter(supervisor=obj)
            .select_related("department__project")
            .order_by("-is_active", "employee_no")
        )
        return ctx


class ProjectDetailView(ScopedDetailView):
    model = Project
    template_name = "org/project_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["departments"] = (
            Department.objects.restrict(self.request.user)
            .filter(project=self.object)
            .select_related("head")
            .annotate(staff_count=Count("staff", filter=Q(staff__is_active=True)))
            .order_by("name")
        )
        ctx["can_add_department"] = self.request.user.has_perm("org.add_department")
        return ctx


class DepartmentDetailView(ScopedDetailView):
    model = Department
    template_name = "org/department_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("project", "organisation", "head")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        staff = (
            Staff.objects.restrict(user)
            .filter(department=self.object)
            .select_related("department__project", "supervisor")
        )
        table = StaffTable(
            staff,
            show_full_phone=user.has_perm("org.change_staff"),
            exclude=("project", "department"),
        )
        RequestConfig(self.request, paginate={"per_page": PAGE_SIZE}).configure(table)
        ctx["table"] = table
        ctx["active_count"] = staff.filter(is_active=True).count()
        return ctx


class OutOfScope(Exception):
    pass


class ScopedFormMixin(ScopedMixin):
    """Saves in one transaction and refuses a result the person could not see afterwards."""

    template_name = "org/object_form.html"

    def get_form_kwargs(self) -> dict:
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    def form_valid(self, form):
        adding = form.instance._state.adding
        try:
            with transaction.atomic():
                self.object = form.save()
                visible = self.model.objects.restrict(self.request.user)
                if not visible.filter(pk=self.object.pk).exists():
                    raise OutOfScope
        except OutOfScope:
            form.add_error(None, _("保存后的记录将不在您的权限范围内，未保存。"))
        except IntegrityError:
            form.add_error(None, _("数据与现有记录冲突（可能已被他人修改），未保存。"))
        else:
            messages.success(self.request, _("已保存：%(obj)s") % {"obj": self.object})
            return HttpResponseRedirect(self.object.get_absolute_url())
        if adding:
            self.object = None
            form.instance.pk = None
            form.instance._state.adding = True
        return self.form_invalid(form)


class ScopedCreateView(ScopedFormMixin, CreateView):
    action = "add"

    def get_queryset(self):
        return self.model.objects.none()


class ScopedUpdateView(ScopedFormMixin, UpdateView):
    action = "change"


class StaffCreateView(ScopedCreateView):
    model = Staff
    form_class = StaffForm

    def get_initial(self) -> dict:
        initial = super().get_initial()
        for name in ("department", "supervisor"):
            if self.request.GET.get(name, "").isdigit():
                initial[name] = int(self.request.GET[name])
        return initial


class StaffUpdateView(ScopedUpdateView):
    model = Staff
    form_class = StaffForm


class ProjectCreateView(ScopedCreateView):
    model = Project
    form_class = ProjectForm


class ProjectUpdateView(ScopedUpdateView):
    model = Project
    form_class = ProjectForm


class DepartmentCreateView(ScopedCreateView):
    model = Department
    form_class = DepartmentForm

    def get_initial(self) -> dict:
        initial = super().get_initial()
        if self.request.GET.get("project", "").isdigit():
            initial["project"] = int(self.request.GET["project"])
        return initial


class DepartmentUpdateView(ScopedUpdateView):
    model = Department
    form_class = DepartmentForm
