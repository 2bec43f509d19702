from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    RESIDENCE = "residence", _("住宅")
    SHOP = "shop", _("商铺")
    OFFICE = "office", _("写字间")
    PARKING = "parking", _("车位")
    STORAGE = "storage", _("储藏室")
    PLANT_ROOM = "plant_room", _("设备房")


class UnitStatus(models.TextChoices):
    OCCUPIED = "occupied", _("已入住")
    VACANT = "vacant", _("空置")
    DECORATING = "decorating", _("装修中")


class CustomerKind(models.TextChoices):
    OWNER = "owner", _("业主")
    TENANT = "tenant", _("租户")
    COMPANY = "company", _("企业客户")
    MEMBER = "member", _("会员")


class IdType(models.TextChoices):
    RESIDENT_ID = "resident_id", _("居民身份证")
    PASSPORT = "passport", _("护照")
    HK_MACAO_TAIWAN = "hmt_permit", _("港澳台居民证件")
    BUSINESS_LICENCE = "business_licence", _("营业执照（统一社会信用代码）")
    OTHER = "other", _("其他")


class CustomerGrade(models.TextChoices):
    """R-CUS-02 grading; key accounts are a separate flag."""

    A = "A", _("A 级")
    B = "B", _("B 级")
    C = "C", _("C 级")
    D = "D", _("D 级")


class MemberSegment(models.TextChoices):
    """R-CUS-02 / R-CB-06 member segments."""

    SLEEPING = "sleeping", _("沉睡会员")
    ACTIVE = "active", _("活跃会员")
    GRADUATED = "graduated", _("毕业会员")


class UnitRole(models.TextChoices):
    OWNER = "owner", _("业主")
    CO_OWNER = "co_owner", _("共有人")
    TENANT = "tenant", _("租户")
    FAMILY = "family", _("家庭成员")
    AGENT = "agent", _("委托代理人")


class PersonalField(models.TextChoices):
    PHONE = "phone", _("手机")
    PHONE2 = "phone2", _("备用电话")
    ID_NUMBER = "id_number", _("证件号码")
    EMERGENCY_PHONE = "emergency_phone", _("紧急联系人电话")
