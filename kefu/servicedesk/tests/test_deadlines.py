"""Stored deadlines: policy choice, the regulations' numbers on real orders, milestones, pauses,
recompute, the escalation sweep (idempotent, reads only due rows) and the periodic job.

The business calendar is the real 2026 arrangement (synced from ``chinesecalendar``): National
Day holiday 1–7 October, make-up working days Sunday 20 September and Saturday 10 October;
business hours 08:30–18:00 (the default).
"""

from __future__ import annotations

import datetime
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from huey.contrib.djhuey import HUEY

from kefu.calendars.services import get_calendar, sync_from_package
from kefu.core.models import JobRecord
from kefu.notifications.models import Notification
from kefu.org.choices import DepartmentKind
from kefu.servicedesk import deadlines
from kefu.servicedesk.choices import Status
from kefu.servicedesk.deadlines import (
    apply_policy,
    deadline_status,
    install,
    on_event,
    select_policy,
    sweep,
)
from kefu.servicedesk.models import (
    Category,
    OrderDeadline,
    OrderEvent,
    SlaPolicy,
    SlaTarget,
    WorkOrder,
)

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Shanghai")
END_OF_DAY = datetime.time(23, 59, 59, 999000)


def at(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=TZ)


@pytest.fixture(autouse=True)
def calendar_2026(db):
    sync_from_package([2026])


@pytest.fixture
def desk(org, make_user):
    """P1: agent → supervisor → director (head of CS, 服务中心主任) → general manager;
    engineering with its head and a technician; a repair category tree."""
    cs = org["departments"][("P1", DepartmentKind.CUSTOMER_SERVICE)]
    eng = org["departments"][("P1", DepartmentKind.ENGINEERING)]
    gm = make_user("cs_manager", username="gm")
    director = make_user("cs_manager", username="director")
    supervisor = make_user("cs_supervisor", username="supervisor")
    agent = make_user("cs_agent", username="agent")
    eng_head = make_user("cs_supervisor", kind=DepartmentKind.ENGINEERING, username="eng_head")
    tech = make_user("technician", kind=DepartmentKind.ENGINEERING, username="tech")
    for user, boss in (
        (director, gm),
        (supervisor, director),
        (agent, supervisor),
        (tech, eng_head),
    ):
        user.staff.supervisor = boss.staff
        user.staff.save()
    cs.head = director.staff
    cs.save()
    eng.head = eng_head.staff
    eng.save()
    repair = Category.objects.create(name="报修", order_type="repair")
    water = Category.objects.create(name="水电", order_type="repair", parent=repair)
    leak = Category.objects.create(name="漏水", order_type="repair", parent=water, is_leak=True)
    return {
        "project": org["p1"],
        "p2": org["p2"],
        "cs": cs,
        "eng": eng,
        "gm": gm,
        "director": director,
        "supervisor": supervisor,
        "agent": agent,
        "eng_head": eng_head,
        "tech": tech,
        "repair": repair,
        "water": water,
        "leak": leak,
        "leak_ceiling": Category.objects.create(name="屋顶渗水", order_type="repair", parent=leak),
        "safety": Category.objects.create(
            name="消防设施", order_type="repair", parent=repair, is_safety=True
        ),
    }


@pytest.fixture
def make_order(desk):
    counter = {"n": 0}

    def make(order_type: str = "repair", received_at=None, **fields) -> WorkOrder:
        counter["n"] += 1
        values = {
            "number": f"P1-2026-{counter['n']:06d}",
            "project": desk["project"],
            "order_type": order_type,
            "caller_phone": "13800138000",
            "title": "卫生间漏水" if order_type == "repair" else "物业服务投诉",
            "description": "楼上渗水到卫生间吊顶",
            "received_at": received_at or at(2026, 11, 23, 9, 0),
            "receiver": desk["agent"],
            "owner": desk["agent"],
            "status": Status.ACCEPTED,
        }
        values.update(fields)
        return WorkOrder.objects.create(**values)

    return make


def rows(order: WorkOrder) -> dict[str, OrderDeadline]:
    return {d.metric: d for d in OrderDeadline.objects.filter(order=order)}


def dues(order: WorkOrder) -> dict[str, datetime.datetime | None]:
    return {m: d.due_at for m, d in rows(order).items()}


def event(order: WorkOrder, kind: str, moment: datetime.datetime) -> None:
    """What ``actions.transition`` does for a milestone: stamp the order, then the hook."""
    field = {
        "dispatched": "dispatched_at",
        "acknowledged": "acknowledged_at",
        "arrived": "arrived_at",
        "completed": "completed_at",
        "answered": "answered_at",
    }
    if kind in field:
        setattr(order, field[kind], moment)
        order.save(update_fields=[field[kind]])
    on_event(order, kind, moment)


