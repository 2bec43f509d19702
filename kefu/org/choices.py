from django.db import models
from django.utils.translation import gettext_lazy as _


class DepartmentKind(models.TextChoices):
    """R-TKT-09: the departments a request can be routed to."""

    CUSTOMER_SERVICE = "cs", _("客服部")
    ENGINEERING = "engineering", _("工程部")
    CLEANING = "cleaning", _("保洁部")
    SECURITY = "security", _("安管部（秩序维护）")
    GREENING = "greening", _("绿化部")
    FINANCE = "finance", _("财务部")
    LEGAL = "legal", _("法务部")
    MANAGEMENT = "management", _("管理处")
    OTHER = "other", _("其他")


class CareerLevel(models.TextChoices):
    """R-WF-10 career ladder for CS staff (base pay presets live in the workforce settings)."""

    PROBATION = "probation", _("新客服")
    JUNIOR = "junior", _("初级")
    INTERMEDIATE = "intermediate", _("中级")
    SENIOR = "senior", _("高级")
    RESERVE_SUPERVISOR = "reserve_supervisor", _("储备主管")


class ProjectKind(models.TextChoices):
    RESIDENTIAL = "residential", _("住宅小区")
    COMMERCIAL = "commercial", _("商业/写字楼")
    MIXED = "mixed", _("综合体")
    SERVICE = "service", _("售后/服务中心")
