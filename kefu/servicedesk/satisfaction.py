"""Satisfaction ratings (R-SAT-01/02): four items × four levels, alerts and averages.

A rating is recorded at the callback or later by the customer. A 较差 (1) on any item alerts
the supervisor of the order's owner (and of the rated staff member, when that is someone else)
and is recorded on the order's timeline. Averages per staff member, department and period feed
the monthly performance score (R-SAT-01).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import transaction
from django.db.models import Avg, Count, F, QuerySet
from django.db.models.functions import TruncDay, TruncMonth, TruncWeek
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.servicedesk.choices import RatingLevel
from kefu.servicedesk.models import Callback, Rating, WorkOrder

__all__ = ["ITEMS", "averages", "rate"]

ITEMS = {
    "attitude": "服务态度",
    "technique": "技术水平",
    "timeliness": "到场及时",
    "promise": "承诺兑现",
}
GROUPINGS = {
    "staff": "staff",
    "department": "staff__staff__department",
    "order_department": "order__department",
    "project": "order__project",
}
PERIODS = {"day": TruncDay, "week": TruncWeek, "month": TruncMonth}


def _level(name: str, value: Any) -> int:
    if isinstance(value, bool) or value not in RatingLevel.values:
        raise ValidationError(
            {
                name: [
                    _("“%(item)s”须为 非常满意(4)/满意(3)/一般(2)/较差(1) 之一（R-SAT-01）。")
                    % {"item": ITEMS[name]}
                ]
            }
        )
    return int(value)


def _supervisor_users(order: WorkOrder, staff_user) -> list:
    users, seen = [], set()
    for person in (order.owner, staff_user):
        try:
            boss = person.staff.supervisor if person is not None else None
        except ObjectDoesNotExist:
            boss = None
        if boss is not None and boss.user_id and boss.user_id not in seen:
            seen.add(boss.user_id)
            users.append(boss.user)
    return users


@transaction.atomic
def rate(
    actor,
    order: WorkOrder,
    *,
    attitude: int,
    technique: int,
    timeliness: int,
    promise: int,
    rated_by: str,
    callback: Callback | None = None,
    at: datetime.datetime | None = None,
) -> Rating:
    """Record the customer's rating of ``order`` (R-SAT-01); a 较差 alerts (R-SAT-02)."""
    from kefu.servicedesk.actions import record_event

    levels = {
        "attitude": _level("attitude", attitude),
        "technique": _level("technique", technique),
        "timeliness": _level("timeliness", timeliness),
        "promise": _level("promise", promise),
    }
    order = WorkOrder.objects.select_for_update().get(pk=order.pk)
    if order.completed_at is None:
        raise ValidationError(_("工单 %(number)s 尚未完成，不能评价。") % {"number": order.number})
    if callback is not None:
        if callback.order_id != order.pk:
            raise ValidationError({"callback": [_("该回访不属于此工单。")]})
        if Rating.objects.filter(callback=callback).exists():
            raise ValidationError({"callback": [_("该回访已有评价。")]})
    if not (rated_by or "").strip():
        raise ValidationError({"rated_by": [_("请填写评价人。")]})
    at = at or timezone.now()
    staff_user = order.assignee or order.owner
    rating = Rating.objects.create(
        order=order,
        callback=callback,
        rated_by=rated_by.strip(),
        recorded_by=actor,
        staff=staff_user,
        **levels,
    )
    record_event(order, "rated", actor, at, rating_id=rating.pk, rated_by=rating.rated_by, **levels)
    poor = [ITEMS[name] for name, level in levels.items() if level == RatingLevel.POOR]
    if poor:
        _alert(actor, order, rating, poor, staff_user, at)
    return rating


def _alert(actor, order, rating, poor: list[str], staff_user, at) -> None:
    """R-SAT-02: a 较差 goes to the supervisor at once (in-app notification + timeline)."""
    from kefu.notifications.services import notify
    from kefu.servicedesk.actions import record_event

    recipients = _supervisor_users(order, staff_user)
    subject = _("工单 %(number)s 评价“较差”：%(items)s") % {
        "number": order.number,
        "items": "、".join(poor),
    }
    body = _("评价人：%(who)s；被评价员工：%(staff)s。") % {
        "who": rating.rated_by,
        "staff": getattr(getattr(staff_user, "staff", None), "name", staff_user.get_username()),
    }
    for user in recipients:
        notify(user, subject, body, link=f"/servicedesk/orders/{order.pk}/")
    record_event(
        order,
        "rating_poor",
        actor,
        at,
        note=subject,
        rating_id=rating.pk,
        items=poor,
        notified=[u.pk for u in recipients],
    )


def averages(qs: QuerySet[Rating], by: str | None = None) -> list[dict[str, Any]]:
    """Average levels (4 = 非常满意 … 1 = 较差) per group.

    ``by``: ``None`` (one row), ``"staff"`` (Rating.staff), ``"department"`` (the rated staff
    member's department), ``"order_department"``, ``"project"``, or a period ``"day"`` /
    ``"week"`` / ``"month"`` (of the rating's time, local time zone). Each row: ``key``,
    ``count``, the four items and ``overall`` (mean of the four), rounded to 2 places.
    """
    aggregates = {f"avg_{name}": Avg(name) for name in ITEMS}
    aggregates["avg_overall"] = Avg(
        (F("attitude") + F("technique") + F("timeliness") + F("promise")) / 4.0
    )
    aggregates["count"] = Count("id")
    if by is None:
        raw = [{"key": None, **qs.aggregate(**aggregates)}]
    else:
        if by in GROUPINGS:
            key = F(GROUPINGS[by])
        elif by in PERIODS:
            key = PERIODS[by]("created", tzinfo=timezone.get_current_timezone())
        else:
            raise ValueError(f"unknown grouping: {by}")
        raw = list(
            qs.order_by().annotate(key=key).values("key").annotate(**aggregates).order_by("key")
        )
    rows = []
    for row in raw:
        out = {"key": row["key"], "count": row["count"]}
        for name in (*ITEMS, "overall"):
            value = row[f"avg_{name}"]
            out[name] = None if value is None else round(float(value), 2)
        rows.append(out)
    return rows
