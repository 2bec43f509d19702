"""Roles (岗位) as Django groups with their permissions.

The role catalog is data: each role names the model permissions it grants. ``sync_roles``
makes the groups match this catalog exactly and runs after every ``migrate``; an administrator
may add further groups of their own in the admin. Scope: every role is limited to the projects
of its staff record unless it grants ``org.access_all_projects``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps as global_apps
from django.utils.translation import gettext_noop


@dataclass(frozen=True)
class Role:
    code: str
    # The group name (Chinese, stored in the database); marked with gettext_noop so pages can
    # show it translated with gettext(role.name) while the group keeps its Chinese name.
    name: str
    description: str
    permissions: tuple[str, ...]


def _crud(app_model: str, *actions: str) -> tuple[str, ...]:
    app, model = app_model.split(".")
    return tuple(f"{app}.{action}_{model}" for action in actions)


VIEW_ORG = (
    *_crud("org.organisation", "view"),
    *_crud("org.project", "view"),
    *_crud("org.department", "view"),
    *_crud("org.staff", "view"),
)
VIEW_PREMISES = (
    *_crud("customers.building", "view"),
    *_crud("customers.floor", "view"),
    *_crud("customers.unit", "view"),
)
VIEW_CUSTOMERS = (
    *_crud("customers.customer", "view"),
    *_crud("customers.customerunit", "view"),
    *_crud("customers.emergencycontact", "view"),
)
EDIT_CUSTOMERS = (
    *_crud("customers.customer", "add", "change"),
    *_crud("customers.customerunit", "add", "change"),
    *_crud("customers.emergencycontact", "add", "change", "delete"),
    "customers.reveal_personal_data",
)
VIEW_CALENDAR = (
    *_crud("calendars.calendarday", "view"),
    *_crud("calendars.businesshours", "view"),
)
INBOX = (*_crud("notifications.notification", "view"),)
BASE = VIEW_ORG + VIEW_CALENDAR + INBOX

SD_VIEW = (
    *_crud("servicedesk.workorder", "view"),
    *_crud("servicedesk.orderevent", "view"),
    *_crud("servicedesk.orderdeadline", "view"),
    *_crud("servicedesk.ordernote", "view", "add"),
    *_crud("servicedesk.attachment", "view", "add"),
    *_crud("servicedesk.category", "view"),
    *_crud("servicedesk.slapolicy", "view"),
    *_crud("servicedesk.slatarget", "view"),
    *_crud("servicedesk.priceitem", "view"),
    *_crud("servicedesk.callback", "view"),
    *_crud("servicedesk.rating", "view"),
    *_crud("servicedesk.quote", "view"),
    *_crud("servicedesk.compensation", "view"),
    *_crud("servicedesk.incidentreport", "view"),
)
# Field staff move their own orders through the milestones and quote paid work.
SD_FIELD = (
    *SD_VIEW,
    *_crud("servicedesk.workorder", "change"),
    *_crud("servicedesk.quote", "add", "change"),
)
# The service desk proper: open orders, hand them to the department (R-TKT-08: within 10
# minutes), see the project's queue, callbacks and ratings.
SD_DESK = (
    *SD_FIELD,
    *_crud("servicedesk.workorder", "add"),
    "servicedesk.view_project_orders",
    "servicedesk.dispatch_order",
    *_crud("servicedesk.callback", "add", "change"),
    *_crud("servicedesk.rating", "add"),
    *_crud("servicedesk.compensation", "add"),
    *_crud("servicedesk.incidentreport", "add", "change"),
)
SD_SUPERVISION = (
    *SD_DESK,
    "servicedesk.transfer_order",
)
SD_ADMIN = (
    *SD_SUPERVISION,
    *_crud("servicedesk.category", "add", "change", "delete"),
    *_crud("servicedesk.slapolicy", "add", "change", "delete"),
    *_crud("servicedesk.slatarget", "add", "change", "delete"),
    *_crud("servicedesk.priceitem", "add", "change", "delete"),
)

SUPERVISION = (
    *_crud("customers.unit", "change"),
    *_crud("customers.customer", "delete"),
    *_crud("customers.customerunit", "delete"),
    *_crud("customers.personaldatareveal", "view"),
    "customers.import_customers",
    "customers.export_customers",
    *_crud("auditlog.logentry", "view"),
)
PREMISES_ADMIN = (
    *_crud("customers.building", "add", "change", "delete"),
    *_crud("customers.floor", "add", "change", "delete"),
    *_crud("customers.unit", "add", "change", "delete"),
)
CALENDAR_ADMIN = (
    *_crud("calendars.calendarday", "add", "change", "delete"),
    *_crud("calendars.businesshours", "add", "change", "delete"),
)
ORG_ADMIN = (
    *_crud("org.organisation", "add", "change"),
    *_crud("org.project", "add", "change", "delete"),
    *_crud("org.department", "add", "change", "delete"),
    *_crud("org.staff", "add", "change", "delete"),
    *_crud("auth.user", "view", "add", "change"),
    *_crud("auth.group", "view"),
    *_crud("core.jobrecord", "view"),
    "org.access_all_projects",
)

ROLES: tuple[Role, ...] = (
    Role(
        "cs_agent",
        gettext_noop("客服专员"),
        gettext_noop("接听来电来访、建立客户档案、查询客户"),
        BASE + VIEW_PREMISES + VIEW_CUSTOMERS + EDIT_CUSTOMERS + SD_DESK,
    ),
    Role(
        "front_desk",
        gettext_noop("前台"),
        gettext_noop("来访接待、登记，查询客户"),
        BASE + VIEW_PREMISES + VIEW_CUSTOMERS + EDIT_CUSTOMERS + SD_DESK,
    ),
    Role(
        "cs_supervisor",
        gettext_noop("客服主管"),
        gettext_noop("本项目客服管理：监控、审核、导入导出、查看审计"),
        BASE + VIEW_PREMISES + VIEW_CUSTOMERS + EDIT_CUSTOMERS + SUPERVISION + SD_SUPERVISION,
    ),
    Role(
        "cs_manager",
        gettext_noop("客服经理"),
        gettext_noop("全部项目的客服管理、房产资料与日历设置"),
        BASE
        + VIEW_PREMISES
        + VIEW_CUSTOMERS
        + EDIT_CUSTOMERS
        + SUPERVISION
        + PREMISES_ADMIN
        + CALENDAR_ADMIN
        + SD_ADMIN
        + (
            "servicedesk.approve_compensation_department",
            *_crud("servicedesk.compensation", "change"),
        )
        + ("org.access_all_projects", *_crud("core.jobrecord", "view")),
    ),
    Role(
        "technician",
        gettext_noop("维修工程师"),
        gettext_noop("接单维修；可查看房屋与客户（个人信息遮蔽）"),
        BASE + VIEW_PREMISES + VIEW_CUSTOMERS + SD_FIELD,
    ),
    Role(
        "department_staff",
        gettext_noop("部门员工"),
        gettext_noop("其他部门接收联络单与工单"),
        BASE + VIEW_PREMISES + SD_FIELD,
    ),
    Role(
        "key_custodian",
        gettext_noop("钥匙保管员"),
        gettext_noop("钥匙保管与借用登记"),
        BASE + VIEW_PREMISES + VIEW_CUSTOMERS,
    ),
    Role(
        "archive_custodian",
        gettext_noop("档案管理员"),
        gettext_noop("档案保管与借阅登记（可查看证件信息，留痕）"),
        BASE + VIEW_PREMISES + VIEW_CUSTOMERS + ("customers.reveal_personal_data",),
    ),
    Role(
        "administrator",
        gettext_noop("系统管理员"),
        gettext_noop("组织架构、用户与角色、日历、系统设置"),
        BASE
        + VIEW_PREMISES
        + VIEW_CUSTOMERS
        + EDIT_CUSTOMERS
        + SUPERVISION
        + PREMISES_ADMIN
        + CALENDAR_ADMIN
        + ORG_ADMIN
        + SD_ADMIN,
    ),
    Role(
        "vice_president",
        gettext_noop("副总经理"),
        gettext_noop("分管客服：审批 5000 元以内的赔偿，查看全部项目"),
        BASE
        + VIEW_PREMISES
        + VIEW_CUSTOMERS
        + SD_VIEW
        + (
            "servicedesk.view_project_orders",
            "servicedesk.approve_compensation_vp",
            "org.access_all_projects",
            *_crud("servicedesk.compensation", "change"),
        ),
    ),
    Role(
        "general_manager",
        gettext_noop("总经理"),
        gettext_noop("公司负责人：审批 5000 元以上的赔偿，查看全部项目"),
        BASE
        + VIEW_PREMISES
        + VIEW_CUSTOMERS
        + SD_VIEW
        + (
            "servicedesk.view_project_orders",
            "servicedesk.approve_compensation_gm",
            "org.access_all_projects",
            *_crud("servicedesk.compensation", "change"),
        ),
    ),
)
ROLE_BY_CODE = {role.code: role for role in ROLES}


def sync_roles(apps=global_apps, verbosity: int = 0) -> list[str]:
    """Create or update every role's group so it holds exactly the catalog's permissions."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0, apps=apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    wanted = {p for role in ROLES for p in role.permissions}
    by_name = {}
    for perm in Permission.objects.select_related("content_type"):
        by_name[f"{perm.content_type.app_label}.{perm.codename}"] = perm
    missing = sorted(wanted - by_name.keys())
    if missing:
        raise LookupError(f"Role catalog names unknown permissions: {', '.join(missing)}")
    names = []
    for role in ROLES:
        group, _created = Group.objects.get_or_create(name=role.name)
        group.permissions.set([by_name[p] for p in role.permissions])
        names.append(role.name)
    return names


def sync_roles_after_migrate(sender, app_config=None, using="default", apps=global_apps, **kw):
    if not global_apps.is_installed("kefu.notifications"):
        return
    try:
        apps.get_model("notifications", "Notification")
    except LookupError:
        return  # migrating part of the way: the later apps' tables are not there yet
    sync_roles(apps=global_apps)