# -- R-TKT-05/06/07: a major complaint received at 17:00 the day before National Day ----------

RECEIVED = at(2026, 9, 30, 17, 0)


def test_major_complaint_under_property_severity(desk, make_order):
    install("property_severity", desk["project"])
    order = make_order("complaint", RECEIVED, severity="major")
    apply_policy(order, now=RECEIVED)
    assert order.sla_policy.name == "重大投诉（R-TKT-05）"
    assert WorkOrder.objects.get(pk=order.pk).sla_policy_id == order.sla_policy_id
    assert dues(order) == {
        # handed to the service-centre director the same day
        "escalate": datetime.datetime.combine(datetime.date(2026, 9, 30), END_OF_DAY, TZ),
        # a clear answer within 2 days, resolved within 10 days (calendar days: the holiday
        # counts)
        "first_answer": at(2026, 10, 2, 17, 0),
        "resolution": at(2026, 10, 10, 17, 0),
        # callback: starts when the complaint is solved
        "callback": None,
    }
    assert rows(order)["callback"].started_at is None
    assert deadline_status(rows(order)["callback"], RECEIVED) == "pending"


def test_major_complaint_under_rectify_revisit(desk, make_order):
    install("rectify_revisit", desk["project"])
    order = make_order("complaint", RECEIVED, severity="major")
    apply_policy(order, now=RECEIVED)
    # "rectified within 1 working day": the calendar has 1–7 October off (National Day), so
    # the first working day after Wednesday 30 September is Thursday 8 October — due at its
    # close of business, 18:00. (Friday 9 October would be the second; Saturday 10 October,
    # a make-up working day, the third.)
    assert dues(order)["resolution"] == at(2026, 10, 8, 18, 0)
    # rectified on 8 October at 16:00: in time; the callback is due a week later
    event(order, "completed", at(2026, 10, 8, 16, 0))
    r = rows(order)
    assert (r["resolution"].met_at, r["resolution"].breached) == (at(2026, 10, 8, 16), False)
    assert r["callback"].started_at == at(2026, 10, 8, 16, 0)
    assert r["callback"].due_at == at(2026, 10, 15, 16, 0)
    assert deadline_status(r["resolution"], at(2026, 10, 9)) == "met"


def test_general_complaint_under_rectify_revisit_3_working_days(desk, make_order):
    install("rectify_revisit", desk["project"])
    order = make_order("complaint", RECEIVED, severity="important")
    apply_policy(order, now=RECEIVED)
    # 8 Oct, 9 Oct, then the make-up Saturday 10 Oct
    assert dues(order)["resolution"] == at(2026, 10, 10, 18, 0)
    event(order, "completed", at(2026, 10, 12, 9, 0))  # late
    r = rows(order)
    assert r["resolution"].breached is True
    assert deadline_status(r["resolution"], at(2026, 10, 12, 10)) == "breached"
    assert r["callback"].due_at == at(2026, 10, 26, 9, 0)  # two weeks after rectification


def test_major_complaint_under_after_sales(desk, make_order):
    install("after_sales", desk["project"])
    order = make_order("complaint", RECEIVED, severity="major")
    apply_policy(order, now=RECEIVED)
    assert dues(order) == {
        "first_answer": at(2026, 10, 1, 17, 0),  # the regional director answers within 24 h
        "escalate": at(2026, 10, 3, 17, 0),  # investigation report to the VP within 3 days
        "resolution": at(2026, 10, 6, 17, 0),  # closed within 6 days of acceptance
        "callback": None,
    }


def test_minor_complaint_by_the_customers_earlier_deadline(desk, make_order):
    install("property_severity", desk["project"])
    received = at(2026, 11, 23, 9, 0)
    plain = make_order("complaint", received, severity="minor")
    apply_policy(plain, now=received)
    assert dues(plain)["resolution"] == at(2026, 11, 25, 9, 0)
    earlier = make_order(
        "complaint", received, severity="minor", requested_by=at(2026, 11, 24, 12, 0)
    )
    apply_policy(earlier, now=received)
    assert dues(earlier)["resolution"] == at(2026, 11, 24, 12, 0)
    later = make_order(
        "complaint", received, severity="minor", requested_by=at(2026, 11, 30, 12, 0)
    )
    apply_policy(later, now=received)
    assert dues(later)["resolution"] == at(2026, 11, 25, 9, 0)
    # not yet classified: the general policy gives it a clock from the start
    unclassified = make_order("complaint", received)
    apply_policy(unclassified, now=received)
    assert unclassified.sla_policy.name == "一般投诉（R-TKT-05）"


