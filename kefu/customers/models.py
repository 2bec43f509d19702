"""Premises (project → building → floor → unit) and customers with their units and contacts."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kefu.core.audit import register
from kefu.core.models import KefuModel
from kefu.core.querysets import RestrictedQuerySet
from kefu.core.validators import (
    django_phone_validator,
    django_resident_id_validator,
    normalize_phone,
)
from kefu.customers import rules
from kefu.customers.choices import (
    CustomerGrade,
    CustomerKind,
    IdType,
    MemberSegment,
    PersonalField,
    UnitKind,
    UnitRole,
    UnitStatus,
)

__all__ = [
    "Building",
    "Customer",
    "CustomerUnit",
    "EmergencyContact",
    "Floor",
    "PersonalDataReveal",
    "Unit",
]


@register
class Building(KefuModel):
    project = models.ForeignKey(
        "org.Project", on_delete=models.PROTECT, related_name="buildings", verbose_name=_("项目")
    )
    code = models.CharField(_("楼栋编码"), max_length=20, help_text=_("如 1、A、T2"))
    name = models.CharField(_("楼栋名称"), max_length=50)

    project_scope = "project"

    class Meta:
        verbose_name = _("楼栋")
        verbose_name_plural = pgettext_lazy("plural", "楼栋")
        ordering = ["project__code", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "code"],
                name="customers_building_unique_code",
                violation_error_message=_("该项目已有此楼栋编码。"),
            )
        ]

    def __str__(self) -> str:
        return self.name


@register
class Floor(KefuModel):
    building = models.ForeignKey(
        Building, on_delete=models.CASCADE, related_name="floors", verbose_name=_("楼栋")
    )
    number = models.SmallIntegerField(_("楼层"), help_text=_("地下层用负数，如 -1"))
    name = models.CharField(_("显示名称"), max_length=20, blank=True)

    project_scope = "building__project"

    class Meta:
        verbose_name = _("楼层")
        verbose_name_plural = pgettext_lazy("plural", "楼层")
        ordering = ["building", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["building", "number"],
                name="customers_floor_unique_number",
                violation_error_message=_("该楼栋已有此楼层。"),
            )
        ]

    def __str__(self) -> str:
        return self.name or (f"B{-self.number}" if self.number < 0 else f"{self.number}F")


@register
class Unit(KefuModel):
    project = models.ForeignKey(
        "org.Project",
        on_delete=models.PROTECT,
        related_name="units",
        verbose_name=_("项目"),
        editable=False,
    )
    building = models.ForeignKey(
        Building, on_delete=models.PROTECT, related_name="units", verbose_name=_("楼栋")
    )
    floor = models.ForeignKey(
        Floor, on_delete=models.PROTECT, related_name="units", verbose_name=_("楼层")
    )
    number = models.CharField(_("房号"), max_length=20)
    code = models.CharField(_("房屋编码"), max_length=50, editable=False, db_index=True)
    area = models.DecimalField(
        _("建筑面积（㎡）"),
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    kind = models.CharField(
        _("类型"), max_length=20, choices=UnitKind.choices, default=UnitKind.RESIDENCE
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=UnitStatus.choices, default=UnitStatus.VACANT
    )

    project_scope = "project"

    class Meta:
        verbose_name = _("房屋")
        verbose_name_plural = pgettext_lazy("plural", "房屋")
        ordering = ["project_id", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["building", "number"],
                name="customers_unit_unique_number",
                violation_error_message=_("该楼栋已有此房号。"),
            )
        ]

    def __str__(self) -> str:
        return self.code

    def clean(self) -> None:
        if self.floor_id and self.building_id and self.floor.building_id != self.building_id:
            raise ValidationError({"floor": _("所选楼层不属于该楼栋。")})

    def save(self, *args, **kwargs) -> None:
        self.project_id = self.building.project_id
        self.code = rules.unit_code(self.building.code, self.number)
        super().save(*args, **kwargs)


@register(mask_fields=["id_number", "phone", "phone2"])
class Customer(KefuModel):
    project = models.ForeignKey(
        "org.Project", on_delete=models.PROTECT, related_name="customers", verbose_name=_("项目")
    )
    kind = models.CharField(_("客户类型"), max_length=20, choices=CustomerKind.choices)
    name = models.CharField(_("姓名/名称"), max_length=100)
    id_type = models.CharField(_("证件类型"), max_length=20, choices=IdType.choices, blank=True)
    id_number = models.CharField(_("证件号码"), max_length=30, blank=True)
    phone = models.CharField(_("手机"), max_length=20, validators=[django_phone_validator])
    phone2 = models.CharField(
        _("备用电话"), max_length=20, blank=True, validators=[django_phone_validator]
    )
    email = models.EmailField(_("邮箱"), blank=True)
    legal_representative = models.CharField(_("法定代表人"), max_length=30, blank=True)
    grade = models.CharField(
        _("客户等级"), max_length=2, choices=CustomerGrade.choices, default=CustomerGrade.C
    )
    is_key_account = models.BooleanField(_("大客户"), default=False)
    member_segment = models.CharField(
        _("会员分群"), max_length=20, choices=MemberSegment.choices, blank=True
    )
    notes = models.TextField(_("备注"), blank=True)
    is_active = models.BooleanField(_("有效"), default=True)
    search_text = models.TextField(_("检索文本"), editable=False, default="")

    project_scope = "project"

    class Meta:
        verbose_name = _("客户")
        verbose_name_plural = pgettext_lazy("plural", "客户")
        ordering = ["-id"]
        permissions = [
            ("reveal_personal_data", _("查看完整个人信息（留痕）")),
            ("import_customers", _("导入客户与房屋")),
            ("export_customers", _("导出客户")),
        ]
        indexes = [models.Index(fields=["project", "name"], name="customers_cust_proj_name")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, str] = {}
        self.phone = normalize_phone(self.phone)
        self.phone2 = normalize_phone(self.phone2)
        if self.phone2 and self.phone2 == self.phone:
            errors["phone2"] = _("备用电话与手机相同。")
        if self.id_number:
            self.id_number = self.id_number.strip().upper()
            if not self.id_type:
                errors["id_type"] = _("填写证件号码时须选择证件类型。")
            elif self.id_type == IdType.RESIDENT_ID:
                try:
                    django_resident_id_validator(self.id_number)
                except ValidationError as exc:
                    errors["id_number"] = exc.messages[0]
        if self.kind == CustomerKind.COMPANY and not self.legal_representative:
            errors["legal_representative"] = _("企业客户须填写法定代表人（R-CUS-01）。")
        if self.member_segment and self.kind != CustomerKind.MEMBER:
            errors["member_segment"] = _("只有会员才有会员分群。")
        if errors:
            raise ValidationError(errors)

    def build_search_text(self) -> str:
        parts = [self.name, self.phone, self.phone2]
        if self.pk:
            parts += list(self.emergency_contacts.values_list("phone", flat=True))
            parts += list(self.unit_links.values_list("unit__code", flat=True))
        return rules.search_text(parts)

    def save(self, *args, **kwargs) -> None:
        self.search_text = self.build_search_text()
        super().save(*args, **kwargs)

    def refresh_search_text(self) -> None:
        """Recompute after contacts or units changed (no audit entry: derived data)."""
        text = self.build_search_text()
        if text != self.search_text:
            self.search_text = text
            Customer.objects.filter(pk=self.pk).update(search_text=text)


@register(mask_fields=["phone"])
class EmergencyContact(KefuModel):
    """R-CUS-01: a customer's emergency contact, who must be someone else."""

    customer = models.ForeignKey(
        Customer,
        on_delete=models.CASCADE,
        related_name="emergency_contacts",
        verbose_name=_("客户"),
    )
    name = models.CharField(_("姓名"), max_length=30)
    relation = models.CharField(_("关系"), max_length=20, blank=True)
    phone = models.CharField(_("电话"), max_length=20, validators=[django_phone_validator])

    project_scope = "customer__project"

    class Meta:
        verbose_name = _("紧急联系人")
        verbose_name_plural = pgettext_lazy("plural", "紧急联系人")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        self.phone = normalize_phone(self.phone)
        if not self.customer_id:
            return
        own = {p for p in (self.customer.phone, self.customer.phone2) if p}
        if self.phone in own or self.name.strip() == self.customer.name.strip():
            raise ValidationError(_("紧急联系人不能是客户本人（姓名或电话与客户相同）。"))

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        self.customer.refresh_search_text()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        self.customer.refresh_search_text()
        return result


