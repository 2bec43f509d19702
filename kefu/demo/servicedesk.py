"""The demo service desk: 90 days of work-order history ending on the demo's "today".

``build(rng, log)`` runs after the demo organisation exists (``kefu.demo.builder.build``). It
installs the default category tree and price lists (``kefu.servicedesk.catalog``) and the
property SLA presets (``kefu.servicedesk.deadlines``), then *replays* about three months of a
service centre: callers phone, walk in or write; agents open and accept orders; the supervisor
dispatches them to engineering, cleaning or security; technicians acknowledge, depart, arrive
and complete with the customer's confirmation; paid work is quoted and accepted first; agents
make the callbacks with a rating; supervisors close. Everything goes through the real write
paths (``actions``, ``callbacks``, ``satisfaction``, ``paid``, ``incidents``), so numbers,
timelines, deadlines and breaches are what the application itself computes.

How the history is replayed
---------------------------
Each order is a small *story* (a generator) that yields the moment of its next step. A single
event queue runs all stories in time order, so orders are numbered in the order they were
received and every step sees the world as it was at that moment. Steps due after the demo's
"now" (see ``demo_now``) are simply not taken: those orders form the open queue — some of
them overdue.

The clock is simulated: the services stamp some times with ``django.utils.timezone.now()``
(``created``/``last_updated`` of every row, "appointment not in the past" checks, quote
events), so during the replay ``django.utils.timezone.now`` is patched with
``unittest.mock.patch`` to return the story's moment. Nothing else changes behaviour.

Notifications are suppressed: every transition would otherwise queue in-app and SMS messages
after commit (thousands of inbox rows about the past). ``actions._notify_after_commit`` and
``kefu.notifications.services.notify`` are patched to no-ops for the duration of the replay
(the timeline, ``OrderEvent``, is kept in full). The audit trail is off like the rest of the
demo load (``builder.build`` runs inside ``disable_auditlog``).

Determinism: every random choice comes from the ``random.Random`` passed in (seeded from
``data.SEED``), consumed in event-queue order, which depends only on simulated times — two
builds give the same orders, numbers, people and outcomes (primary keys aside).
"""

from __future__ import annotations

import datetime
import heapq
import importlib.util
import itertools
import random
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from unittest import mock
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import User
from django.utils import timezone

from kefu.customers.choices import UnitKind
from kefu.customers.models import Customer, CustomerUnit, Unit
from kefu.demo import data
from kefu.demo import servicedesk_data as sd
from kefu.org.models import Department, Project, Staff
from kefu.servicedesk import actions, callbacks, catalog
from kefu.servicedesk.choices import (
    CallbackMethod,
    CallbackResult,
    ComplaintClass,
    ConfirmationMethod,
    RatingLevel,
    Severity,
    Status,
)
from kefu.servicedesk.models import (
    Callback,
    Category,
    OrderEvent,
    PriceItem,
    Rating,
    WorkOrder,
)

__all__ = ["SEED_OFFSET", "build", "counts", "demo_now", "has_module"]

SEED_OFFSET = sd.SEED_OFFSET

Story = Generator[datetime.datetime, None, None]
MIN = datetime.timedelta(minutes=1)
HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)

# Staff keys of data.STAFF by role at each project.
AGENTS = {"CHHY": ("cs_a1", "cs_a2", "cs_a3", "cs_a4"), "JRZX": ("cs_b1", "cs_b2", "cs_b3")}
FRONT_DESK = {"CHHY": ("cs_f1", "cs_f2"), "JRZX": ("cs_g1",)}
SUPERVISOR = {"CHHY": "cs_sup1", "JRZX": "cs_sup2"}
FIELD = {
    "eng": {"CHHY": ("eng_1", "eng_2", "eng_3", "eng_4"), "JRZX": ("eng_5", "eng_6", "eng_7")},
    "clean": {"CHHY": ("clean_1",), "JRZX": ("clean_2",)},
    "security": {"CHHY": ("sec_1", "sec_2"), "JRZX": ("sec_3", "sec_4")},
    "green": {"CHHY": ("green_1", "green_2"), "JRZX": ("green_head",)},
    "cs": {"CHHY": ("cs_sup1",), "JRZX": ("cs_sup2",)},
}
OPTIONAL_MODULES = ("deadlines", "paid", "incidents")
# SLA presets installed for the demo organisation (R-TKT-05 complaints by severity; R-TKT-08
# repairs and paid services with the R-CB-03/04 callback targets).
PRESETS = ("property_severity", "repair")
# The escalation sweep runs every 3 hours from 07:00 to 22:00 during the replay (hourly in
# production would only add time; each breach is recorded when the sweep finds it).
SWEEP_EVERY = datetime.timedelta(hours=3)
SWEEP_HOURS = (7, 22)