# -- R-TKT-08 repairs and R-CB-04 callbacks --------------------------------------------------


def test_repair_milestones_hand_off_acknowledge_arrive(desk, make_order):
    install("repair", desk["project"])
    order = make_order("repair", at(2026, 11, 23, 9, 40), category=desk["water"])
    apply_policy(order, now=order.received_at)
    assert order.sla_policy.name == "报修（R-TKT-08）"
    assert dues(order) == {
        "handoff": at(2026, 11, 23, 9, 50),  # to engineering within 10 minutes
        "acknowledge": None,
        "arrival": None,
        "callback": None,
    }
    event(order, "dispatched", at(2026, 11, 23, 9, 50))
    r = rows(order)
    assert (r["handoff"].met_at, r["handoff"].breached) == (at(2026, 11, 23, 9, 50), False)
    assert r["acknowledge"].due_at == at(2026, 11, 23, 10, 0)
    # accepted by the technician at 10:00 → on site by 10:15
    event(order, "acknowledged", at(2026, 11, 23, 10, 0))
    r = rows(order)
    assert r["acknowledge"].breached is False
    assert r["arrival"].started_at == at(2026, 11, 23, 10, 0)
    assert r["arrival"].due_at == at(2026, 11, 23, 10, 15)
    event(order, "arrived", at(2026, 11, 23, 10, 16))
    r = rows(order)
    assert r["arrival"].met_at == at(2026, 11, 23, 10, 16)
    assert r["arrival"].breached is True  # one minute late
    # an ordinary repair's callback: within 2 days of completion
    event(order, "completed", at(2026, 11, 23, 11, 0))
    assert rows(order)["callback"].due_at == at(2026, 11, 25, 11, 0)


def test_repair_with_an_appointment_arrives_by_the_appointment(desk, make_order):
    install("repair", desk["project"])
    order = make_order("repair", at(2026, 11, 23, 9, 0), appointment_at=at(2026, 11, 23, 14, 0))
    apply_policy(order, now=order.received_at)
    assert dues(order)["arrival"] == at(2026, 11, 23, 14, 0)
    event(order, "dispatched", at(2026, 11, 23, 9, 5))
    event(order, "acknowledged", at(2026, 11, 23, 10, 0))
    assert dues(order)["arrival"] == at(2026, 11, 23, 14, 0)  # not 10:15
    # the customer moves the appointment: recomputed; the met hand-off stays
    order.appointment_at = at(2026, 11, 24, 9, 0)
    order.save(update_fields=["appointment_at"])
    apply_policy(order, now=at(2026, 11, 23, 11, 0))
    r = rows(order)
    assert r["arrival"].due_at == at(2026, 11, 24, 9, 0)
    assert r["handoff"].met_at == at(2026, 11, 23, 9, 5)
    # the appointment is a fixed moment: a hold does not move it
    event(order, "held", at(2026, 11, 23, 12, 0))
    assert rows(order)["arrival"].paused_at is None
    event(order, "arrived", at(2026, 11, 24, 8, 55))
    assert rows(order)["arrival"].breached is False


@pytest.mark.parametrize(
    ("category", "policy", "callback_due"),
    [
        # a leak repair completed (its water test passed) 2026-11-23 15:00 → 3 days later
        ("leak", "报修·渗漏（R-TKT-08, R-CB-04）", at(2026, 11, 26, 15, 0)),
        ("leak_ceiling", "报修·渗漏（R-TKT-08, R-CB-04）", at(2026, 11, 26, 15, 0)),
        ("safety", "报修·安全设施（R-TKT-08, R-CB-04）", at(2026, 11, 25, 15, 0)),
        ("water", "报修（R-TKT-08）", at(2026, 11, 25, 15, 0)),
    ],
)
def test_repair_callbacks_by_category(desk, make_order, category, policy, callback_due):
    install("repair", desk["project"])
    order = make_order("repair", at(2026, 11, 23, 9, 0), category=desk[category])
    apply_policy(order, now=order.received_at)
    assert order.sla_policy.name == policy
    event(order, "completed", at(2026, 11, 23, 15, 0))
    r = rows(order)
    assert r["callback"].due_at == callback_due
    # never acknowledged nor on site: those clocks do not apply; the hand-off is met late
    assert set(r) == {"handoff", "callback"}
    assert r["handoff"].breached is True
    on_event(order, "callback", at(2026, 11, 24, 10, 0))
    assert deadline_status(rows(order)["callback"], at(2026, 11, 24, 11)) == "met"


