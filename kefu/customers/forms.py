"""Web forms for customers and premises; validation comes from the models' clean()."""

from django import forms
from django.utils.translation import gettext_lazy as _

from kefu.customers.models import Building, Customer, CustomerUnit, EmergencyContact, Floor, Unit
from kefu.org.models import Project


class BootstrapMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            css = "form-check-input" if isinstance(widget, forms.CheckboxInput) else "form-control"
            if isinstance(widget, forms.Select):
                css = "form-select"
            widget.attrs.setdefault("class", css)


class CustomerForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Customer
        fields = [
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
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = Project.objects.restrict(user)


class EmergencyContactForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = EmergencyContact
        fields = ["name", "relation", "phone"]


class CustomerUnitForm(BootstrapMixin, forms.ModelForm):
    unit_code = forms.CharField(label=_("房屋编码"), help_text=_("如 1-0302（楼栋-房号）"))

    class Meta:
        model = CustomerUnit
        fields = ["unit_code", "role", "start_date", "end_date"]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}),
            "end_date": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, customer=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.customer = customer
        self.instance.customer = customer

    def _update_errors(self, errors):
        # Model validation speaks of "unit"; on this form the unit is typed as its code.
        if hasattr(errors, "error_dict") and "unit" in errors.error_dict:
            errors.error_dict["unit_code"] = errors.error_dict.pop("unit")
        super()._update_errors(errors)

    def clean_unit_code(self):
        code = self.cleaned_data["unit_code"].strip()
        unit = Unit.objects.filter(project_id=self.customer.project_id, code=code).first()
        if unit is None:
            raise forms.ValidationError(
                _("本项目没有房屋编码为 %(code)s 的房屋。") % {"code": code}
            )
        self.instance.unit = unit
        return code


class UnitForm(BootstrapMixin, forms.ModelForm):
    floor_number = forms.IntegerField(label=_("楼层"), help_text=_("地下层用负数"))

    class Meta:
        model = Unit
        fields = ["building", "floor_number", "number", "area", "kind", "status"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["building"].queryset = Building.objects.restrict(user).select_related("project")
        if self.instance.pk:
            self.fields["floor_number"].initial = self.instance.floor.number

    def clean(self):
        data = super().clean()
        building, number = data.get("building"), data.get("floor_number")
        if building is not None and number is not None:
            floor = Floor.objects.filter(building=building, number=number).first()
            self.instance.floor = floor or Floor(building=building, number=number)
        return data

    def save(self, commit=True):
        floor = self.instance.floor
        if floor.pk is None:
            floor.save()
            self.instance.floor = floor
        return super().save(commit)
