"""Web forms for the service desk. They only shape input: the rules live in ``actions`` (which
raises ``ValidationError`` in Chinese), so the views pass the cleaned data straight through."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kefu.customers.forms import BootstrapMixin
from kefu.customers.models import Customer, Unit
from kefu.org.models import Department, Project
from kefu.servicedesk.choices import (
    CallbackMethod,
    CallbackResult,
    Channel,
    ComplaintClass,
    ConfirmationMethod,
    OrderType,
    RatingLevel,
    Severity,
)
from kefu.servicedesk.models import Category

# R-TKT attachments: photos of the scene and signed PDFs only, at most 10 MB each.
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
PDF_TYPE = "application/pdf"
IMAGE_EXTENSIONS = {"jpg", "jpeg", "png", "gif", "webp", "heic", "heif", "bmp"}

DATETIME_INPUT = {"type": "datetime-local"}
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


def _datetime_field(label, required=False) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=required,
        input_formats=DATETIME_FORMATS,
        widget=forms.DateTimeInput(attrs=DATETIME_INPUT, format="%Y-%m-%dT%H:%M"),
    )


class CategorySelect(forms.Select):
    """Options carry their order type and description template for the form's script."""

    def __init__(self, *args, categories=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.categories = categories or {}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        key = getattr(value, "value", value)
        category = self.categories.get(str(key)) if key not in (None, "") else None
        if category is not None:
            option["attrs"]["data-type"] = category.order_type
            option["attrs"]["data-template"] = category.description_template
        return option


class OrderCreateForm(BootstrapMixin, forms.Form):
    """A phone call in one screen (issue 3 item 12): lookup → customer/unit, then the order."""

    project = forms.ModelChoiceField(label=_("项目"), queryset=Project.objects.none())
    customer = forms.ModelChoiceField(
        label=_("客户"), queryset=Customer.objects.none(), required=False, widget=forms.HiddenInput
    )
    unit = forms.ModelChoiceField(
        label=_("房屋"), queryset=Unit.objects.none(), required=False, widget=forms.HiddenInput
    )
    caller_name = forms.CharField(label=_("来电人"), max_length=50, required=False)
    caller_phone = forms.CharField(label=_("来电号码"), max_length=20, required=False)
    order_type = forms.ChoiceField(
        label=_("类型"), choices=OrderType.choices, initial=OrderType.REPAIR
    )
    channel = forms.ChoiceField(label=_("渠道"), choices=Channel.choices, initial=Channel.PHONE)
    category = forms.ModelChoiceField(
        label=_("分类"), queryset=Category.objects.none(), required=False
    )
    title = forms.CharField(label=_("摘要"), max_length=100)
    description = forms.CharField(label=_("内容描述"), widget=forms.Textarea(attrs={"rows": 4}))
    severity = forms.ChoiceField(
        label=_("严重程度"), choices=[("", "—"), *Severity.choices], required=False
    )
    complaint_class = forms.ChoiceField(
        label=_("投诉性质"), choices=[("", "—"), *ComplaintClass.choices], required=False
    )
    appointment_at = _datetime_field(_("预约时间"))
    requested_by = _datetime_field(_("客户要求完成时间"))
    is_emergency = forms.BooleanField(label=_("紧急"), required=False)
    address = forms.CharField(label=_("地址/位置"), max_length=200, required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        projects = Project.objects.restrict(user)
        self.fields["project"].queryset = projects
        self.fields["customer"].queryset = Customer.objects.restrict(user)
        self.fields["unit"].queryset = Unit.objects.restrict(user)
        categories = Category.objects.filter(is_active=True).select_related("parent")
        cat_list = list(categories)
        self.fields["category"].queryset = categories
        self.fields["category"].widget = CategorySelect(
            attrs={"class": "form-select"}, categories={str(c.pk): c for c in cat_list}
        )
        # The cached list spares a query per option when the select renders.
        self.fields["category"].choices = [("", "—")] + [(c.pk, str(c)) for c in cat_list]

    def create_kwargs(self) -> dict:
        """Keyword arguments for ``actions.create_order``."""
        data = dict(self.cleaned_data)
        for key in ("severity", "complaint_class"):
            data[key] = data.get(key) or ""
        return {k: v for k, v in data.items() if v is not None or k in ("customer", "unit")}


class VersionedForm(BootstrapMixin, forms.Form):
    """Every order action posts the version it was read at (optimistic locking)."""

    version = forms.IntegerField(widget=forms.HiddenInput)


class PlainActionForm(VersionedForm):
    note = forms.CharField(label=_("说明"), required=False, max_length=500)


class DispatchForm(VersionedForm):
    department = forms.ModelChoiceField(label=_("责任部门"), queryset=Department.objects.none())
    assignee = forms.ModelChoiceField(
        label=_("处理人"), queryset=get_user_model().objects.none(), required=False
    )
    reason = forms.CharField(label=_("改派原因"), required=False, max_length=500)

    def __init__(self, *args, order=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if order is not None:
            depts = Department.objects.filter(
                Q(project=order.project_id) | Q(project__isnull=True)
            ).select_related("project")
            self.fields["department"].queryset = depts
            users = (
                get_user_model()
                .objects.filter(staff__department__in=depts, staff__is_active=True, is_active=True)
                .select_related("staff", "staff__department")
                .order_by("staff__department__name", "staff__name")
            )
            self.fields["assignee"].queryset = users
            self.fields["assignee"].label_from_instance = lambda u: (
                f"{u.staff.name}（{u.staff.department.name}）"
            )


class HoldForm(VersionedForm):
    reason = forms.CharField(label=_("挂起原因"), max_length=500)
    appointment_at = _datetime_field(_("新预约时间"))


class CompleteForm(VersionedForm):
    resolution = forms.CharField(label=_("处理结果"), widget=forms.Textarea(attrs={"rows": 2}))
    confirmed_by = forms.CharField(label=_("客户确认人"), max_length=50, required=False)
    confirmation_method = forms.ChoiceField(
        label=_("确认方式"), choices=[("", "—"), *ConfirmationMethod.choices], required=False
    )
    customer_materials = forms.CharField(label=_("客户自备材料"), required=False)


class ReasonForm(VersionedForm):
    reason = forms.CharField(label=_("原因"), max_length=500)


class ClassifyForm(VersionedForm):
    complaint_class = forms.ChoiceField(label=_("投诉性质"), choices=ComplaintClass.choices)
    severity = forms.ChoiceField(label=_("严重程度"), choices=Severity.choices)
    reason = forms.CharField(label=_("重新定性原因"), required=False, max_length=500)


class TransferForm(VersionedForm):
    new_owner = forms.ModelChoiceField(
        label=_("新首问负责人"), queryset=get_user_model().objects.none()
    )
    reason = forms.CharField(label=_("转交原因"), max_length=500)

    def __init__(self, *args, order=None, **kwargs):
        super().__init__(*args, **kwargs)
        if order is not None:
            users = (
                get_user_model()
                .objects.filter(
                    Q(staff__department__project=order.project_id)
                    | Q(staff__extra_projects=order.project_id),
                    staff__is_active=True,
                    is_active=True,
                )
                .exclude(pk=order.owner_id)
                .select_related("staff")
                .distinct()
            )
            self.fields["new_owner"].queryset = users
            self.fields["new_owner"].label_from_instance = lambda u: u.staff.name


# The form each action needs; actions not listed take an optional note only.
ACTION_FORMS: dict[str, type[VersionedForm]] = {
    "dispatch": DispatchForm,
    "hold": HoldForm,
    "complete": CompleteForm,
    "cancel": ReasonForm,
    "invalidate": ReasonForm,
    "reopen": ReasonForm,
}


def action_form(action: str, *args, order=None, **kwargs) -> VersionedForm:
    cls = ACTION_FORMS.get(action, PlainActionForm)
    if cls is DispatchForm:
        return cls(*args, order=order, **kwargs)
    return cls(*args, **kwargs)


class NoteForm(BootstrapMixin, forms.Form):
    text = forms.CharField(label=_("备注"), widget=forms.Textarea(attrs={"rows": 2}))
    customer_visible = forms.BooleanField(label=_("客户可见（答复客户）"), required=False)


class AttachmentForm(BootstrapMixin, forms.Form):
    file = forms.FileField(
        label=_("附件"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*,application/pdf"}),
    )
    stage = forms.CharField(label=_("环节"), max_length=20, required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_ATTACHMENT_BYTES:
            raise forms.ValidationError(
                _("附件不能超过 10 MB（当前 %(size).1f MB）。"),
                params={"size": upload.size / 1024 / 1024},
            )
        content_type = (getattr(upload, "content_type", "") or "").lower()
        ext = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
        is_image = content_type.startswith("image/") and ext in IMAGE_EXTENSIONS
        is_pdf = content_type == PDF_TYPE and ext == "pdf"
        if is_pdf:
            head = upload.read(5)
            upload.seek(0)
            is_pdf = head == b"%PDF-"
        if not (is_image or is_pdf):
            raise forms.ValidationError(_("只能上传图片或 PDF 文件。"))
        return upload


class CallbackRecordForm(BootstrapMixin, forms.Form):
    """R-CB-01 record plus the R-SAT-01 four ratings (optional when unreachable)."""

    method = forms.ChoiceField(
        label=_("回访方式"), choices=CallbackMethod.choices, initial=CallbackMethod.PHONE
    )
    questions = forms.CharField(
        label=_("回访内容"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    customer_words = forms.CharField(
        label=_("客户意见"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    result = forms.ChoiceField(label=_("结果"), choices=CallbackResult.choices)
    visit_confirmed_by = forms.CharField(label=_("上门回访客户签字"), max_length=50, required=False)
    attitude = forms.TypedChoiceField(
        label=_("服务态度"), choices=[("", "—"), *RatingLevel.choices], coerce=int, required=False
    )
    technique = forms.TypedChoiceField(
        label=_("技术水平"), choices=[("", "—"), *RatingLevel.choices], coerce=int, required=False
    )
    timeliness = forms.TypedChoiceField(
        label=_("到场及时"), choices=[("", "—"), *RatingLevel.choices], coerce=int, required=False
    )
    promise = forms.TypedChoiceField(
        label=_("承诺兑现"), choices=[("", "—"), *RatingLevel.choices], coerce=int, required=False
    )
    rated_by = forms.CharField(label=_("评价人"), max_length=50, required=False)

    RATING_FIELDS = ("attitude", "technique", "timeliness", "promise")

    def clean(self):
        data = super().clean()
        given = [data.get(f) for f in self.RATING_FIELDS if data.get(f) not in (None, "")]
        if given and len(given) != len(self.RATING_FIELDS):
            raise forms.ValidationError(_("满意度须四项都评价，或都不填。"))
        if data.get("method") == CallbackMethod.VISIT and not data.get("visit_confirmed_by"):
            self.add_error("visit_confirmed_by", _("上门回访须记录客户签字确认（R-CB-01）。"))
        return data

    def ratings(self) -> dict | None:
        data = self.cleaned_data
        if data.get("attitude") in (None, ""):
            return None
        return {f: data[f] for f in self.RATING_FIELDS}


# ---------------------------------------------------------------------------------------------
# Paid service, compensation and incidents (R-TKT-08, R-TKT-10, R-TKT-14). Amounts are taken as
# text: ``rules.parse_amount`` in the services gives the Chinese message for bad or negative ones.

QUOTE_ROWS = 5


class QuoteAcceptForm(BootstrapMixin, forms.Form):
    accepted_by = forms.CharField(label=_("确认报价的客户"), max_length=50)
    method = forms.ChoiceField(label=_("确认方式"), choices=ConfirmationMethod.choices)


class FinanceForm(BootstrapMixin, forms.Form):
    amount = forms.CharField(label=_("交财务金额（元）"), max_length=20)


class MaterialsForm(BootstrapMixin, forms.Form):
    text = forms.CharField(
        label=_("客户自备材料"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class CompensationRequestForm(BootstrapMixin, forms.Form):
    amount = forms.CharField(label=_("赔偿金额（元）"), max_length=20)
    reason = forms.CharField(label=_("赔偿事由"), widget=forms.Textarea(attrs={"rows": 2}))


class CompensationDecisionForm(BootstrapMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("审批"), choices=[("approve", _("批准")), ("reject", _("驳回"))]
    )
    note = forms.CharField(label=_("审批意见"), required=False, max_length=500)


class CustomerRejectsForm(BootstrapMixin, forms.Form):
    note = forms.CharField(label=_("客户不接受的理由"), max_length=500)


class IncidentChecklistForm(BootstrapMixin, forms.Form):
    """R-TKT-14 losses and the elevator-entrapment checklist (``incidents.update_checklist``)."""

    losses = forms.CharField(
        label=_("损失统计"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    elevator_no = forms.CharField(label=_("电梯编号"), max_length=20, required=False)
    floor = forms.CharField(label=_("所在楼层"), max_length=20, required=False)
    technician_notified_at = _datetime_field(_("通知电梯技术员时间"))
    fire_service_called = forms.BooleanField(label=_("已报消防"), required=False)


class IncidentReportForm(BootstrapMixin, forms.Form):
    report = forms.CharField(
        label=_("事件报告"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )


class IncidentCreateForm(BootstrapMixin, forms.Form):
    """A new incident (``incidents.open_incident``): the emergency order and its checklist."""

    project = forms.ModelChoiceField(label=_("项目"), queryset=Project.objects.none())
    title = forms.CharField(label=_("摘要"), max_length=100)
    description = forms.CharField(label=_("事件经过"), widget=forms.Textarea(attrs={"rows": 3}))
    location = forms.CharField(label=_("事件地点"), max_length=100)
    caller_name = forms.CharField(label=_("报告人"), max_length=50, required=False)
    caller_phone = forms.CharField(label=_("报告人电话"), max_length=20, required=False)
    losses = forms.CharField(
        label=_("损失统计"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    elevator_entrapment = forms.BooleanField(label=_("电梯困人"), required=False)
    elevator_no = forms.CharField(label=_("电梯编号"), max_length=20, required=False)
    floor = forms.CharField(label=_("所在楼层"), max_length=20, required=False)
    technician_notified_at = _datetime_field(_("通知电梯技术员时间"))
    fire_service_called = forms.BooleanField(label=_("已报消防"), required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = Project.objects.restrict(user)