def has_module(name: str) -> bool:
    return importlib.util.find_spec(f"kefu.servicedesk.{name}") is not None


def demo_now() -> datetime.datetime:
    """The end of the demo's history: 09:30 on the latest day, at or before now, that is a
    whole number of weeks after ``DEMO_TODAY``. The open queue a supervisor sees on first start
    is at most a week old rather than fixed in the past, and the history stays the same
    (same weekdays, so the same random draws) whenever the demo is built."""
    tz = ZoneInfo(settings.TIME_ZONE)
    anchor = datetime.datetime.combine(data.DEMO_TODAY, sd.NOW_TIME, tzinfo=tz)
    weeks = max(0, (timezone.localtime(timezone=tz) - anchor).days // 7)
    return anchor + datetime.timedelta(weeks=weeks)


class Clock:
    def __init__(self, now: datetime.datetime) -> None:
        self.now = now

    def __call__(self) -> datetime.datetime:
        return self.now


@dataclass
class Caller:
    customer: Customer | None
    unit: Unit | None
    name: str
    phone: str


@dataclass
class Stats:
    created: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)


def build(rng: random.Random, log: Callable[[str], None] = lambda m: None) -> dict[str, int]:
    """Install the catalogue and SLA presets and replay the history (see the module docstring).

    Must run inside the demo's transaction, after the organisation, staff, customers and
    calendar exist. Returns a few counts for the log.
    """
    added = catalog.install_catalog()
    log(f"工单分类与有偿服务价目已创建（分类 {added['categories']}，价目 {added['price_items']}）")
    if has_module("deadlines"):
        from kefu.servicedesk import deadlines

        for preset in PRESETS:
            deadlines.install(preset)  # organisation-wide (project None)
        log(f"时限标准已安装（预设：{'、'.join(PRESETS)}）")
    else:
        log("时限模块尚不可用，已跳过时限标准。")
        return {"工单": 0}
    desk = DeskHistory(rng)
    clock = Clock(desk.start)
    with (
        mock.patch("django.utils.timezone.now", clock),
        mock.patch.object(actions, "_notify_after_commit", lambda *a, **k: None),
        mock.patch("kefu.notifications.services.notify", lambda *a, **k: None),
    ):
        desk.run(clock)
    log(f"服务台历史已生成：{desk.stats.created} 张工单（{sd.DAYS} 天）")
    return {"工单": desk.stats.created}


def counts() -> dict[str, int]:
    """Service-desk rows for the demo summary."""
    return {
        "工单": WorkOrder.objects.count(),
        "工单事件": OrderEvent.objects.count(),
        "回访": Callback.objects.filter(done_at__isnull=False).count(),
        "满意度评价": Rating.objects.count(),
    }