# -- pauses -----------------------------------------------------------------------------------


@pytest.fixture
def business_policy(desk):
    """A project's own policy in business hours (as a project may adjust a preset)."""
    policy = SlaPolicy.objects.create(
        name="报修（工作时间）", project=desk["project"], order_type="repair"
    )
    SlaTarget.objects.create(policy=policy, metric="resolution", amount=4, unit="business_hours")
    SlaTarget.objects.create(policy=policy, metric="first_answer", amount=1, unit="working_days")
    return policy


def test_hold_from_friday_1700_to_monday_0900_restores_the_remaining_working_time(
    desk, make_order, business_policy
):
    order = make_order("repair", at(2026, 11, 20, 15, 0))  # Friday
    apply_policy(order, now=order.received_at)
    # 3 business hours on Friday, 1 on Monday
    assert dues(order)["resolution"] == at(2026, 11, 23, 9, 30)
    assert dues(order)["first_answer"] == at(2026, 11, 23, 18, 0)
    event(order, "held", at(2026, 11, 20, 17, 0))
    r = rows(order)["resolution"]
    assert r.paused_at == at(2026, 11, 20, 17, 0)
    assert r.remaining_seconds == 2 * 3600  # Friday 17–18 and Monday 08:30–09:30
    assert r.next_check_at is None
    assert deadline_status(r, at(2026, 11, 21, 12)) == "paused"
    event(order, "resumed", at(2026, 11, 23, 9, 0))
    r = rows(order)
    assert r["resolution"].due_at == at(2026, 11, 23, 11, 0)  # exactly 2 h of working time
    assert r["resolution"].paused_at is None
    assert r["resolution"].pauses == [["2026-11-20T17:00:00+08:00", "2026-11-23T09:00:00+08:00"]]
    # first answer: 1 h left on Friday + Monday's 9.5 h = 10.5 h from Monday 09:00
    assert r["first_answer"].due_at == at(2026, 11, 24, 10, 0)
    # a recompute (e.g. reclassification) keeps the hold out of the time
    apply_policy(order, now=at(2026, 11, 23, 9, 5))
    assert dues(order)["resolution"] == at(2026, 11, 23, 11, 0)
    assert dues(order)["first_answer"] == at(2026, 11, 24, 10, 0)


def test_several_holds_add_up(desk, make_order, business_policy):
    order = make_order("repair", at(2026, 11, 23, 9, 0))  # Monday; due 13:00
    apply_policy(order, now=order.received_at)
    for held, resumed in [((10, 0), (10, 30)), ((12, 0), (14, 0))]:
        event(order, "held", at(2026, 11, 23, *held))
        event(order, "resumed", at(2026, 11, 23, *resumed))
    assert dues(order)["resolution"] == at(2026, 11, 23, 15, 30)
    # on hold again over the weekend of 28–29 November, recomputed while still on hold
    event(order, "held", at(2026, 11, 23, 15, 0))
    apply_policy(order, now=at(2026, 11, 24, 9, 0))
    r = rows(order)["resolution"]
    assert r.paused_at == at(2026, 11, 23, 15, 0) and r.remaining_seconds == 1800
    event(order, "resumed", at(2026, 11, 30, 17, 45))
    assert dues(order)["resolution"] == at(2026, 12, 1, 8, 45)


def test_completed_while_on_hold_with_time_left_is_met_in_time(desk, make_order, business_policy):
    order = make_order("repair", at(2026, 11, 23, 9, 0))
    apply_policy(order, now=order.received_at)
    event(order, "held", at(2026, 11, 23, 10, 0))
    event(order, "completed", at(2026, 11, 25, 10, 0))
    r = rows(order)["resolution"]
    assert (r.met_at, r.breached, r.paused_at) == (at(2026, 11, 25, 10, 0), False, None)


# -- recompute on reclassification ----------------------------------------------------------


