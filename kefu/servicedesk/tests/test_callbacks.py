"""Callbacks: tasks on completion, progress calls, records, worklist, rate (R-CB-01…05)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kefu.core.models import JobRecord
from kefu.notifications.models import Notification
from kefu.servicedesk import callbacks
from kefu.servicedesk.models import Callback, OrderDeadline, OrderEvent, Rating, WorkOrder

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def _only_task(order):
    tasks = list(Callback.objects.filter(order=order))
    assert len(tasks) == 1
    return tasks[0]


def _record(actor, task, **kw):
    values = {
        "method": "phone",
        "questions": "维修人员态度、效率、结果是否满意？",
        "customer_words": "很好，谢谢",
        "result": "satisfied",
    }
    values.update(kw)
    return callbacks.record(actor, task, **values)


@pytest.mark.parametrize(
    ("category", "days"),
    [("cat_leak", 3), ("cat_safety", 2), ("cat_repair", 2)],
)
def test_repair_callback_due_per_rule(sd, open_order, finish_order, category, days):
    # R-CB-04: leak repairs 3 days after the water test (completion), safety 2 days, others 2.
    done_at = timezone.now().replace(microsecond=0)
    order = finish_order(open_order(category=sd[category]), at=done_at)
    task = _only_task(order)
    assert task.kind == "repair"
    assert task.due_at == done_at + datetime.timedelta(days=days)
    assert task.assigned_to == sd["agent"]  # the order's owner (R-TKT-03)
    assert task.done_at is None
    assert not OrderEvent.objects.filter(order=order, kind="callback_scheduled").exists()


def test_solved_complaint_is_called_back_immediately(sd, open_order, finish_order):
    # R-CB-03: solvable at once → call back right after solving.
    done_at = timezone.now().replace(microsecond=0)
    order = finish_order(open_order("complaint", category=sd["cat_complaint"]), at=done_at)
    task = _only_task(order)
    assert (task.kind, task.due_at) == ("complaint", done_at)


def test_paid_service_gets_a_paid_callback_and_inquiry_none(sd, open_order, finish_order):
    paid = open_order("paid_service", title="换水龙头")
    callbacks.schedule_for(paid, timezone.now())
    assert _only_task(paid).kind == "paid"
    inquiry = open_order("inquiry", title="物业费标准")
    assert callbacks.schedule_for(inquiry, timezone.now()) is None
    assert not Callback.objects.filter(order=inquiry).exists()


def test_due_comes_from_the_callback_deadline_and_scheduling_is_idempotent(sd, open_order):
    order = open_order(category=sd["cat_leak"])
    now = timezone.now().replace(microsecond=0)
    policy_due = now + datetime.timedelta(hours=30)
    OrderDeadline.objects.update_or_create(
        order=order, metric="callback", defaults={"started_at": now, "due_at": policy_due}
    )
    first = callbacks.schedule_for(order, now)
    second = callbacks.schedule_for(order, now + DAY)
    assert first.pk == second.pk
    assert _only_task(order).due_at == policy_due


def test_callback_on_an_order_that_is_not_completed_is_refused(sd, open_order):
    order = open_order()
    task = Callback.objects.create(order=order, kind="repair", due_at=timezone.now())
    with pytest.raises(ValidationError) as exc:
        _record(sd["agent"], task)
    assert "尚未完成" in exc.value.messages[0]
    assert "不能回访" in exc.value.messages[0]
    task.refresh_from_db()
    assert task.done_at is None and task.result == ""


def test_door_visit_needs_the_customers_confirmation(sd, open_order, finish_order):
    order = finish_order(open_order())
    task = _only_task(order)
    with pytest.raises(ValidationError) as exc:
        _record(sd["agent"], task, method="visit")
    assert exc.value.message_dict["visit_confirmed_by"] == ["上门回访须有客户签字确认（R-CB-05）。"]
    _record(sd["agent"], task, method="visit", visit_confirmed_by="林晓峰")
    task.refresh_from_db()
    assert task.visit_confirmed_by == "林晓峰"


def test_satisfied_callback_moves_order_and_rate_reaches_100_percent(sd, open_order, finish_order):
    order = finish_order(open_order())
    other = finish_order(open_order(title="灯不亮"))
    orders = WorkOrder.objects.all()
    assert callbacks.callback_rate(orders) == 0.0
    rating = {"attitude": 4, "technique": 3, "timeliness": 4, "promise": 4, "rated_by": "林晓峰"}
    _record(sd["agent"], _only_task(order), rating=rating)
    order.refresh_from_db()
    assert order.status == "callback_done"
    assert callbacks.callback_rate(orders) == 0.5
    assert Rating.objects.get(order=order).callback == _only_task(order)
    _record(sd["agent"], _only_task(other))
    assert callbacks.callback_rate(orders) == 1.0  # R-CB-02 target 100 %
    recorded = OrderEvent.objects.get(order=order, kind="callback_recorded")
    assert recorded.actor == sd["agent"] and recorded.data["result"] == "satisfied"
    with pytest.raises(ValidationError):
        _record(sd["agent"], _only_task(order))  # not twice


def test_callback_rate_is_none_without_completed_orders(sd, open_order):
    open_order()
    assert callbacks.callback_rate(WorkOrder.objects.all()) is None


def test_unsatisfied_complaint_reopens_with_the_customers_words(sd, open_order, finish_order):
    order = finish_order(open_order("complaint", category=sd["cat_complaint"]))
    _record(sd["agent"], _only_task(order), result="unsatisfied", customer_words="噪音仍未解决")
    order.refresh_from_db()
    assert order.status == "reopened"
    reopen = OrderEvent.objects.get(order=order, kind="reopen")
    assert reopen.note == "噪音仍未解决"


def test_unsatisfied_repair_opens_a_rectification_order_to_the_technician(
    sd, open_order, finish_order
):
    # R-CB-04: a problem found on callback goes back to the technician for rectification.
    order = finish_order(open_order(category=sd["cat_leak"]))
    _record(sd["supervisor"], _only_task(order), result="unsatisfied", customer_words="还在渗水")
    order.refresh_from_db()
    assert order.status == "callback_done"
    child = WorkOrder.objects.get(parent=order)
    assert child.status == "dispatched"
    assert (child.assignee, child.department) == (sd["tech"], sd["engineering"])
    assert child.category == sd["cat_leak"] and "还在渗水" in child.description
    assert OrderEvent.objects.filter(order=order, kind="rectification_opened").exists()


def test_agent_without_dispatch_right_leaves_rectification_in_the_queue(
    sd, open_order, finish_order
):
    from django.contrib.auth.models import Permission

    order = finish_order(open_order(category=sd["cat_leak"]))
    # An organisation may keep dispatching to supervisors: take the right away from this agent.
    agent = sd["agent"]
    agent.groups.first().permissions.remove(Permission.objects.get(codename="dispatch_order"))
    agent = type(agent).objects.get(pk=agent.pk)
    _record(agent, _only_task(order), result="unsatisfied", customer_words="还在渗水")
    child = WorkOrder.objects.get(parent=order)
    assert (child.status, child.department, child.assignee) == (
        "accepted",
        sd["engineering"],
        None,
    )
    assert Notification.objects.filter(user=sd["tech"], subject__startswith="返修单").exists()


def test_unsatisfied_needs_the_customers_words(sd, open_order, finish_order):
    order = finish_order(open_order())
    with pytest.raises(ValidationError) as exc:
        _record(sd["agent"], _only_task(order), result="unsatisfied", customer_words=" ")
    assert "customer_words" in exc.value.message_dict


def test_unreachable_customer_is_rescheduled_and_not_counted(sd, open_order, finish_order):
    order = finish_order(open_order())
    task = _only_task(order)
    at = timezone.now().replace(microsecond=0)
    _record(sd["agent"], task, result="unreachable", customer_words="", at=at)
    order.refresh_from_db()
    assert order.status == "completed"
    retry = Callback.objects.get(order=order, done_at__isnull=True)
    assert (retry.kind, retry.due_at) == ("repair", at + DAY)
    assert callbacks.callback_rate(WorkOrder.objects.filter(pk=order.pk)) == 0.0


def test_unresolved_complaint_gets_a_progress_callback_every_2_days(sd, open_order, finish_order):
    # R-CB-03: not solvable quickly → a progress call every 2 days until solved.
    day0 = timezone.now().replace(microsecond=0) - datetime.timedelta(days=10)
    order = open_order("complaint", category=sd["cat_complaint"], received_at=day0)
    assert callbacks.schedule_progress_callbacks(day0 + datetime.timedelta(hours=12)) == 0
    assert callbacks.schedule_progress_callbacks(day0 + DAY) == 1
    first = _only_task(order)
    assert (first.kind, first.due_at) == ("progress", day0 + 2 * DAY)
    assert OrderEvent.objects.filter(order=order, kind="callback_scheduled").count() == 1
    assert callbacks.schedule_progress_callbacks(day0 + 2 * DAY) == 0  # idempotent
    # The progress call is made on an order that is not completed (allowed for progress).
    _record(sd["agent"], first, customer_words="已告知处理进度", at=day0 + 2 * DAY)
    order.refresh_from_db()
    assert order.status == "new"
    assert callbacks.schedule_progress_callbacks(day0 + 3 * DAY) == 1
    second = Callback.objects.get(order=order, done_at__isnull=True)
    assert second.due_at == day0 + 4 * DAY
    # Solved: the open progress task becomes the completion callback, due at once.
    done_at = day0 + 3 * DAY + datetime.timedelta(hours=2)
    order = finish_order(order, at=done_at)
    open_tasks = list(Callback.objects.filter(order=order, done_at__isnull=True))
    assert [(t.kind, t.due_at) for t in open_tasks] == [("complaint", done_at)]
    assert callbacks.schedule_progress_callbacks(day0 + 9 * DAY) == 0


def test_progress_job_is_recorded(sd, open_order):
    from kefu.servicedesk.jobs_callbacks import progress_callbacks

    open_order(
        "complaint",
        category=sd["cat_complaint"],
        received_at=timezone.now() - datetime.timedelta(days=3),
    )
    assert progress_callbacks() == "1 progress callback(s) scheduled"
    assert progress_callbacks() == "0 progress callback(s) scheduled"
    job = JobRecord.objects.get(name="servicedesk.progress_callbacks")
    assert job.status == JobRecord.Status.OK and job.runs == 2


def test_worklist_buckets_and_team_view(sd, open_order):
    now = timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0)
    order = open_order()
    agent = sd["agent"]

    def task(due, user=agent):
        return Callback.objects.create(order=order, kind="repair", due_at=due, assigned_to=user)

    overdue = task(now - DAY)
    today = task(now + datetime.timedelta(hours=5))
    upcoming = task(now + 2 * DAY)
    task(now + 30 * DAY)  # beyond the 7-day horizon
    Callback.objects.create(
        order=order, kind="repair", due_at=now - DAY, assigned_to=agent, done_at=now
    )
    lists = callbacks.worklist(agent, now)
    assert lists == {"overdue": [overdue], "today": [today], "upcoming": [upcoming]}
    # The supervisor sees nothing of their own, and the agent's tasks with team=True.
    boss = sd["supervisor"]
    assert callbacks.worklist(boss, now) == {"overdue": [], "today": [], "upcoming": []}
    team = callbacks.worklist(boss, now, team=True)
    assert team["overdue"] == [overdue]
    assert callbacks.by_staff(team) == {agent: {"overdue": 1, "today": 1, "upcoming": 1}}


def test_leak_repair_callback_due_from_the_preset_and_met_by_the_record(
    sd, open_order, finish_order
):
    # R-CB-04 through the shipped "repair" preset: due 3 days after the water test.
    from kefu.servicedesk import deadlines

    deadlines.install("repair", sd["project"])
    done_at = timezone.now().replace(microsecond=0)
    order = finish_order(open_order(category=sd["cat_leak"]), at=done_at)
    row = OrderDeadline.objects.get(order=order, metric="callback")
    assert row.due_at == done_at + datetime.timedelta(days=3)
    task = _only_task(order)
    assert task.due_at == row.due_at
    _record(sd["agent"], task, at=done_at + DAY)
    row.refresh_from_db()
    assert row.met_at == done_at + DAY and row.breached is False
