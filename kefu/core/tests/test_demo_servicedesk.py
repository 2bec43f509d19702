"""The demo service desk (issue 3 item 14): 90 days of history in the demo organisation.

The demo is built once for the class through ``kefu demo`` (inside a transaction rolled back
afterwards), like ``test_demo``.
"""

from __future__ import annotations

import datetime
import io
import re
from collections import Counter, defaultdict

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from kefu.demo import servicedesk as demo_desk
from kefu.notifications.models import Notification
from kefu.org.models import Project
from kefu.servicedesk import catalog, workflow
from kefu.servicedesk.choices import OrderType, RatingLevel, Severity, Status
from kefu.servicedesk.models import (
    Callback,
    Category,
    IncidentReport,
    OrderDeadline,
    OrderEvent,
    PriceItem,
    Quote,
    Rating,
    WorkOrder,
)

# Recorded from the first build: the generator is seeded, so every build must reproduce it.
FIRST_ORDER = ("repair", "阳台地漏返水", "赵素芳")
MAIN_TYPES = {
    OrderType.REPAIR,
    OrderType.COMPLAINT,
    OrderType.INQUIRY,
    OrderType.PAID_SERVICE,
    OrderType.INCIDENT,
}
NUMBER_RE = re.compile(r"^(?P<code>[A-Z]+)-(?P<year>\d{4})-(?P<n>\d{6})$")