@register
class CustomerUnit(KefuModel):
    """A customer's relation to a unit over a period: owner, tenant, family member …"""

    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="unit_links", verbose_name=_("客户")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="customer_links", verbose_name=_("房屋")
    )
    role = models.CharField(_("身份"), max_length=20, choices=UnitRole.choices)
    start_date = models.DateField(_("起始日期"), default=datetime.date.today)
    end_date = models.DateField(_("结束日期"), null=True, blank=True)

    project_scope = "unit__project"

    class Meta:
        verbose_name = _("客户房屋关系")
        verbose_name_plural = pgettext_lazy("plural", "客户房屋关系")
        ordering = ["unit__code", "start_date"]
        indexes = [models.Index(fields=["unit", "role"], name="customers_link_unit_role")]

    def __str__(self) -> str:
        return f"{self.customer} · {self.unit} · {self.get_role_display()}"

    def clean(self) -> None:
        errors = {}
        if self.end_date and self.start_date and self.end_date < self.start_date:
            errors["end_date"] = _("结束日期不能早于起始日期。")
        if self.customer_id and self.unit_id and self.customer.project_id != self.unit.project_id:
            errors["unit"] = _("房屋与客户不属于同一项目。")
        if errors:
            raise ValidationError(errors)
        if self.role == UnitRole.OWNER and self.unit_id and self.start_date:
            self.check_single_owner()

    def check_single_owner(self) -> None:
        """A unit has one owner at a time; co-owners are recorded as 共有人."""
        others = CustomerUnit.objects.filter(unit_id=self.unit_id, role=UnitRole.OWNER)
        if self.pk:
            others = others.exclude(pk=self.pk)
        for other in others.select_related("customer"):
            if rules.ranges_overlap(
                self.start_date, self.end_date, other.start_date, other.end_date
            ):
                period = (
                    _("%(start)s 至 %(end)s") % {"start": other.start_date, "end": other.end_date}
                    if other.end_date
                    else _("%(start)s 起至今") % {"start": other.start_date}
                )
                raise ValidationError(
                    {
                        "unit": _(
                            "房屋 %(unit)s 在 %(period)s 已登记业主 %(name)s，业主时间段不能重叠。"
                        )
                        % {"unit": self.unit.code, "period": period, "name": other.customer.name}
                    }
                )

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        self.customer.refresh_search_text()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        self.customer.refresh_search_text()
        return result


class PersonalDataReveal(models.Model):
    """R-SEC-01: every look at a customer's unmasked personal data is a logged action."""

    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="reveals", verbose_name=_("客户")
    )
    field = models.CharField(_("字段"), max_length=20, choices=PersonalField.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("查看人"),
    )
    reason = models.CharField(_("原因"), max_length=200, blank=True)
    source = models.CharField(_("来源"), max_length=10)
    remote_addr = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    created = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    objects = RestrictedQuerySet.as_manager()

    project_scope = "customer__project"

    class Meta:
        verbose_name = _("个人信息查看记录")
        verbose_name_plural = pgettext_lazy("plural", "个人信息查看记录")
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.user} · {self.customer} · {self.get_field_display()}"