def test_reclassification_recomputes_unmet_keeps_met_and_drops_missing(desk, make_order):
    install("property_severity", desk["project"])
    received = at(2026, 11, 23, 9, 0)
    order = make_order("complaint", received, severity="major")
    apply_policy(order, now=received)
    event(order, "answered", at(2026, 11, 23, 10, 0))
    assert set(rows(order)) == {"escalate", "first_answer", "resolution", "callback"}

    order.severity = "minor"
    order.save(update_fields=["severity"])
    apply_policy(order, now=at(2026, 11, 23, 11, 0))
    r = rows(order)
    assert order.sla_policy.name == "一般投诉（R-TKT-05）"
    # first answer was met: it stays; the escalation no longer applies: deleted
    assert set(r) == {"first_answer", "resolution", "callback"}
    assert r["first_answer"].met_at == at(2026, 11, 23, 10, 0)
    assert r["resolution"].due_at == at(2026, 11, 25, 9, 0)  # 2 days, not 10
    assert r["resolution"].started_at == received

    order.severity = "important"
    order.save(update_fields=["severity"])
    apply_policy(order, now=at(2026, 11, 23, 11, 30))
    assert dues(order)["resolution"] == at(2026, 11, 26, 9, 0)
    assert dues(order)["escalate"] == at(2026, 11, 23, 10, 0)  # 1 hour after reception


def test_a_looser_reclassification_clears_a_breach(desk, make_order):
    install("property_severity", desk["project"])
    received = at(2026, 11, 23, 9, 0)
    order = make_order("complaint", received, severity="minor")
    apply_policy(order, now=received)
    sweep(at(2026, 11, 25, 9, 1))
    assert rows(order)["resolution"].breached is True
    order.severity = "major"
    order.save(update_fields=["severity"])
    apply_policy(order, now=at(2026, 11, 25, 10, 0))
    r = rows(order)["resolution"]
    assert (r.due_at, r.breached) == (at(2026, 12, 3, 9, 0), False)
    assert r.escalation_level == 2  # the reminders already sent are not sent again


def test_no_policy_removes_unmet_deadlines(desk, make_order):
    install("property_severity", desk["project"])
    order = make_order("complaint", RECEIVED, severity="major")
    apply_policy(order, now=RECEIVED)
    SlaPolicy.objects.update(is_active=False)
    apply_policy(order, now=RECEIVED)
    assert rows(order) == {}
    assert order.sla_policy is None


# -- other events ---------------------------------------------------------------------------


def test_redispatch_restarts_the_acknowledgement_clock(desk, make_order):
    install("repair", desk["project"])
    order = make_order("repair", at(2026, 11, 23, 9, 0))
    apply_policy(order, now=order.received_at)
    event(order, "dispatched", at(2026, 11, 23, 9, 5))
    event(order, "acknowledged", at(2026, 11, 23, 9, 10))
    # re-dispatch to another technician: acknowledged again, arrival waits for it
    order.acknowledged_at = None
    event(order, "dispatched", at(2026, 11, 23, 9, 20))
    r = rows(order)
    assert r["acknowledge"].met_at == at(2026, 11, 23, 9, 10)  # met stays met
    assert (r["arrival"].started_at, r["arrival"].due_at) == (None, None)
    assert r["handoff"].met_at == at(2026, 11, 23, 9, 5)
    event(order, "acknowledged", at(2026, 11, 23, 9, 30))
    assert dues(order)["arrival"] == at(2026, 11, 23, 9, 45)


def test_reopen_restarts_resolution_and_keeps_the_old_outcome_on_the_timeline(desk, make_order):
    install("property_severity", desk["project"])
    received = at(2026, 11, 23, 9, 0)
    order = make_order("complaint", received, severity="important")
    apply_policy(order, now=received)
    event(order, "completed", at(2026, 11, 24, 9, 0))
    on_event(order, "reopened", at(2026, 11, 24, 15, 0))
    r = rows(order)
    assert (r["resolution"].started_at, r["resolution"].due_at) == (
        at(2026, 11, 24, 15, 0),
        at(2026, 11, 27, 15, 0),
    )
    assert r["resolution"].met_at is None
    assert r["callback"].due_at is None
    reset = OrderEvent.objects.get(order=order, kind="deadline_reset", data__metric="resolution")
    assert reset.data["met_at"] == "2026-11-24T09:00:00+08:00"
    # a later recompute keeps the restart
    apply_policy(order, now=at(2026, 11, 24, 16, 0))
    assert dues(order)["resolution"] == at(2026, 11, 27, 15, 0)


def test_cancel_removes_open_clocks_and_keeps_breaches(desk, make_order):
    install("property_severity", desk["project"])
    order = make_order("complaint", at(2026, 11, 23, 9, 0), severity="important")
    apply_policy(order, now=order.received_at)
    sweep(at(2026, 11, 23, 10, 1))  # the escalation is handed over, in time
    on_event(order, "cancelled", at(2026, 11, 23, 11, 0))
    assert set(rows(order)) == {"escalate"}