@pytest.fixture(scope="class")
def demo(django_db_setup, django_db_blocker):
    out = io.StringIO()
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("demo", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
class TestDemoServiceDesk:
    def test_summary_lists_the_service_desk(self, demo):
        assert "工单" in demo and "满意度评价" in demo
        assert "服务台历史已生成" in demo

    def test_catalog_tree_and_price_list(self):
        leak = Category.objects.get(name="漏水", parent__name="水电")
        assert [c.name for c in leak.ancestry()] == ["报修", "水电", "漏水"]
        assert leak.is_leak and leak.order_type == OrderType.REPAIR
        assert leak.department_kind == "engineering"
        assert Category.objects.get(name="电梯故障").is_safety
        assert Category.objects.get(name="消防设施").is_safety
        assert Category.objects.get(name="电梯困人").order_type == OrderType.INCIDENT
        assert set(Category.objects.filter(parent__name="投诉").values_list("name", flat=True)) >= {
            "保洁",
            "停车",
            "收费",
            "噪音",
            "维修质量",
            "服务态度",
        }
        for project in Project.objects.all():  # R-PROP-05: a price list per project
            items = PriceItem.objects.filter(project=project)
            assert 10 <= items.count() <= 15
            assert items.get(code="YC-05").price == catalog.PRICE_LIST[4].price
        # idempotent: a second install adds nothing
        assert catalog.install_catalog() == {"categories": 0, "price_items": 0}

    def test_orders_of_every_main_type_in_both_projects(self):
        assert 1000 <= WorkOrder.objects.count() <= 1600
        for project in Project.objects.all():
            types = set(
                WorkOrder.objects.filter(project=project).values_list("order_type", flat=True)
            )
            assert types >= MAIN_TYPES, project.code
        severities = Counter(
            WorkOrder.objects.filter(order_type=OrderType.COMPLAINT).values_list(
                "severity", flat=True
            )
        )
        assert all(severities[s] > 0 for s in Severity.values)
        types = Counter(WorkOrder.objects.values_list("order_type", flat=True))
        assert types[OrderType.REPAIR] == max(types.values())  # mostly repairs

    def test_history_covers_ninety_days_up_to_demo_now(self):
        now = demo_desk.demo_now()
        first = WorkOrder.objects.order_by("received_at").first().received_at
        last = WorkOrder.objects.order_by("-received_at").first().received_at
        assert now - first > datetime.timedelta(days=88)
        assert last <= now
        assert not OrderEvent.objects.filter(at__gt=now).exists()
        # the simulated clock also stamped the rows: created ≈ received, never "really now"
        assert not WorkOrder.objects.filter(created__gt=now).exists()
        order = WorkOrder.objects.order_by("pk").first()
        assert abs(order.created - order.received_at) < datetime.timedelta(seconds=1)

    def test_statuses_finished_and_open(self):
        statuses = Counter(WorkOrder.objects.values_list("status", flat=True))
        assert statuses[Status.CLOSED] > 0.7 * sum(statuses.values())
        assert statuses[Status.CALLBACK_DONE] + statuses[Status.COMPLETED] > 0
        open_count = sum(statuses[s] for s in workflow.ACTIVE | {Status.ON_HOLD})
        assert 20 <= open_count <= 200
        # the morning queue has overdue orders (R-TKT-15 daily unrepaired list)
        overdue = (
            OrderDeadline.objects.filter(met_at__isnull=True, due_at__lt=demo_desk.demo_now())
            .filter(order__status__in=workflow.ACTIVE)
            .values("order")
            .distinct()
            .count()
        )
        assert overdue > 0

    def test_deadlines_mostly_met_some_breached(self):
        total = OrderDeadline.objects.count()
        breached = OrderDeadline.objects.filter(breached=True)
        assert total > WorkOrder.objects.count()
        assert 0 < breached.count() < 0.35 * total
        assert breached.filter(metric="arrival").exists()  # late arrivals (R-TKT-08)
        assert OrderEvent.objects.filter(kind="deadline_breached").exists()

    def test_callbacks_and_ratings(self):
        done = Callback.objects.filter(done_at__isnull=False)
        assert done.count() > 500
        assert done.filter(result="satisfied").count() > 0.8 * done.count()
        assert done.filter(result="unsatisfied").exists()
        ratings = Rating.objects.all()
        assert ratings.count() > 500
        average = sum(r.average for r in ratings) / ratings.count()
        assert 3.0 < average < 4.0  # mostly satisfied
        poor = ratings.filter(attitude=RatingLevel.POOR) | ratings.filter(
            technique=RatingLevel.POOR
        )
        assert poor.exists()  # a few 较差 …
        assert OrderEvent.objects.filter(kind="rating_poor").exists()  # … alerted (R-SAT-02)
        # unsatisfied repairs went back to the technician as rectification orders (R-CB-04)
        assert WorkOrder.objects.filter(parent__isnull=False, title__startswith="返修").exists()

    def test_paid_services_quoted_before_work_and_incidents_reported(self):
        paid = WorkOrder.objects.filter(order_type=OrderType.PAID_SERVICE, started_at__isnull=False)
        assert paid.exists()
        for order in paid:
            quote = Quote.objects.get(order=order)
            assert quote.accepted_at is not None and quote.accepted_at <= order.started_at
        assert paid.filter(amount_to_finance__gt=0).exists()
        assert IncidentReport.objects.filter(report_submitted_at__isnull=False).count() >= 5
        entrapment = IncidentReport.objects.filter(elevator_no__gt="").first()
        assert entrapment is not None and entrapment.floor

    def test_timelines_are_ordered_and_attributed(self):
        events = defaultdict(list)
        for event in OrderEvent.objects.order_by("order_id", "id"):
            events[event.order_id].append(event)
        orders = {o.pk: o for o in WorkOrder.objects.all()}
        assert set(events) == set(orders)
        for order_id, timeline in events.items():
            order = orders[order_id]
            first = timeline[0]
            assert first.kind == "created" and first.actor_id == order.receiver_id
            assert first.at == order.received_at
            times = [e.at for e in timeline]
            assert times == sorted(times), order.number
            for event in timeline:
                if event.kind in workflow.ACTIONS:
                    assert event.actor_id is not None, (order.number, event.kind)
        dispatchers = set(
            OrderEvent.objects.filter(kind="dispatch").values_list("actor__username", flat=True)
        )
        assert "supervisor" in dispatchers  # the demo 客服主管 dispatches
        assert OrderEvent.objects.filter(kind="arrive", actor__username="tech").exists()

    def test_numbering_is_per_project_and_year(self):
        numbers = defaultdict(list)
        for number, code, received in WorkOrder.objects.order_by("received_at", "pk").values_list(
            "number", "project__code", "received_at"
        ):
            match = NUMBER_RE.match(number)
            assert match and match["code"] == code
            assert int(match["year"]) == timezone.localtime(received).year
            numbers[(code, match["year"])].append(int(match["n"]))
        assert {code for code, _year in numbers} == {"CHHY", "JRZX"}
        for seq in numbers.values():  # gap-free, in order of reception
            assert seq == list(range(1, len(seq) + 1))

    def test_deterministic_fact(self):
        first = WorkOrder.objects.order_by("pk").first()
        year = timezone.localtime(first.received_at).year
        assert first.number == f"CHHY-{year}-000001"
        assert (first.order_type, first.title, first.caller_name) == FIRST_ORDER
        assert demo_desk.demo_now().weekday() == 3  # always a Thursday, like DEMO_TODAY

    def test_no_notifications_from_the_history(self):
        assert Notification.objects.count() == 0
