"""The navigation menu: one entry per capability area, shown by permission.

Areas that later releases fill are listed as "coming" so staff see the whole map; they link
nowhere until they exist.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavItem:
    label: str  # a lazy translation, rendered in the active language
    icon: str
    url_name: str | None = None
    permission: str | None = None


NAV = (
    NavItem(_("工作台"), "speedometer2", "home"),
    NavItem(_("客户查询"), "telephone", "customers:lookup", "customers.view_customer"),
    NavItem(_("客户档案"), "people", "customers:customer_list", "customers.view_customer"),
    NavItem(_("房屋资料"), "building", "customers:unit_list", "customers.view_unit"),
    NavItem(_("组织架构"), "diagram-3", "org:staff_list", "org.view_staff"),
    NavItem(_("工作日历"), "calendar3", "calendars:calendar", "calendars.view_calendarday"),
    NavItem(_("工单服务"), "card-checklist", "servicedesk:my_orders", "servicedesk.view_workorder"),
    NavItem(_("回访工作台"), "chat-heart", "servicedesk:callbacks", "servicedesk.view_callback"),
    NavItem(_("排班考勤"), "clock-history"),
    NavItem(_("奖惩与绩效"), "award"),
    NavItem(_("物业运营"), "key"),
    NavItem(_("统计报表"), "bar-chart"),
    NavItem(_("知识库"), "book"),
)


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or getattr(request, "htmx", False):
        return {}  # htmx partials never render the menu
    items = []
    for item in NAV:
        if item.permission and not user.has_perm(item.permission):
            continue
        url = reverse(item.url_name) if item.url_name else None
        items.append({"label": item.label, "icon": item.icon, "url": url, "active": False})
    # The entry whose URL is the longest prefix of the current path is the active one.
    matches = [i for i in items if i["url"] and _covers(i["url"], request.path)]
    if matches:
        max(matches, key=lambda i: len(i["url"]))["active"] = True
    from kefu.notifications.services import unread_count

    return {"nav_items": items, "unread_notifications": unread_count(user)}


def _covers(url: str, path: str) -> bool:
    return path == url if url == "/" else path.startswith(url)