def test_unknown_event_is_refused(desk, make_order):
    order = make_order()
    with pytest.raises(ValueError, match="unknown deadline event"):
        on_event(order, "exploded", at(2026, 11, 23))


# -- policy selection -----------------------------------------------------------------------


def test_select_policy_prefers_the_most_specific_match(desk, make_order):
    p1, p2 = desk["project"], desk["p2"]

    def policy(name, **kw):
        return SlaPolicy.objects.create(name=name, order_type="repair", **kw)

    org_wide = policy("全公司报修")
    order = make_order("repair", category=desk["leak_ceiling"], channel="online")
    assert select_policy(order) == org_wide
    project = policy("本项目报修", project=p1)
    policy("其他项目报修", project=p2, category=desk["leak"], channel="online")
    assert select_policy(order) == project  # project-specific over organisation-wide
    water = policy("水电", project=p1, category=desk["water"])
    assert select_policy(order) == water  # category matches descendants
    leak = policy("漏水", project=p1, category=desk["leak"])
    assert select_policy(order) == leak  # the deeper category
    flagged = policy("渗漏类·网络", project=p1, category_flag="leak", channel="online")
    assert select_policy(order) == flagged  # two conditions over one
    policy("渗漏类·来电", project=p1, category_flag="leak", channel="phone", priority=9)
    policy("安全类", project=p1, category_flag="safety", channel="online", priority=9)
    assert select_policy(order) == flagged  # non-matching conditions never apply
    urgent = policy(
        "渗漏·网络·加急", project=p1, category_flag="leak", channel="online", priority=5
    )
    assert select_policy(order) == urgent  # then priority
    policy("停用", project=p1, category_flag="leak", channel="online", priority=99, is_active=False)
    assert select_policy(order) == urgent
    graded = policy(
        "A级客户", project=p1, category_flag="leak", channel="online", customer_grade="A"
    )
    assert select_policy(order) == urgent  # no customer: the grade does not match
    assert graded.pk
    assert select_policy(make_order("complaint")) is None


# -- the sweep -------------------------------------------------------------------------------


def test_escalation_notifies_the_owners_supervisor_at_100_percent(desk, make_order):
    install("property_severity", desk["project"])
    received = at(2026, 11, 23, 9, 0)
    order = make_order("complaint", received, severity="minor")
    apply_policy(order, now=received)
    r = rows(order)["resolution"]
    # 80 % of 2 days: remind the owner at 2026-11-24 23:24
    assert r.next_check_at == at(2026, 11, 24, 23, 24)
    assert sweep(at(2026, 11, 24, 23, 0)) == 0
    assert sweep(at(2026, 11, 24, 23, 30)) == 1
    reminder = Notification.objects.get()
    assert reminder.user == desk["agent"]
    assert reminder.subject == f"工单 {order.number} “解决”即将到期：即将超时"
    assert deadline_status(rows(order)["resolution"], at(2026, 11, 24, 23, 30)) == "due_soon"

    assert sweep(at(2026, 11, 25, 9, 0)) == 1  # 100 %: breached, the supervisor is told
    alert = Notification.objects.latest("id")
    assert alert.user == desk["supervisor"]
    assert alert.subject == f"工单 {order.number} “解决”已超时：已超时"
    assert alert.link == f"/servicedesk/orders/{order.pk}/"
    r = rows(order)["resolution"]
    assert (r.breached, r.escalation_level, r.next_check_at) == (True, 2, None)
    escalated = OrderEvent.objects.filter(order=order, kind="escalated").order_by("id")
    assert [(e.data["step"], e.data["notify"], e.data["recipient"]["id"]) for e in escalated] == [
        (1, "owner", desk["agent"].pk),
        (2, "supervisor", desk["supervisor"].pk),
    ]
    assert escalated[1].data["due_at"] == "2026-11-25T09:00:00+08:00"
    assert OrderEvent.objects.filter(order=order, kind="deadline_breached").count() == 1
    assert deadline_status(r, at(2026, 11, 25, 9, 0)) == "breached"


def test_sweep_is_idempotent(desk, make_order):
    install("property_severity", desk["project"])
    order = make_order("complaint", at(2026, 11, 23, 9, 0), severity="major")
    apply_policy(order, now=order.received_at)
    now = at(2026, 12, 10, 9, 0)  # everything overdue
    first = sweep(now)
    assert first == 3  # escalate, first answer, resolution (the callback has not started)
    notes, events = Notification.objects.count(), OrderEvent.objects.count()
    assert sweep(now) == 0
    assert sweep(now + timedelta(seconds=30)) == 0
    assert (Notification.objects.count(), OrderEvent.objects.count()) == (notes, events)
    # steps due together are all performed once: first answer 80 % + 100 %, resolution
    # 80 % + 100 % + one day after; the escalation hand-over
    assert notes == 2 + 3 + 1


