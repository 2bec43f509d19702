"""Create/edit forms for projects, departments and staff.

Every choice list is limited to what the signed-in person may see
(``Model.objects.restrict(user)``), so a form cannot point a record at another project. Model
``clean()`` methods hold the rules (supervisor in the same organisation, no reporting cycles,
leave date after hire date) and run for the API too.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kefu.core.validators import django_phone_validator, normalize_phone
from kefu.org.models import Department, Organisation, Project, Staff

__all__ = ["DepartmentForm", "ProjectForm", "StaffForm"]


class BootstrapModelForm(forms.ModelForm):
    """Adds Bootstrap classes and takes the signed-in ``user`` for scoping choice lists."""

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.SelectMultiple):
                css = "form-select"
                widget.attrs.setdefault("size", 4)
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs.setdefault("class", css)

    def _limit(self, name: str, queryset) -> None:
        if name in self.fields:
            self.fields[name].queryset = queryset

    def _default_organisation(self) -> None:
        """Pre-select the organisation when the person can see only one (the usual case)."""
        field = self.fields.get("organisation")
        if field is None or self.instance.pk or self.initial.get("organisation"):
            return
        orgs = list(field.queryset[:2])
        if len(orgs) == 1:
            self.initial["organisation"] = orgs[0].pk


class ProjectForm(BootstrapModelForm):
    class Meta:
        model = Project
        fields = ["organisation", "code", "name", "kind", "address", "service_phone", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._limit("organisation", Organisation.objects.restrict(self.user))
        self._default_organisation()

    def clean_code(self) -> str:
        return self.cleaned_data["code"].strip().upper()

    def clean_service_phone(self) -> str:
        value = self.cleaned_data.get("service_phone", "")
        if value:
            django_phone_validator(value)
            value = normalize_phone(value)
        return value


class DepartmentForm(BootstrapModelForm):
    class Meta:
        model = Department
        fields = ["organisation", "project", "name", "kind", "head"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].required = False
        self.fields["organisation"].help_text = _("选择了项目时可留空，自动取项目所属公司。")
        self._limit("organisation", Organisation.objects.restrict(self.user))
        self._limit(
            "project",
            Project.objects.restrict(self.user).filter(
                Q(is_active=True) | Q(pk=self.instance.project_id)
            ),
        )
        heads = Staff.objects.restrict(self.user).filter(is_active=True)
        if self.instance.pk:
            heads = heads.filter(department__organisation=self.instance.organisation_id)
        self._limit("head", heads)
        self._default_organisation()

    def clean(self) -> dict:
        data = super().clean()
        project, organisation = data.get("project"), data.get("organisation")
        if organisation is None:
            if project is not None:
                data["organisation"] = project.organisation
                self.instance.organisation = project.organisation
            elif "organisation" not in self.errors:
                self.add_error("organisation", _("请选择公司或项目。"))
        return data


class StaffForm(BootstrapModelForm):
    class Meta:
        model = Staff
        fields = [
            "employee_no",
            "name",
            "department",
            "position",
            "level",
            "supervisor",
            "extra_projects",
            "phone",
            "hire_date",
            "leave_date",
            "is_active",
            "user",
        ]
        widgets = {
            "hire_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "leave_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.user
        self._limit("department", Department.objects.restrict(user).select_related("project"))
        supervisors = Staff.objects.restrict(user).filter(
            Q(is_active=True) | Q(pk=self.instance.supervisor_id)
        )
        if self.instance.pk:
            # Neither the person nor anyone below them: that would be a cycle (Staff.clean
            # checks it again on save, also for the API).
            supervisors = supervisors.exclude(pk=self.instance.pk)
        self._limit("supervisor", supervisors)
        self._limit("extra_projects", Project.objects.restrict(user))
        if user.has_perm("auth.view_user"):
            User = get_user_model()
            self._limit(
                "user",
                User.objects.filter(Q(staff__isnull=True) | Q(pk=self.instance.user_id))
                .filter(is_active=True)
                .order_by("username"),
            )
        else:
            self.fields.pop("user")

    def clean_employee_no(self) -> str:
        return self.cleaned_data["employee_no"].strip()
