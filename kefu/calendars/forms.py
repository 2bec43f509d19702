"""Forms of the calendar UI: the administrator's override and business hours."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kefu.calendars.engine import CalendarError, parse_intervals
from kefu.calendars.models import DayKind
from kefu.calendars.services import CLEAR, MAX_INTERVALS, OverrideEntry

DATE_INPUT = forms.DateInput(
    attrs={"type": "date", "class": "form-control form-control-sm"}, format="%Y-%m-%d"
)


class OverrideLineForm(forms.Form):
    start = forms.DateField(label=_("开始日期"), widget=DATE_INPUT)
    end = forms.DateField(
        label=_("结束日期"), widget=DATE_INPUT, required=False, help_text=_("留空表示只设一天")
    )
    kind = forms.ChoiceField(
        label=_("类型"),
        choices=[("", "---------"), *DayKind.choices, (CLEAR, _("恢复默认（删除手工设置）"))],
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    name = forms.CharField(
        label=_("名称"),
        max_length=50,
        required=False,
        widget=forms.TextInput(
            attrs={"class": "form-control form-control-sm", "placeholder": _("如 国庆节")}
        ),
    )

    def entry(self) -> OverrideEntry:
        data = self.cleaned_data
        return OverrideEntry(
            start=data["start"],
            end=data.get("end") or data["start"],
            kind=data["kind"],
            name=data.get("name", ""),
        )


OverrideFormSet = forms.formset_factory(OverrideLineForm, extra=4, max_num=10, absolute_max=10)


def override_entries(formset) -> list[OverrideEntry]:
    """The filled lines of a valid formset (blank extra lines are skipped)."""
    return [form.entry() for form in formset.forms if form.has_changed() and form.cleaned_data]


class BusinessHoursForm(forms.Form):
    intervals = forms.CharField(
        label=_("营业时间段"),
        required=False,
        max_length=200,
        help_text=_(
            "如 08:30-12:00, 13:30-18:00（午休分成两段；最多 %(n)s 段）。"
            "留空：项目使用公司默认营业时间，公司默认使用 08:30-18:00。"
        )
        % {"n": MAX_INTERVALS},
        widget=forms.TextInput(
            attrs={"class": "form-control", "placeholder": "08:30-12:00, 13:30-18:00"}
        ),
    )

    def clean_intervals(self):
        try:
            return parse_intervals(self.cleaned_data["intervals"] or "")
        except CalendarError as exc:
            raise forms.ValidationError(str(exc), code="invalid") from exc


class ComputeForm(forms.Form):
    start = forms.DateField(label=_("开始日期"), widget=DATE_INPUT)
    working_days = forms.IntegerField(
        label=_("工作日数"),
        min_value=0,
        max_value=3650,
        widget=forms.NumberInput(attrs={"class": "form-control form-control-sm"}),
    )