def test_major_complaint_is_handed_to_the_director_by_the_sweep(desk, make_order):
    install("property_severity", desk["project"])
    order = make_order("complaint", RECEIVED, severity="major")
    apply_policy(order, now=RECEIVED)
    assert rows(order)["escalate"].next_check_at == RECEIVED  # at once (0 %)
    sweep(at(2026, 9, 30, 17, 1))
    r = rows(order)["escalate"]
    assert (r.met_at, r.breached, r.next_check_at) == (at(2026, 9, 30, 17, 1), False, None)
    handed = Notification.objects.get()
    assert handed.user == desk["director"]  # head of the service centre
    assert handed.subject.endswith("重大投诉当天报服务中心主任")


def test_general_manager_is_the_top_of_the_chain_and_missing_people_fall_back(desk, make_order):
    policy = SlaPolicy.objects.create(name="测试", order_type="repair")
    SlaTarget.objects.create(
        policy=policy,
        metric="handoff",
        amount=10,
        unit="minutes",
        escalation=[
            {"at_percent": 100, "notify": role}
            for role in ("general_manager", "manager", "assignee", "supervisor")
        ],
    )
    order = make_order("repair", at(2026, 11, 23, 9, 0))
    apply_policy(order, now=order.received_at)
    sweep(at(2026, 11, 23, 9, 10))
    told = list(Notification.objects.order_by("id").values_list("user__username", flat=True))
    # gm: top of agent → supervisor → director → gm; manager: no responsible department yet,
    # so the head of the owner's department; no assignee: the owner
    assert told == ["gm", "director", "agent", "supervisor"]

    desk["agent"].staff.supervisor = None
    desk["agent"].staff.save()
    order2 = make_order(
        "repair", at(2026, 11, 23, 9, 0), department=desk["eng"], assignee=desk["tech"]
    )
    apply_policy(order2, now=order2.received_at)
    Notification.objects.all().delete()
    sweep(at(2026, 11, 23, 9, 10))
    told = list(Notification.objects.order_by("id").values_list("user__username", flat=True))
    # no supervisor and no chain above the owner: the manager — the responsible
    # department's head — for both
    assert told == ["eng_head", "eng_head", "tech", "eng_head"]


def test_sweep_stops_orders_that_ended(desk, make_order):
    install("property_severity", desk["project"])
    order = make_order("complaint", at(2026, 11, 23, 9, 0), severity="minor")
    apply_policy(order, now=order.received_at)
    WorkOrder.objects.filter(pk=order.pk).update(status=Status.CANCELLED)
    assert sweep(at(2026, 12, 1)) == 1
    assert rows(order)["resolution"].next_check_at is None
    assert not Notification.objects.exists()


def test_sweep_reads_only_the_due_rows(desk, make_order, django_assert_num_queries):
    install("property_severity", desk["project"])
    received = at(2026, 11, 23, 9, 0)
    orders = []
    for n in range(50):
        # 48 received later (nothing due yet), 2 received early enough to be due
        moment = received if n in (7, 31) else received + timedelta(days=1)
        order = make_order("complaint", moment, severity="minor")
        apply_policy(order, now=moment)
        orders.append(order)
    now = at(2026, 11, 24, 23, 30)  # the 80 % reminder of the two early ones
    get_calendar(desk["project"])  # warm the per-process calendar cache
    # the batch's transaction (a savepoint in a test: 2), 1 select (the people come along
    # through joins), 1 calendar check; then per due row: its savepoint (2) and the
    # notification (an insert in a savepoint: 3); then one insert of the batch's "escalated"
    # events and an update per row. The 48 others are not read.
    with django_assert_num_queries(2 + 2 + 2 * 5 + 1 + 2):
        assert sweep(now) == 2
    assert {n.subject.split()[1] for n in Notification.objects.all()} == {
        orders[7].number,
        orders[31].number,
    }
    with django_assert_num_queries(2 + 1):
        assert sweep(now) == 0


