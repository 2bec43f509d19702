"""Work-order write paths: creation, the state machine, ownership, classification, locking
(issue 3 items 1–5; R-TKT-01/03/04/08)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kefu.customers.models import Building, Customer, Floor, Unit
from kefu.servicedesk import actions, workflow
from kefu.servicedesk.models import OrderEvent, WorkOrder

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(org, make_user):
    building = Building.objects.create(project=org["p1"], code="8", name="8号楼")
    floor = Floor.objects.create(building=building, number=3)
    unit = Unit.objects.create(building=building, floor=floor, number="0301")
    customer = Customer.objects.create(
        project=org["p1"], kind="owner", name="林晓峰", phone="13855556666"
    )
    return {
        "agent": make_user("cs_agent"),
        "supervisor": make_user("cs_supervisor"),
        "tech": make_user("technician", kind="engineering"),
        "engineering": org["departments"][("P1", "engineering")],
        "unit": unit,
        "customer": customer,
        "project": org["p1"],
    }


def _repair(desk, **extra):
    fields = {
        "project": desk["project"],
        "order_type": "repair",
        "channel": "phone",
        "customer": desk["customer"],
        "unit": desk["unit"],
        "title": "卫生间漏水",
        "description": "楼上渗水到卫生间吊顶",
    }
    fields.update(extra)
    return actions.create_order(desk["agent"], **fields)


def test_create_numbers_orders_per_project_and_year(desk):
    first, second = _repair(desk), _repair(desk, title="灯不亮")
    year = timezone.localtime().year
    assert first.number == f"P1-{year}-000001"
    assert second.number == f"P1-{year}-000002"
    assert first.owner == first.receiver == desk["agent"]  # R-TKT-03 first contact owns it
    assert first.caller_phone == "13855556666"
    assert OrderEvent.objects.filter(order=first, kind="created").count() == 1


def test_order_needs_a_customer_or_a_phone(desk):
    with pytest.raises(ValidationError) as exc:
        _repair(desk, customer=None)
    assert "工单必须有客户，或至少有来电号码。" in exc.value.message_dict["customer"]
    assert WorkOrder.objects.count() == 0
    order = _repair(desk, customer=None, caller_phone="13912345678")
    assert order.customer is None


def test_appointment_in_the_past_is_refused(desk):
    with pytest.raises(ValidationError) as exc:
        _repair(desk, appointment_at=timezone.now() - datetime.timedelta(hours=2))
    assert exc.value.message_dict["appointment_at"] == ["预约时间不能早于现在。"]


def test_severity_only_on_complaints(desk):
    with pytest.raises(ValidationError):
        _repair(desk, severity="major")


def test_full_repair_lifecycle_is_timestamped_and_attributed(desk):
    order = _repair(desk)
    sup, tech = desk["supervisor"], desk["tech"]
    order = actions.transition(desk["agent"], order, "accept")
    order = actions.transition(
        sup, order, "dispatch", department=desk["engineering"], assignee=tech
    )
    order = actions.transition(tech, order, "acknowledge")
    order = actions.transition(tech, order, "depart")
    order = actions.transition(tech, order, "arrive")
    order = actions.transition(tech, order, "start")
    order = actions.transition(
        tech,
        order,
        "complete",
        resolution="更换角阀，试水无渗漏",
        confirmed_by="林晓峰",
        confirmation_method="signature",
    )
    assert order.status == "completed"
    for field in (
        "dispatched_at",
        "acknowledged_at",
        "departed_at",
        "arrived_at",
        "started_at",
        "completed_at",
    ):
        assert getattr(order, field) is not None, field
    kinds = list(order.events.values_list("kind", flat=True))
    assert kinds == [
        "created",
        "accept",
        "dispatch",
        "acknowledge",
        "depart",
        "arrive",
        "start",
        "complete",
    ]
    assert order.events.get(kind="dispatch").actor == sup
    assert order.version == 8


def test_illegal_transition_is_refused_with_a_clear_message(desk):
    order = _repair(desk)
    with pytest.raises(workflow.TransitionError) as exc:
        actions.transition(desk["agent"], order, "arrive")
    assert str(exc.value) == "工单当前状态为“新建”，不能执行“到场”。"
    assert WorkOrder.objects.get(pk=order.pk).status == "new"


def test_stale_version_is_a_conflict_not_an_overwrite(desk):
    order = _repair(desk)
    actions.transition(desk["agent"], order, "accept", version=order.version)
    with pytest.raises(actions.ConflictError):
        actions.transition(desk["agent"], order, "cancel", version=order.version, reason="重复")
    assert WorkOrder.objects.get(pk=order.pk).status == "accepted"


def test_hold_needs_a_reason_and_resume_returns_to_the_held_status(desk):
    order = actions.transition(desk["agent"], _repair(desk), "accept")
    with pytest.raises(ValidationError):
        actions.transition(desk["agent"], order, "hold")
    later = timezone.now() + datetime.timedelta(days=1)
    order = actions.transition(
        desk["agent"], order, "hold", reason="业主出差，改约明天", appointment_at=later
    )
    assert (order.status, order.appointment_at) == ("on_hold", later)
    order = actions.transition(desk["agent"], order, "resume")
    assert order.status == "accepted"


def test_dispatch_to_someone_outside_the_department_is_refused(desk, org):
    order = actions.transition(desk["agent"], _repair(desk), "accept")
    cs = org["departments"][("P1", "cs")]
    with pytest.raises(ValidationError) as exc:
        actions.transition(
            desk["supervisor"], order, "dispatch", department=cs, assignee=desk["tech"]
        )
    assert exc.value.message_dict["assignee"] == ["处理人不属于所选部门。"]


def test_redispatch_needs_a_reason(desk, make_user):
    order = actions.transition(desk["agent"], _repair(desk), "accept")
    order = actions.transition(
        desk["supervisor"], order, "dispatch", department=desk["engineering"], assignee=desk["tech"]
    )
    other = make_user("technician", kind="engineering")
    with pytest.raises(ValidationError):
        actions.transition(
            desk["supervisor"], order, "dispatch", department=desk["engineering"], assignee=other
        )
    order = actions.transition(
        desk["supervisor"],
        order,
        "dispatch",
        department=desk["engineering"],
        assignee=other,
        reason="原技术员请假",
    )
    assert order.assignee == other
    assert order.events.filter(kind="dispatch").count() == 2


def test_completion_of_field_work_needs_the_customers_confirmation(desk):
    order = actions.transition(desk["agent"], _repair(desk), "accept")
    order = actions.transition(
        desk["supervisor"], order, "dispatch", department=desk["engineering"], assignee=desk["tech"]
    )
    for step in ("acknowledge", "arrive"):
        order = actions.transition(desk["tech"], order, step)
    with pytest.raises(ValidationError) as exc:
        actions.transition(desk["tech"], order, "complete", resolution="已修复")
    assert "R-TKT-08" in exc.value.message_dict["confirmed_by"][0]


def test_paid_work_cannot_start_without_an_accepted_quote(desk):
    order = _repair(desk, order_type="paid_service", title="更换水龙头")
    order = actions.transition(desk["agent"], order, "accept")
    order = actions.transition(
        desk["supervisor"], order, "dispatch", department=desk["engineering"], assignee=desk["tech"]
    )
    for step in ("acknowledge", "arrive"):
        order = actions.transition(desk["tech"], order, step)
    with pytest.raises(ValidationError) as exc:
        actions.transition(desk["tech"], order, "start")
    assert "R-TKT-08" in exc.value.messages[0]
    assert WorkOrder.objects.get(pk=order.pk).status == "on_site"


def test_ownership_moves_only_by_recorded_transfer(desk, make_user):
    order = _repair(desk)
    with pytest.raises(ValidationError):
        actions.transfer_ownership(desk["agent"], order, desk["supervisor"], reason=" ")
    order = actions.transfer_ownership(
        desk["agent"], order, desk["supervisor"], reason="业主要求主管跟进"
    )
    assert order.owner == desk["supervisor"]
    event = order.events.get(kind="ownership_transferred")
    assert event.note == "业主要求主管跟进" and event.actor == desk["agent"]
    outsider = make_user("cs_agent", project="P2")
    with pytest.raises(ValidationError):
        actions.transfer_ownership(desk["supervisor"], order, outsider, reason="调岗")


def test_reclassification_is_recorded_and_needs_a_reason(desk):
    order = _repair(
        desk,
        order_type="complaint",
        title="保洁不到位",
        complaint_class="venting",
        severity="minor",
    )
    with pytest.raises(ValidationError):
        actions.classify(desk["supervisor"], order, complaint_class="valid", severity="important")
    order = actions.classify(
        desk["supervisor"],
        order,
        complaint_class="valid",
        severity="important",
        reason="多次反映未处理，属有效投诉",
    )
    event = order.events.get(kind="classified")
    assert event.data["before"] == {"complaint_class": "venting", "severity": "minor"}
    assert (order.complaint_class, order.severity) == ("valid", "important")


def test_technician_sees_only_their_orders(desk, make_user):
    mine = actions.transition(desk["agent"], _repair(desk), "accept")
    actions.transition(
        desk["supervisor"], mine, "dispatch", department=desk["engineering"], assignee=desk["tech"]
    )
    _repair(desk, title="别人的单")
    other_dept_tech = make_user("technician", project="P2", kind="engineering")
    assert list(WorkOrder.visible_to(desk["tech"])) == [mine]
    assert list(WorkOrder.visible_to(other_dept_tech)) == []
    assert WorkOrder.visible_to(desk["agent"]).count() == 2


def test_customer_visible_note_answers_the_customer(desk):
    order = _repair(
        desk, order_type="complaint", title="噪音", complaint_class="valid", severity="minor"
    )
    actions.add_note(desk["agent"], order, "已联系施工方，明日整改", customer_visible=True)
    order.refresh_from_db()
    assert order.answered_at is not None
    with pytest.raises(ValidationError):
        actions.add_note(desk["agent"], order, "  ")


def test_dispatch_needs_its_permission_and_a_technician_cannot_touch_others_orders(desk, make_user):
    from django.core.exceptions import PermissionDenied

    order = actions.transition(desk["agent"], _repair(desk), "accept")
    with pytest.raises(PermissionDenied):
        actions.transition(desk["tech"], order, "dispatch", department=desk["engineering"])
    # The desk hands the order to the department itself (R-TKT-08: within 10 minutes).
    order = actions.transition(desk["agent"], order, "dispatch", department=desk["engineering"])
    assert order.status == "dispatched"
    other_project_tech = make_user("technician", project="P2", kind="engineering")
    with pytest.raises(PermissionDenied):
        actions.transition(other_project_tech, order, "cancel", reason="不是我的")