class DeskHistory:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.end = demo_now()
        first_day = self.end.date() - datetime.timedelta(days=sd.DAYS)
        self.start = datetime.datetime.combine(first_day, datetime.time(0, 0), self.end.tzinfo)
        self.stats = Stats()
        self.queue: list[tuple[datetime.datetime, int, Story]] = []
        self.seq = itertools.count()
        self.projects = {p.code: p for p in Project.objects.order_by("pk")}
        staff = {
            s.employee_no: s
            for s in Staff.objects.select_related("user", "department").order_by("pk")
        }
        # data.STAFF[i] is employee HY{i+1:04d} (builder.employee_no)
        self.staff: dict[str, Staff] = {
            spec.key: staff[f"{data.EMPLOYEE_PREFIX}{n:04d}"]
            for n, spec in enumerate(data.STAFF, 1)
        }
        self.users: dict[str, User] = {k: s.user for k, s in self.staff.items()}
        self.departments = {
            d.kind: d for d in Department.objects.filter(project__isnull=True).order_by("pk")
        }
        self.dept_key = {
            "eng": "engineering",
            "clean": "cleaning",
            "security": "security",
            "green": "greening",
            "cs": "cs",
        }
        self.categories = self.load_categories()
        self.prices = {
            (p.project_id, p.code): p for p in PriceItem.objects.order_by("project_id", "code")
        }
        self.callers = self.load_callers()

    # -- set-up -----------------------------------------------------------------------------

    def load_categories(self) -> dict[tuple[str, ...], Category]:
        nodes = {c.pk: c for c in Category.objects.order_by("pk")}
        out = {}
        for node in nodes.values():
            path, cur = [], node
            while cur is not None:
                path.append(cur.name)
                cur = nodes.get(cur.parent_id)
            out[tuple(reversed(path))] = node
        return out

    def load_callers(self) -> dict[str, list[tuple[Customer, Unit]]]:
        links = (
            CustomerUnit.objects.filter(
                end_date__isnull=True, customer__is_active=True, role__in=("owner", "tenant")
            )
            .exclude(unit__kind__in=(UnitKind.PARKING, UnitKind.PLANT_ROOM))
            .select_related("customer", "unit__building")
            .order_by("pk")
        )
        out: dict[str, list[tuple[Customer, Unit]]] = {code: [] for code in self.projects}
        codes = {p.pk: code for code, p in self.projects.items()}
        for link in links:
            out[codes[link.unit.project_id]].append((link.customer, link.unit))
        return out

    # -- the event queue --------------------------------------------------------------------

    def schedule(self, at: datetime.datetime, story: Story) -> None:
        heapq.heappush(self.queue, (at, next(self.seq), story))

    def run(self, clock: Clock) -> None:
        for at, code, kind in self.arrivals():
            story = getattr(self, f"story_{kind}")(self.projects[code], at)
            age = self.end - at
            # The open queue of the morning: many of the last days' orders are still being
            # worked on, and a few older ones are stuck (overdue).
            if (age < 3 * DAY and self.rng.random() < 0.45) or (
                age < 14 * DAY and self.rng.random() < 0.03
            ):
                story = self.stalled(story, self.rng.choice((1, 2, 2, 3, 3, 4, 4, 5)))
            self.schedule(at, story)
        day = self.start.date()
        while day <= self.end.date():
            morning = datetime.datetime.combine(day, datetime.time(8, 0), self.end.tzinfo)
            self.schedule(morning, self.daily_jobs(morning))
            day += DAY
        self.schedule(self.start.replace(hour=SWEEP_HOURS[0]), self.sweeps())
        while self.queue:
            at, _n, story = heapq.heappop(self.queue)
            if at > self.end:
                continue  # not yet happened: the order stays where it is
            clock.now = at
            try:
                nxt = next(story)
            except StopIteration:
                continue
            if nxt < at:
                nxt = at
            self.schedule(nxt, story)
        clock.now = self.end
        self.final_sweep()

    def arrivals(self) -> Iterator[tuple[datetime.datetime, str, str]]:
        """(received at, project code, story kind) for every order of the history."""
        tz = self.end.tzinfo
        day = self.start.date()
        out = []
        while day <= self.end.date():
            for code in self.projects:
                mean = sd.DAILY_ORDERS[code][day.weekday()]
                count = max(0, round(self.rng.gauss(mean, mean**0.5)))
                types, weights = zip(*sd.TYPE_WEIGHTS[code], strict=True)
                for _i in range(count):
                    kind = self.rng.choices(types, weights)[0]
                    at = datetime.datetime.combine(day, self.time_of_day(kind), tz)
                    out.append((at, code, kind))
            day += DAY
        # A few incidents over the period (R-TKT-14).
        for n, offset in enumerate((9, 27, 41, 58, 73, 86)):
            at = datetime.datetime.combine(
                self.start.date() + datetime.timedelta(days=offset),
                datetime.time(self.rng.choice((7, 11, 15, 19, 22)), self.rng.randrange(60)),
                tz,
            )
            out.append((at, ("CHHY", "JRZX")[n % 2], "incident"))
        out.sort(key=lambda row: row[0])
        return iter([row for row in out if row[0] <= self.end])

    def time_of_day(self, kind: str) -> datetime.time:
        if kind in ("inquiry", "help", "suggestion", "praise", "liaison", "nonconformance"):
            hour = self.rng.choice((8, 9, 9, 10, 10, 11, 13, 14, 14, 15, 16, 17))
        else:
            hour = self.rng.choices(range(24), HOURLY)[0]
        return datetime.time(hour, self.rng.randrange(60), self.rng.randrange(60))

    def daily_jobs(self, at: datetime.datetime) -> Story:
        """Each morning: progress callbacks for unresolved complaints (R-CB-03)."""
        callbacks.schedule_progress_callbacks(at)
        return
        yield  # a generator

    @staticmethod
    def stalled(story: Story, steps: int) -> Story:
        """The story's first ``steps`` steps only: the order waits where it got to."""
        for _i, at in zip(range(steps), story, strict=False):
            yield at

    def sweeps(self) -> Story:
        """The escalation job, as it runs in production: escalation steps and breaches are
        recorded on the timelines when they happened (``deadlines.sweep``)."""
        from kefu.servicedesk import deadlines

        while True:
            now = timezone.now()
            deadlines.sweep(now)
            nxt = now + SWEEP_EVERY
            if nxt.hour < SWEEP_HOURS[0] or nxt.hour > SWEEP_HOURS[1]:  # quiet at night
                day = nxt.date() + (DAY if nxt.hour > SWEEP_HOURS[1] else datetime.timedelta())
                nxt = datetime.datetime.combine(day, datetime.time(SWEEP_HOURS[0]), nxt.tzinfo)
            yield nxt

    def final_sweep(self) -> None:
        """Deadlines passed by "now" are breached in the open queue too."""
        from kefu.servicedesk import deadlines

        deadlines.sweep(self.end)

    # -- helpers ----------------------------------------------------------------------------

    def minutes(self, low: float, high: float) -> datetime.timedelta:
        return datetime.timedelta(minutes=self.rng.uniform(low, high))

    def pick(self, seq):
        return seq[self.rng.randrange(len(seq))]

    def user(self, key: str) -> User:
        return self.users[key]

    def receiver(self, code: str, channel: str, at: datetime.datetime) -> User:
        if channel == "walk_in" and self.rng.random() < 0.7:
            return self.user(self.pick(FRONT_DESK[code]))
        if at.hour < 8 or at.hour >= 20:  # the night shift answers the hotline
            return self.user(AGENTS[code][at.day % len(AGENTS[code])])
        return self.user(self.pick(AGENTS[code]))

    def field_user(self, dept: str, code: str) -> User:
        return self.user(self.pick(FIELD[dept][code]))

    def department(self, dept: str) -> Department:
        return self.departments[self.dept_key[dept]]

    def caller(self, code: str) -> Caller:
        customer, unit = self.pick(self.callers[code])
        if self.rng.random() < 0.04:  # an unidentified caller: a phone number only
            phone = f"1{self.rng.choice('3589')}{self.rng.randrange(10**9):09d}"
            return Caller(
                None, unit, self.rng.choice(("王先生", "李女士", "张先生", "陈女士")), phone
            )
        return Caller(customer, unit, customer.name, customer.phone)

    def channel(self) -> str:
        names, weights = zip(*sd.CHANNEL_WEIGHTS, strict=True)
        return self.rng.choices(names, weights)[0]

    def weighted_leaf(self, table: dict) -> tuple[tuple[str, ...], tuple]:
        keys = list(table)
        key = self.rng.choices(keys, [table[k][0] for k in keys])[0]
        return key, table[key]

    def create(self, actor: User, at: datetime.datetime, caller: Caller, **fields) -> WorkOrder:
        at_unit = fields.pop("at_unit", True)
        order = actions.create_order(
            actor,
            received_at=at,
            customer=caller.customer,
            caller_name=caller.name,
            caller_phone=caller.phone if caller.customer is None else "",
            unit=caller.unit if at_unit else None,
            **fields,
        )
        self.stats.created += 1
        return order

    def act(self, actor: User, order: WorkOrder, action: str, **data) -> WorkOrder:
        return actions.transition(actor, order, action, at=timezone.now(), **data)

    def rating(self, caller: Caller, satisfied: bool) -> dict:
        if not satisfied:
            levels = [self.rng.choice((1, 2)) for _ in range(4)]
            levels[self.rng.randrange(4)] = RatingLevel.POOR
        else:
            base = self.rng.choices((4, 3, 2), (55, 40, 5))[0]
            levels = [min(4, max(1, base + self.rng.choice((0, 0, 0, 1, -1)))) for _ in range(4)]
            if self.rng.random() < 0.02:
                levels[self.rng.randrange(4)] = RatingLevel.POOR  # a 较差 on one item
        return {
            "attitude": levels[0],
            "technique": levels[1],
            "timeliness": levels[2],
            "promise": levels[3],
            "rated_by": caller.name,
        }

    def do_callback(self, order: WorkOrder, caller: Caller, *, unsatisfied: float) -> bool:
        """Record the open completion callback of ``order``; True when the customer was
        satisfied (or unreachable)."""
        task = Callback.objects.filter(order=order, done_at__isnull=True).order_by("due_at").first()
        if task is None:
            return True
        actor = task.assigned_to or order.owner
        if self.rng.random() < 0.04:
            callbacks.record(
                actor,
                task,
                method=CallbackMethod.PHONE,
                questions=sd.CALLBACK_QUESTIONS,
                customer_words="",
                result=CallbackResult.UNREACHABLE,
            )
            return True
        satisfied = self.rng.random() >= unsatisfied
        if not satisfied:
            # The supervisor takes an unhappy customer's callback: a repair goes back to the
            # technician as a rectification order, which needs the right to dispatch.
            actor = self.user(SUPERVISOR[order.project.code])
        method = self.rng.choices((CallbackMethod.PHONE, CallbackMethod.VISIT), (92, 8))[0]
        callbacks.record(
            actor,
            task,
            method=method,
            questions=sd.CALLBACK_QUESTIONS,
            customer_words=self.pick(sd.SATISFIED_WORDS if satisfied else sd.UNSATISFIED_WORDS),
            result=CallbackResult.SATISFIED if satisfied else CallbackResult.UNSATISFIED,
            visit_confirmed_by=caller.name if method == CallbackMethod.VISIT else "",
            rating=self.rating(caller, satisfied) if caller.name else None,
        )
        return satisfied

    def callback_delay(self, order: WorkOrder) -> datetime.timedelta:
        """When the agent calls back: usually within the R-CB-03/04 window, sometimes late."""
        if order.order_type == "complaint":  # R-CB-03: right after solving
            return self.minutes(10, 90)
        if self.rng.random() < 0.06:
            return datetime.timedelta(hours=self.rng.uniform(50, 100))  # late callback
        return datetime.timedelta(hours=self.rng.uniform(2, 40))

    def working_hours(self, at: datetime.datetime) -> datetime.datetime:
        """Move ``at`` into office hours (08:30–18:00) for non-urgent follow-up."""
        if at.hour < 8 or (at.hour == 8 and at.minute < 30):
            return at.replace(hour=9, minute=self.rng.randrange(60))
        if at.hour >= 18:
            nxt = at + DAY
            return nxt.replace(hour=9, minute=self.rng.randrange(60))
        return at

    # -- stories ----------------------------------------------------------------------------

    def story_repair(self, project: Project, t0: datetime.datetime) -> Story:
        code = project.code
        path, (_w, texts, resolutions) = self.weighted_leaf(sd.REPAIRS)
        index = self.rng.randrange(len(texts))
        title, description = texts[index]
        resolution = resolutions[min(index, len(resolutions) - 1)]
        caller = self.caller(code)
        channel = self.channel()
        agent = self.receiver(code, channel, t0)
        public = path[1] == "公共设施"
        appointment = None
        if not public and self.rng.random() < 0.22:
            day = t0 + DAY * self.rng.choice((0, 1, 1, 2))
            appointment = day.replace(hour=self.rng.choice((9, 10, 14, 15, 16)), minute=0)
            if appointment < t0 + HOUR:
                appointment = (t0 + DAY).replace(hour=10, minute=0)
        spot = self.rng.choice(("大堂", "3 层电梯厅", "地下车库", "楼道"))
        address = f"{caller.unit.building.name}{spot}" if public and caller.unit else ""
        order = self.create(
            agent,
            t0,
            caller,
            project=project,
            order_type="repair",
            channel=channel,
            category=self.categories[path],
            title=title,
            description=description,
            address=address,
            at_unit=not public,
            appointment_at=appointment,
            equipment_down=path[-1] == "电梯故障" and "停运" in title,
        )
        yield t0 + self.minutes(0.5, 3)
        order = self.act(agent, order, "accept")
        if self.rng.random() < 0.015:
            yield t0 + self.minutes(5, 60)
            self.act(agent, order, "cancel", reason=self.pick(sd.CANCEL_REASONS))
            return
        # R-TKT-08: handed to engineering within 10 minutes (most of the time).
        late_handoff = self.rng.random() < 0.07
        yield t0 + (self.minutes(11, 40) if late_handoff else self.minutes(3, 9.5))
        tech = self.field_user("eng", code)
        order = self.act(
            self.user(SUPERVISOR[code]),
            order,
            "dispatch",
            department=self.department("eng"),
            assignee=tech,
        )
        ack = self.minutes(1, 6)
        yield order.dispatched_at + ack
        order = self.act(tech, order, "acknowledge")
        if appointment is not None:
            arrive_at = appointment + self.minutes(-15, 4 if self.rng.random() < 0.9 else 40)
        else:
            late = self.rng.random() < 0.1
            arrive_at = order.acknowledged_at + (
                self.minutes(16, 70) if late else self.minutes(4, 14)
            )
        yield max(arrive_at - self.minutes(3, 10), order.acknowledged_at + MIN)
        order = self.act(tech, order, "depart")
        yield max(arrive_at, order.departed_at + MIN)
        order = self.act(tech, order, "arrive")
        yield order.arrived_at + self.minutes(1, 5)
        if self.rng.random() < 0.07:
            # Parts to order or a neighbour to let us in: on hold with a new appointment.
            now = timezone.now()
            new_time = (now + DAY * self.rng.choice((1, 2, 3))).replace(hour=10, minute=0)
            order = self.act(
                tech, order, "hold", reason=self.pick(sd.HOLD_REASONS), appointment_at=new_time
            )
            yield new_time - self.minutes(20, 40)
            order = self.act(tech, order, "resume")
            yield new_time + self.minutes(-5, 10)
        order = self.act(tech, order, "start")
        yield order.started_at + self.minutes(15, 150)
        order = self.act(
            tech,
            order,
            "complete",
            resolution=resolution,
            confirmed_by=caller.name,
            confirmation_method=self.rng.choices(
                (ConfirmationMethod.SIGNATURE, ConfirmationMethod.PHONE), (85, 15)
            )[0],
        )
        yield from self.after_completion(order, caller, project, unsatisfied=0.04)

    def after_completion(
        self, order: WorkOrder, caller: Caller, project: Project, *, unsatisfied: float
    ) -> Story:
        yield self.working_hours(order.completed_at + self.callback_delay(order))
        satisfied = self.do_callback(order, caller, unsatisfied=unsatisfied)
        order = WorkOrder.objects.get(pk=order.pk)
        if not satisfied:
            child = order.children.order_by("pk").last()
            if child is not None and child.assignee_id:
                self.stats.created += 1
                yield from self.rectify(child, caller)
            elif order.status == Status.REOPENED:  # a complaint reopened by its callback
                yield self.working_hours(timezone.now() + self.minutes(60, 60 * 24))
                order = self.act(
                    self.user(SUPERVISOR[project.code]),
                    order,
                    "complete",
                    resolution="客服主管再次上门沟通，落实整改并取得客户谅解。",
                )
                yield from self.after_completion(order, caller, project, unsatisfied=0.0)
            return
        if order.status in (Status.COMPLETED, Status.CALLBACK_DONE):
            yield self.working_hours(timezone.now() + self.minutes(30, 60 * 20))
            order = WorkOrder.objects.get(pk=order.pk)
            if order.status in (Status.COMPLETED, Status.CALLBACK_DONE):
                self.act(self.user(SUPERVISOR[project.code]), order, "close")

    def rectify(self, child: WorkOrder, caller: Caller) -> Story:
        """The rectification order (返修单) opened by an unsatisfied callback (R-CB-04)."""
        tech = child.assignee
        yield timezone.now() + self.minutes(10, 60)
        child = self.act(tech, child, "acknowledge")
        yield self.working_hours(child.acknowledged_at + self.minutes(30, 240))
        child = self.act(tech, child, "arrive")
        # Rework is free: completed from on site, without a new quote or "start" (a paid
        # order may not start without an accepted quote, R-TKT-08).
        yield child.arrived_at + self.minutes(30, 120)
        child = self.act(
            tech,
            child,
            "complete",
            resolution="返修完成，客户现场确认问题已解决。",
            confirmed_by=caller.name,
            confirmation_method=ConfirmationMethod.SIGNATURE,
        )
        yield from self.after_completion(child, caller, child.project, unsatisfied=0.0)

    def story_complaint(self, project: Project, t0: datetime.datetime) -> Story:
        code = project.code
        path, (_w, dept, texts, resolutions) = self.weighted_leaf(sd.COMPLAINTS)
        index = self.rng.randrange(len(texts))
        title, description = texts[index]
        resolution = resolutions[min(index, len(resolutions) - 1)]
        caller = self.caller(code)
        channel = self.channel()
        agent = self.receiver(code, channel, t0)
        severity = self.rng.choices(
            (Severity.MAJOR, Severity.IMPORTANT, Severity.MINOR), (6, 30, 64)
        )[0]
        complaint_class = (
            ComplaintClass.VALID
            if severity != Severity.MINOR or self.rng.random() < 0.6
            else self.rng.choice(
                (ComplaintClass.HELP_SEEKING, ComplaintClass.QUESTIONING, ComplaintClass.VENTING)
            )
        )
        order = self.create(
            agent,
            t0,
            caller,
            project=project,
            order_type="complaint",
            channel=channel,
            category=self.categories[path],
            title=title,
            description=description,
            severity=severity,
            complaint_class=complaint_class,
        )
        yield t0 + self.minutes(1, 5)
        order = self.act(agent, order, "accept")
        # Time to resolve, by severity (R-TKT-05: major 10 days, important 3, minor 2); a few
        # take longer than allowed.
        limit = {Severity.MAJOR: 10 * 24, Severity.IMPORTANT: 3 * 24, Severity.MINOR: 2 * 24}
        hours = limit[severity] * (
            self.rng.uniform(1.1, 1.6) if self.rng.random() < 0.1 else self.rng.uniform(0.05, 0.8)
        )
        if dept == "cs":
            yield self.working_hours(t0 + self.minutes(20, 120))
            actions.add_note(
                agent, order, "已联系客户说明情况，正在核实处理。", customer_visible=True
            )
            yield self.working_hours(t0 + datetime.timedelta(hours=hours))
            order = self.act(agent, order, "complete", resolution=resolution)
        else:
            late = self.rng.random() < 0.08
            yield t0 + (self.minutes(70, 180) if late else self.minutes(5, 50))
            handler = self.field_user(dept, code)
            order = self.act(
                self.user(SUPERVISOR[code]),
                order,
                "dispatch",
                department=self.department(dept),
                assignee=handler,
            )
            yield order.dispatched_at + self.minutes(2, 12)
            order = self.act(handler, order, "acknowledge")
            answer_hours = hours * self.rng.uniform(0.1, 0.4)
            yield self.working_hours(t0 + datetime.timedelta(hours=max(0.5, answer_hours)))
            actions.add_note(
                agent,
                order,
                "已向客户说明处理方案及预计完成时间。",
                customer_visible=True,
            )
            yield self.working_hours(t0 + datetime.timedelta(hours=hours))
            order = self.act(handler, order, "complete", resolution=resolution)
        yield from self.after_completion(order, caller, project, unsatisfied=0.08)

    def story_inquiry(self, project: Project, t0: datetime.datetime) -> Story:
        code = project.code
        path, (_w, texts, answers) = self.weighted_leaf(sd.INQUIRIES)
        index = self.rng.randrange(len(texts))
        caller = self.caller(code)
        channel = self.channel()
        agent = self.receiver(code, channel, t0)
        order = self.create(
            agent,
            t0,
            caller,
            project=project,
            order_type="inquiry",
            channel=channel,
            category=self.categories[path],
            title=texts[index][0],
            description=texts[index][1],
        )
        yield t0 + self.minutes(0.2, 1)
        order = self.act(agent, order, "accept")
        yield t0 + self.minutes(2, 8)
        order = self.act(agent, order, "complete", resolution=answers[min(index, len(answers) - 1)])
        yield self.working_hours(t0 + self.minutes(60, 60 * 24))
        self.act(self.user(SUPERVISOR[code]), order, "close")

    def story_paid_service(self, project: Project, t0: datetime.datetime) -> Story:
        code = project.code
        path, (_w, dept, (title, description), price_codes, resolution) = self.weighted_leaf(
            sd.PAID
        )
        caller = self.caller(code)
        if caller.customer is None:
            caller = Caller(*self.pick(self.callers[code]), "", "")
            caller.name, caller.phone = caller.customer.name, caller.customer.phone
        channel = self.rng.choice(("phone", "walk_in", "online"))
        agent = self.receiver(code, channel, t0)
        day = t0 + DAY * self.rng.choice((1, 1, 2, 3))
        appointment = day.replace(hour=self.rng.choice((9, 10, 14, 15)), minute=0, second=0)
        order = self.create(
            agent,
            t0,
            caller,
            project=project,
            order_type="paid_service",
            channel=channel,
            category=self.categories[path],
            title=title,
            description=description,
            appointment_at=appointment,
        )
        yield t0 + self.minutes(0.5, 3)
        order = self.act(agent, order, "accept")
        yield t0 + self.minutes(3, 9)
        worker = self.field_user(dept, code)
        order = self.act(
            self.user(SUPERVISOR[code]),
            order,
            "dispatch",
            department=self.department(dept),
            assignee=worker,
        )
        yield order.dispatched_at + self.minutes(2, 30)
        order = self.act(worker, order, "acknowledge")
        yield appointment - self.minutes(10, 25)
        order = self.act(worker, order, "depart")
        yield appointment + self.minutes(-8, 5 if self.rng.random() < 0.92 else 45)
        order = self.act(worker, order, "arrive")
        yield order.arrived_at + self.minutes(3, 10)
        total = None
        if has_module("paid"):
            from kefu.servicedesk import paid

            lines = []
            for price_code in price_codes:
                item = self.prices[(project.pk, price_code)]
                quantity = self.rng.choice((2, 3, 4)) if item.unit == "小时" else 1
                lines.append((item, "", quantity, None))
            quote = paid.quote(worker, order, lines)
            total = quote.total
            yield order.arrived_at + self.minutes(12, 20)
            paid.accept_quote(worker, order, caller.name, ConfirmationMethod.SIGNATURE)
            yield order.arrived_at + self.minutes(21, 25)
        order = self.act(worker, order, "start")
        yield order.started_at + self.minutes(40, 150)
        order = self.act(
            worker,
            order,
            "complete",
            resolution=resolution,
            confirmed_by=caller.name,
            confirmation_method=ConfirmationMethod.SIGNATURE,
            amount_to_finance=str(total) if total is not None else None,  # event data is JSON
            customer_materials="客户自备吸顶灯 1 盏" if "灯" in title else "",
        )
        yield from self.after_completion(order, caller, project, unsatisfied=0.03)

    def story_simple(self, project: Project, t0: datetime.datetime, kind: str) -> Story:
        """Help, suggestions, praise, internal liaison and non-conformance notices."""
        code = project.code
        path, texts, dept, resolution = sd.OTHER[kind]
        title, description = self.pick(texts)
        internal = kind in ("liaison", "nonconformance")
        if internal:
            agent = self.user(SUPERVISOR[code])
            caller = Caller(None, None, agent.staff.name, agent.staff.phone)
            channel = "internal"
        else:
            caller = self.caller(code)
            channel = self.channel()
            agent = self.receiver(code, channel, t0)
        extra = {"contractor": "杭州迅达电梯维保有限公司"} if kind == "nonconformance" else {}
        order = self.create(
            agent,
            t0,
            caller,
            project=project,
            order_type=kind,
            channel=channel,
            category=self.categories[path],
            title=title,
            description=description,
            at_unit=not internal,
            **extra,
        )
        yield t0 + self.minutes(1, 10)
        order = self.act(agent, order, "accept")
        if dept != "cs":
            yield t0 + self.minutes(10, 60)
            worker = self.field_user(dept, code)
            order = self.act(
                self.user(SUPERVISOR[code]),
                order,
                "dispatch",
                department=self.department(dept),
                assignee=worker,
            )
            yield order.dispatched_at + self.minutes(10, 120)
            order = self.act(worker, order, "acknowledge")
            yield self.working_hours(t0 + datetime.timedelta(hours=self.rng.uniform(4, 60)))
            order = self.act(worker, order, "complete", resolution=resolution)
        else:
            delay = self.minutes(5, 60) if kind != "suggestion" else DAY * self.rng.uniform(1, 3)
            yield self.working_hours(t0 + delay)
            order = self.act(agent, order, "complete", resolution=resolution)
        yield self.working_hours(order.completed_at + self.minutes(60, 60 * 24))
        self.act(self.user(SUPERVISOR[code]), order, "close")

    def story_help(self, project, t0):
        return self.story_simple(project, t0, "help")

    def story_suggestion(self, project, t0):
        return self.story_simple(project, t0, "suggestion")

    def story_praise(self, project, t0):
        return self.story_simple(project, t0, "praise")

    def story_liaison(self, project, t0):
        return self.story_simple(project, t0, "liaison")

    def story_nonconformance(self, project, t0):
        return self.story_simple(project, t0, "nonconformance")

    def story_incident(self, project: Project, t0: datetime.datetime) -> Story:
        """R-TKT-14: reported by security on patrol, taken by the supervisor."""
        if not has_module("incidents"):
            return
        from kefu.servicedesk import incidents

        code = project.code
        path, title, description, resolution = self.pick(sd.INCIDENTS)
        supervisor = self.user(SUPERVISOR[code])
        building = self.pick(self.callers[code])[1].building
        elevator = path[-1] == "电梯困人"
        floor = str(self.rng.randint(3, 20))
        order = incidents.open_incident(
            supervisor,
            received_at=t0,
            location=f"{building.name}{'电梯' if elevator else ''}",
            elevator_entrapment=elevator,
            elevator_no=f"{building.code}-{self.rng.randint(1, 2)}" if elevator else "",
            floor=floor if elevator else "",
            technician_notified_at=t0 + self.minutes(1, 3) if elevator else None,
            project=project,
            category=self.categories[path],
            title=f"{building.name}{title}",
            description=description,
            address=building.name,
        )
        self.stats.created += 1
        yield t0 + self.minutes(1, 3)
        order = self.act(supervisor, order, "accept")
        yield t0 + self.minutes(3, 6)
        tech = self.field_user("eng", code)
        order = self.act(
            supervisor, order, "dispatch", department=self.department("eng"), assignee=tech
        )
        yield order.dispatched_at + self.minutes(1, 3)
        order = self.act(tech, order, "acknowledge")
        yield order.acknowledged_at + self.minutes(5, 15)
        order = self.act(tech, order, "arrive")
        yield order.arrived_at + self.minutes(1, 3)
        order = self.act(tech, order, "start")
        yield order.started_at + self.minutes(30, 150)
        order = self.act(tech, order, "complete", resolution=resolution)
        # The 24-hour report (R-TKT-14): one of them late.
        late = self.rng.random() < 0.2
        yield t0 + (
            datetime.timedelta(hours=self.rng.uniform(26, 40)) if late else self.minutes(240, 1200)
        )
        incidents.submit_report(
            supervisor,
            order.incident,
            f"{description}{resolution}事件已处置完毕，已组织相关人员复盘并落实整改措施。",
        )
        yield self.working_hours(order.completed_at + DAY)
        self.act(supervisor, WorkOrder.objects.get(pk=order.pk), "close")


# Calls per hour of the day (repairs, complaints, paid services): daytime peaks, a few at night.
HOURLY = (
    1, 1, 0.5, 0.5, 0.5, 1, 2, 5, 10, 12, 12, 10, 7, 8, 10, 10, 9, 9, 8, 7, 6, 4, 3, 2,
)  # fmt: skip
