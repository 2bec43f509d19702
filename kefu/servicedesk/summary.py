"""The daily summary (issue 3 item 15): what came in, where it stands, how well it was served.

One function, used by the summary page and the API. Every count comes with the filter that
lists the orders behind it, so each number on the page can be clicked through.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Avg, Count, F, Q
from django.utils import timezone

from kefu.servicedesk.choices import OrderType, Status
from kefu.servicedesk.models import OrderDeadline, Rating, WorkOrder


@dataclass
class DailySummary:
    date: datetime.date
    received: int = 0
    by_type: list[dict] = field(default_factory=list)
    by_status: list[dict] = field(default_factory=list)
    by_department: list[dict] = field(default_factory=list)
    deadlines_due: int = 0
    deadlines_met: int = 0
    completed: int = 0
    callbacks_done: int = 0
    ratings: int = 0
    satisfaction: float | None = None

    @property
    def sla_met_percent(self) -> float | None:
        return (
            round(100 * self.deadlines_met / self.deadlines_due, 1) if self.deadlines_due else None
        )

    @property
    def callback_rate(self) -> float | None:
        """Completed that day with their callback done (R-CB-02: target 100 %)."""
        return round(100 * self.callbacks_done / self.completed, 1) if self.completed else None


def day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(day, datetime.time.min, tzinfo=tz)
    return start, start + datetime.timedelta(days=1)


def daily_summary(user, day: datetime.date, project=None) -> DailySummary:
    start, end = day_bounds(day)
    orders = WorkOrder.visible_to(user)
    if project is not None:
        orders = orders.filter(project=project)
    received = orders.filter(received_at__gte=start, received_at__lt=end)
    result = DailySummary(date=day, received=received.count())
    type_labels, status_labels = dict(OrderType.choices), dict(Status.choices)
    result.by_type = [
        {"value": row["order_type"], "label": type_labels.get(row["order_type"]), "count": row["n"]}
        for row in received.values("order_type").annotate(n=Count("id")).order_by("-n")
    ]
    result.by_status = [
        {"value": row["status"], "label": status_labels.get(row["status"]), "count": row["n"]}
        for row in received.values("status").annotate(n=Count("id")).order_by("-n")
    ]
    result.by_department = [
        {
            "value": row["department"],
            "label": row["department__name"] or "未派工",
            "count": row["n"],
        }
        for row in received.values("department", "department__name")
        .annotate(n=Count("id"))
        .order_by("-n")
    ]
    due = OrderDeadline.objects.filter(order__in=orders, due_at__gte=start, due_at__lt=end)
    totals = due.aggregate(
        n=Count("id"), met=Count("id", filter=Q(met_at__isnull=False, met_at__lte=F("due_at")))
    )
    result.deadlines_due, result.deadlines_met = totals["n"], totals["met"]
    completed = orders.filter(completed_at__gte=start, completed_at__lt=end)
    result.completed = completed.count()
    result.callbacks_done = (
        completed.filter(callbacks__done_at__isnull=False).distinct().count()
        if result.completed
        else 0
    )
    ratings = Rating.objects.filter(order__in=orders, created__gte=start, created__lt=end)
    agg = ratings.aggregate(
        n=Count("id"),
        a=Avg("attitude"),
        t=Avg("technique"),
        s=Avg("timeliness"),
        p=Avg("promise"),
    )
    result.ratings = agg["n"]
    if agg["n"]:
        result.satisfaction = round((agg["a"] + agg["t"] + agg["s"] + agg["p"]) / 4, 2)
    return result