def test_a_failing_row_does_not_hold_up_the_others(desk, make_order, monkeypatch, caplog):
    install("property_severity", desk["project"])
    bad = make_order("complaint", at(2026, 11, 23, 9, 0), severity="minor")
    good = make_order("complaint", at(2026, 11, 23, 9, 0), severity="minor")
    for order in (bad, good):
        apply_policy(order, now=order.received_at)
    real = deadlines._escalate

    def escalate(row, order, *args):
        if order.pk == bad.pk:
            raise RuntimeError("gateway down")
        return real(row, order, *args)

    monkeypatch.setattr(deadlines, "_escalate", escalate)
    now = at(2026, 11, 25, 10, 0)
    assert sweep(now) == 2
    assert rows(good)["resolution"].breached is True
    failed = rows(bad)["resolution"]
    # nothing half-written: no breach, no step, retried 15 minutes later
    assert (failed.breached, failed.escalation_level) == (False, 0)
    assert failed.next_check_at == now + timedelta(minutes=15)
    assert not OrderEvent.objects.filter(order=bad).exists()
    assert f"deadline {failed.pk} failed" in caplog.text
    monkeypatch.setattr(deadlines, "_escalate", real)
    assert sweep(now + timedelta(minutes=15)) == 1
    assert rows(bad)["resolution"].breached is True


def test_deadline_status_running_and_due_soon_in_working_time(desk, make_order, business_policy):
    order = make_order("repair", at(2026, 11, 20, 16, 0))  # Friday 16:00, 4 business hours
    apply_policy(order, now=order.received_at)
    r = rows(order)["resolution"]
    assert r.due_at == at(2026, 11, 23, 10, 30)
    cal = get_calendar(desk["project"])
    # Saturday: half the working time used (2 of 4 hours), though most of the clock time is
    assert deadline_status(r, at(2026, 11, 21, 12), cal) == "running"
    assert deadline_status(r, at(2026, 11, 23, 9, 42), cal) == "due_soon"  # 3.2 of 4 h
    assert deadline_status(r, at(2026, 11, 23, 10, 30)) == "breached"
    assert str(deadlines.STATUS_LABELS["due_soon"]) == "即将超时"


# -- the periodic job -----------------------------------------------------------------------


def test_the_job_sweeps_and_is_recorded(desk, make_order):
    from kefu.servicedesk import jobs

    install("property_severity", desk["project"])
    order = make_order("complaint", at(2026, 1, 5, 9, 0), severity="minor")
    apply_policy(order, now=order.received_at)
    outcome = jobs.sla_sweep()
    record = JobRecord.objects.get(name="sla_sweep")
    assert record.status == JobRecord.Status.OK
    assert record.detail == outcome
    assert outcome.endswith("处理 1 条")
    assert rows(order)["resolution"].breached is True
    jobs.sla_sweep_task()  # Huey runs immediately in tests
    assert JobRecord.objects.get(name="sla_sweep").runs == 2
    assert "servicedesk.sla_sweep" in {t.name for t in HUEY._registry.periodic_tasks}


# -- through the real write paths (actions) -------------------------------------------------


def test_the_actions_move_the_deadlines(desk):
    from kefu.servicedesk import actions

    install("repair", desk["project"])
    boss = User.objects.create_superuser("boss", password="pass-Kefu-2026")
    received = at(2026, 11, 23, 9, 40)
    order = actions.create_order(
        boss,
        received_at=received,
        project=desk["project"],
        order_type="repair",
        caller_phone="13800138000",
        title="卫生间漏水",
        description="楼上渗水",
        category=desk["leak"],
    )
    assert dues(order)["handoff"] == at(2026, 11, 23, 9, 50)
    order = actions.transition(boss, order, "accept", at=at(2026, 11, 23, 9, 41))
    order = actions.transition(
        boss,
        order,
        "dispatch",
        at=at(2026, 11, 23, 9, 50),
        department=desk["eng"],
        assignee=desk["tech"],
    )
    order = actions.transition(boss, order, "acknowledge", at=at(2026, 11, 23, 10, 0))
    assert dues(order)["arrival"] == at(2026, 11, 23, 10, 15)
    order = actions.transition(boss, order, "arrive", at=at(2026, 11, 23, 10, 12))
    order = actions.transition(
        boss,
        order,
        "complete",
        at=at(2026, 11, 23, 15, 0),
        resolution="已修复，试水正常",
        confirmed_by="林先生",
        confirmation_method="signature",
    )
    r = rows(order)
    assert {m: (r[m].met_at, r[m].breached) for m in ("handoff", "acknowledge", "arrival")} == {
        "handoff": (at(2026, 11, 23, 9, 50), False),
        "acknowledge": (at(2026, 11, 23, 10, 0), False),
        "arrival": (at(2026, 11, 23, 10, 12), False),
    }
    assert r["callback"].due_at == at(2026, 11, 26, 15, 0)  # leak: 3 days after the water test
